"""QA's confirmation before withdrawing a request: what will happen, then yes or go back."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.allowed_now import may_withdraw
from service.domain.errors import NotFound
from service.domain.states import Actor
from service.store.views import request_row
from service.web.deps import NowDep, PageQaDep, ReadSessionDep
from service.web.http.fields import IdPath
from service.web.http.rendering import render_page

router = APIRouter(prefix="/qa", include_in_schema=False)


@router.get("/requests/{request_id}/withdraw")
async def confirm_withdraw(
    request: Request, request_id: IdPath, user: PageQaDep, session: ReadSessionDep, now: NowDep
) -> Response:
    """Say who is told what before QA withdraws; back to the request if it cannot be withdrawn."""
    row = await request_row(session, request_id=request_id)
    if row is None:
        raise NotFound("There is no such request.")
    facts = row.facts_at(now)
    if not may_withdraw(facts, Actor.QA):
        return RedirectResponse(f"/qa/requests/{request_id}", status_code=303)
    return render_page(
        request,
        "pages/qa/withdraw.html",
        page_title=f"Withdraw the request to observe conference {row.conference.reference}?",
        row=row,
    )
