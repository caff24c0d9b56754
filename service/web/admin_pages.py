"""The administrator's page: staff accounts, and stopping or restoring their sign-in."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.errors import NotFound
from service.store.views import PAGE_SIZE, staff_page
from service.usecases.staff_accounts import set_staff_active
from service.web.csrf import CSRF_FIELD, require_csrf
from service.web.deps import (
    NowDep,
    PageAdminDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.fields import MAX_ID
from service.web.rendering import render_page

router = APIRouter(prefix="/admin", include_in_schema=False)
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("")
async def staff_accounts(
    request: Request,
    user: PageAdminDep,
    session: ReadSessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Every staff account, 50 to a page."""
    staff = await staff_page(session, offset=(page - 1) * PAGE_SIZE)
    done = request.query_params.get("done")
    return render_page(
        request,
        "pages/admin/staff.html",
        page_title="Staff accounts",
        staff=staff,
        page=page,
        has_next=len(staff) == PAGE_SIZE,
        done=done if done in ("deactivated", "reactivated") else None,
    )


@router.post("/staff/{user_id}/{action}")
async def change_access(
    request: Request,
    user_id: IdPath,
    action: str,
    user: PageAdminDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Stop a staff member signing in (withdrawing what they asked for), or restore it."""
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    if action not in ("deactivate", "reactivate"):
        raise NotFound("There is no page at this address.")
    await set_staff_active(
        session,
        settings=settings,
        now=now,
        admin_id=user.id or 0,
        user_id=user_id,
        active=action == "reactivate",
    )
    return RedirectResponse(f"/admin?done={action}d", status_code=303)
