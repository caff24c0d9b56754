"""What a load balancer and an operator ask of a running process.

`/healthz` says only that the process answers (liveness: restart it if not). `/readyz` says
whether it can serve now (readiness: send it no requests if not), with the failing check named.
`/metrics` gives Prometheus its figures, only to a scraper holding `CPC_METRICS_TOKEN`. None of
them says anything about a family or a request.
"""

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service.metrics import METRICS_CONTENT_TYPE, DatabaseFigures, exposition
from service.readiness import readiness
from service.store.operating_figures import (
    answers_by_kind_and_channel,
    oldest_due_message,
    outbox_by_channel_and_state,
)
from service.web.deps import NowDep
from service.web.http.app_state import database_of, settings_of

router = APIRouter(include_in_schema=False)

_NOT_STORED = {"Cache-Control": "no-store"}


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process is up and its event loop answers; nothing else is touched."""
    return JSONResponse({"status": "ok"}, headers=_NOT_STORED)


@router.get("/readyz")
async def readyz(request: Request, now: NowDep) -> JSONResponse:
    """200 when every check passes, else 503; the body names each check and why one failed."""
    checks = await readiness(database_of(request), settings_of(request), now)
    ready = all(check.ok for check in checks)
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {check.name: "ok" if check.ok else check.detail for check in checks},
        },
        status_code=200 if ready else 503,
        headers=_NOT_STORED,
    )


def _holds_metrics_token(request: Request, expected: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode())


@router.get("/metrics")
async def metrics(request: Request, now: NowDep) -> Response:
    """Prometheus' text format; 404 when no token is set, 401 without the right one."""
    expected = settings_of(request).metrics_token
    if not expected:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    if not _holds_metrics_token(request, expected):
        return JSONResponse(
            {"detail": "Send the metrics token as a bearer token."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    async with database_of(request).read_session() as session:
        oldest = await oldest_due_message(session, now=now)
        figures = DatabaseFigures(
            outbox=await outbox_by_channel_and_state(session),
            oldest_due_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
            answers=await answers_by_kind_and_channel(session),
        )
    return Response(exposition(figures), media_type=METRICS_CONTENT_TYPE, headers=_NOT_STORED)
