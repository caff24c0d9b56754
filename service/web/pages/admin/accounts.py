"""The administrator's page: staff accounts, and stopping or restoring their sign-in."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.errors import NotFound
from service.store.loading import load_staff
from service.store.sign_in_failures import accounts_waiting
from service.store.views import PAGE_SIZE, staff_page
from service.usecases.sign_in import lift_sign_in_wait
from service.usecases.staff_accounts import set_staff_active
from service.usecases.steps.sign_in_attempts import account_key
from service.web.deps import (
    AdminFormDep,
    NowDep,
    PageAdminDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.fields import IdPath
from service.web.http.rendering import render_page

router = APIRouter(prefix="/admin", include_in_schema=False)
_DONE_MESSAGES = {
    "deactivated": "The account was deactivated: it cannot sign in, and its sessions have ended.",
    "reactivated": "The account was reactivated: the person can sign in again.",
    "let try again": "The person can try to sign in again now.",
    "second factor reset": (
        "Their second factor was reset: they will set up a new one when they next sign in."
    ),
}


@router.get("")
async def staff_accounts(
    request: Request,
    user: PageAdminDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Every staff account, 50 to a page, with who must wait after failed sign-ins."""
    staff = await staff_page(session, offset=(page - 1) * PAGE_SIZE)
    keys = {member.id: account_key(settings, member.email) for member in staff}
    waiting_keys = await accounts_waiting(session, account_keys=list(keys.values()), now=now)
    done = request.query_params.get("done")
    return render_page(
        request,
        "pages/admin/staff.html",
        page_title="Staff accounts",
        staff=staff,
        page=page,
        has_next=len(staff) == PAGE_SIZE,
        waiting={member_id for member_id, key in keys.items() if key in waiting_keys},
        done=_DONE_MESSAGES.get(done or ""),
    )


@router.post("/staff/{user_id}/lift-wait")
async def lift_wait(
    request: Request,
    user_id: IdPath,
    post: AdminFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Let a member of staff who failed to sign in too often try again now."""
    user = post.staff
    member = await load_staff(session, user_id)
    await lift_sign_in_wait(session, settings=settings, now=now, admin_id=user.id, user=member)
    return RedirectResponse("/admin?done=let+try+again", status_code=303)


@router.get("/staff/{user_id}/deactivate")
async def confirm_stop_sign_in(
    request: Request, user_id: IdPath, user: PageAdminDep, session: ReadSessionDep
) -> Response:
    """Say what stopping someone's sign-in ends before it is done."""
    member = await load_staff(session, user_id)
    if member.id == user.id or not member.is_active:
        return RedirectResponse("/admin", status_code=303)
    return render_page(
        request,
        "pages/admin/stop_sign_in.html",
        page_title=f"Stop {member.name} signing in?",
        member=member,
    )


@router.post("/staff/{user_id}/{action}")
async def change_access(
    request: Request,
    user_id: IdPath,
    action: str,
    post: AdminFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Stop a staff member signing in (withdrawing what they asked for), or restore it."""
    user = post.staff
    if action not in ("deactivate", "reactivate"):
        raise NotFound("There is no page at this address.")
    await set_staff_active(
        session,
        settings=settings,
        now=now,
        admin_id=user.id,
        user_id=user_id,
        active=action == "reactivate",
    )
    return RedirectResponse(f"/admin?done={action}d", status_code=303)
