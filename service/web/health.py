"""What a load balancer and an operator ask of a running process.

`/healthz` says only that the process answers (liveness: restart it if not). `/readyz` says
whether it can serve now (readiness: send it no requests if not), with the failing check named.
Neither says anything about families or requests.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.readiness import readiness
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
