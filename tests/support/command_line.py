"""The installed `cpc-observers` command, run as an operator would, on one database."""

import os
import subprocess
from pathlib import Path

from tests.browser.live_service import CLI


def _environment(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    env.update({"CPC_ENV": "development", "CPC_DATABASE_URL": database_url})
    return env


def cpc_observers(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command line with a clean environment aimed at one database."""
    return subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [str(CLI), *args],
        env=_environment(database_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
