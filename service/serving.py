"""`cpc-observers serve`: the web service in one process, or in several on PostgreSQL.

Every worker builds its own app from the same `CPC_` settings (`production_app`, which uvicorn
calls in each). The dispatcher and jobs run either in each worker (`CPC_DISPATCH_IN_PROCESS`,
safe: a message is leased before it is sent and every job compares before it sets) or in one
`cpc-observers dispatch` process beside them. Counters for /metrics are shared between workers
through files in `PROMETHEUS_MULTIPROC_DIR`, made here when the operator has not chosen one.
"""

import atexit
import os
import shutil
import sys
import tempfile

import uvicorn
from fastapi import FastAPI

from service.logs import configure_logging
from service.metrics import MULTIPROCESS_DIR_VARIABLE
from service.settings import Settings, get_settings
from service.store.database import is_sqlite

SQLITE_HAS_ONE_WRITER = (
    "Several worker processes need PostgreSQL: SQLite lets one process write at a time. "
    "Serve with --workers 1, or set CPC_DATABASE_URL to a PostgreSQL database."
)


def production_app() -> FastAPI:
    """The app as each worker runs it: settings from the environment, logs as configured."""
    settings = get_settings()
    configure_logging(settings.log_format)
    # Imported here: the metrics module must be loaded after PROMETHEUS_MULTIPROC_DIR is set.
    from service.web.app import create_app

    return create_app(settings)


def _share_metrics_between_workers() -> None:
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        return
    folder = tempfile.mkdtemp(prefix="cpc-observers-metrics-")
    os.environ[MULTIPROCESS_DIR_VARIABLE] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def serve(settings: Settings, *, host: str, port: int, workers: int) -> int:
    """Run the web service until stopped; 2 when several workers are asked for on SQLite."""
    if workers < 1:
        print("--workers must be 1 or more.", file=sys.stderr)
        return 2
    if workers > 1 and is_sqlite(settings.database_url):
        print(SQLITE_HAS_ONE_WRITER, file=sys.stderr)
        return 2
    if workers > 1:
        _share_metrics_between_workers()
    configure_logging(settings.log_format)
    uvicorn.run(
        "service.serving:production_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # X-Forwarded-For is read in the app, believed only from CPC_TRUSTED_PROXIES.
        proxy_headers=False,
        access_log=False,  # the service logs each request itself, with tokens left out
        log_config=None,  # keep the service's log format (service.logs)
        log_level="info",
    )
    return 0
