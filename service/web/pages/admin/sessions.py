"""The administrator's view of who is signed in, and the tokens integrations use."""

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import InvalidInput
from service.domain.staff_sessions import (
    INTEGRATION_TOKEN_MAX_DAYS,
    SessionKind,
    Stage,
    is_usable,
)
from service.store.staff_sessions import integration_tokens, open_sessions, times_of
from service.store.tables import StaffSession, StaffUser
from service.usecases.second_factor import reset_second_factor
from service.usecases.staff_sessions import (
    create_integration_token,
    end_peoples_sessions_for_admin,
    end_session_for_admin,
)
from service.web.deps import (
    AdminFormDep,
    NowDep,
    PageAdminDep,
    ReadSessionDep,
    SettingsDep,
    SignedInDep,
    WriteSessionDep,
)
from service.web.http.fields import IdPath, ShortText
from service.web.http.forms import FieldError, parse_form
from service.web.http.rendering import render_page

router = APIRouter(prefix="/admin", include_in_schema=False)

_HOW = {"password": "Password", "council_account": "Council account", "integration": "Token"}
_KIND = {"browser": "Browser", "api": "API token", "integration": "Integration"}


def _session_row(row: StaffSession, user: StaffUser) -> dict[str, object]:
    return {
        "id": row.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "kind": _KIND.get(row.kind, row.kind),
        "how": _HOW.get(row.signed_in_with, row.signed_in_with),
        "part_way": row.stage != Stage.SIGNED_IN.value,
        "started": row.created_at,
        "last_seen": row.last_seen_at,
        "device": row.device or "Not known",
        "staff_user_id": user.id,
    }


@router.get("/sessions")
async def who_is_signed_in(
    request: Request,
    user: PageAdminDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Every browser session and personal API token that still works."""
    idle = timedelta(seconds=settings.session_idle_seconds)
    rows = [
        _session_row(row, member)
        for row, member in await open_sessions(
            session, now=now, kinds=(SessionKind.BROWSER, SessionKind.API)
        )
        if is_usable(times_of(row), now=now, idle=idle)
    ]
    return render_page(
        request,
        "pages/admin/sessions.html",
        page_title="Who is signed in",
        sessions=rows,
        own_session_id=getattr(request.state.staff_session, "session_id", None),
        done=_ENDED.get(request.query_params.get("done") or ""),
    )


_ENDED = {
    "ended": "The session was ended. Its cookie or token no longer opens anything.",
    "person": "That person was signed out everywhere.",
    "everyone": "Everyone else was signed out.",
}


@router.post("/sessions/end-everyone")
async def end_everyone(
    request: Request,
    signed_in: SignedInDep,
    post: AdminFormDep,
    session: WriteSessionDep,
    now: NowDep,
) -> Response:
    """Sign out every person but the administrator doing it (integrations carry on)."""
    user = post.staff
    await end_peoples_sessions_for_admin(
        session, now=now, admin_id=user.id, keep_session_id=signed_in.session_id
    )
    return RedirectResponse("/admin/sessions?done=everyone", status_code=303)


@router.post("/staff/{user_id}/end-sessions")
async def end_persons_sessions(
    request: Request,
    user_id: IdPath,
    signed_in: SignedInDep,
    post: AdminFormDep,
    session: WriteSessionDep,
    now: NowDep,
) -> Response:
    """Sign one person out on every browser, and end their API tokens."""
    user = post.staff
    await end_peoples_sessions_for_admin(
        session,
        now=now,
        admin_id=user.id,
        keep_session_id=signed_in.session_id,
        staff_user_id=user_id,
    )
    return RedirectResponse("/admin/sessions?done=person", status_code=303)


@router.post("/sessions/{session_id}/end")
async def end_one_session(
    request: Request, session_id: IdPath, post: AdminFormDep, session: WriteSessionDep, now: NowDep
) -> Response:
    """End someone's session or token at once."""
    form, user = post.form, post.staff
    await end_session_for_admin(session, now=now, admin_id=user.id, session_id=session_id)
    back = "/admin/integrations?done=revoked" if form.get("from") == "integrations" else None
    return RedirectResponse(back or "/admin/sessions?done=ended", status_code=303)


def _token_row(row: StaffSession, account: StaffUser, now: datetime) -> dict[str, object]:
    working = row.ended_at is None and now < row.expires_at
    return {
        "id": row.id,
        "name": row.name or account.name,
        "role": account.role,
        "created": row.created_at,
        "expires": row.expires_at,
        "last_used": row.last_seen_at if row.last_seen_at > row.created_at else None,
        "working": working,
        "state": "Working" if working else ("Revoked" if row.ended_at is not None else "Expired"),
    }


async def _integrations_page(
    request: Request,
    session: AsyncSession,
    now: datetime,
    *,
    status: int = 200,
    **context: object,
) -> Response:
    tokens = [_token_row(row, account, now) for row, account in await integration_tokens(session)]
    return render_page(
        request,
        "pages/admin/integrations.html",
        context,
        status=status,
        page_title="Integration tokens",
        tokens=tokens,
        max_days=INTEGRATION_TOKEN_MAX_DAYS,
    )


@router.get("/integrations")
async def integrations(
    request: Request, user: PageAdminDep, session: ReadSessionDep, now: NowDep
) -> Response:
    """The named tokens other systems use, with when each was last used."""
    return await _integrations_page(
        request, session, now, done=request.query_params.get("done") == "revoked", values={}
    )


class IntegrationTokenForm(BaseModel):
    # Only the shapes here: which roles and how many days are allowed is the use case's rule.
    name: ShortText
    role: str = Field(max_length=20)
    valid_days: int


@router.post("/integrations")
async def new_integration_token(
    request: Request, post: AdminFormDep, session: WriteSessionDep, now: NowDep
) -> Response:
    """Make a named token; it is shown on this page once and never again."""
    form, user = post.form, post.staff
    parsed = parse_form(
        IntegrationTokenForm,
        form,
        {
            "name": "Enter a name for the token, such as the system that will use it",
            "role": "Choose what the integration may do",
            "valid_days": f"Enter a number of days from 1 to {INTEGRATION_TOKEN_MAX_DAYS}",
        },
    )
    created = None
    if parsed.value is not None:
        try:
            created = await create_integration_token(
                session, now=now, admin_id=user.id, **parsed.value.model_dump()
            )
        except InvalidInput as error:
            parsed.errors.append(FieldError(error.field or "name", error.message))
    if created is None:
        return await _integrations_page(
            request,
            session,
            now,
            status=422,
            errors=parsed.summary(),
            field_errors=parsed.by_field(),
            values={key: str(form.get(key) or "")[:100] for key in ("name", "role", "valid_days")},
        )
    return await _integrations_page(
        request, session, now, new_token=created.token, new_token_name=created.row.name, values={}
    )


@router.post("/staff/{user_id}/reset-second-factor")
async def reset_code(
    request: Request, user_id: IdPath, post: AdminFormDep, session: WriteSessionDep, now: NowDep
) -> Response:
    """Clear a person's lost authenticator app; they set up a new one when they next sign in."""
    user = post.staff
    await reset_second_factor(session, now=now, admin_id=user.id, user_id=user_id)
    return RedirectResponse("/admin?done=second+factor+reset", status_code=303)
