"""The JSON API's sign-in: a person's own short-lived token, and ending it."""

from fastapi import APIRouter, HTTPException, Request, Response

from service.domain.staff_sessions import SessionKind
from service.usecases.sign_in import minutes_text, sign_in_with_password
from service.usecases.staff_sessions import sign_out
from service.web.api.schemas import TokenIn, TokenOut, error_responses
from service.web.deps import (
    ApiSessionDep,
    NowDep,
    SettingsDep,
    WriteSessionDep,
    client_address,
    client_device,
)
from service.web.http.app_state import database_of

router = APIRouter(prefix="/api/v1", responses=error_responses(401, 403, 422, 429), tags=["auth"])


@router.post("/auth/token", response_model=TokenOut, tags=["auth"])
async def create_token(
    body: TokenIn, request: Request, settings: SettingsDep, now: NowDep
) -> TokenOut:
    """Exchange a staff email and password for a bearer token; 429 after repeated failures.

    An account with a second factor sends `one_time_code` as well. The token works for 12
    hours at most, ends when the account is stopped, and `DELETE /api/v1/auth/token` ends it.
    """
    if not settings.local_passwords:
        raise HTTPException(
            status_code=403,
            detail="Passwords are turned off here. Ask an administrator for an integration token.",
        )
    database = database_of(request)
    result = await sign_in_with_password(
        database.reader,
        database.writer,
        settings=settings,
        now=now,
        email=body.email,
        password=body.password,
        address=client_address(request),
        kind=SessionKind.API,
        one_time_code=body.one_time_code,
        device=client_device(request),
    )
    if result.wait is not None:
        seconds = result.wait.seconds_from(now)
        raise HTTPException(
            status_code=429,
            detail=f"Too many failed sign-ins. Try again in {minutes_text(seconds)}.",
            headers={"Retry-After": str(seconds)},
        )
    if result.needs_code:
        raise HTTPException(
            status_code=401,
            detail="Send one_time_code too: the code from your authenticator app.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if result.needs_set_up:
        raise HTTPException(
            status_code=403,
            detail="Set up a second factor first: sign in on the web and follow the steps.",
        )
    if result.new_session is None:
        raise HTTPException(
            status_code=401,
            detail="The email or password is not right.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenOut(
        access_token=result.new_session.token, expires_at=result.new_session.row.expires_at
    )


@router.delete("/auth/token", status_code=204, tags=["auth"])
async def end_token(signed_in: ApiSessionDep, session: WriteSessionDep, now: NowDep) -> Response:
    """End the bearer token this request carries, at once."""
    await sign_out(session, now=now, session_id=signed_in.session_id)
    return Response(status_code=204)
