"""QA's page for sending a CSV file of conferences from the case-management system."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from service.domain.conference_exchange import ExchangeOutcome
from service.domain.conference_rows import MAX_FILE_BYTES, ImportRefused
from service.usecases.conference_exchange import import_conferences
from service.web.deps import NowDep, PageQaDep, QaFormDep, SettingsDep, WriteSessionDep
from service.web.http.forms import FieldError, error_context
from service.web.http.rendering import render_page

router = APIRouter(prefix="/qa", include_in_schema=False)

_PAGE = "pages/qa/conference_import.html"
_TITLE = "Import conferences from a file"
Count = Annotated[int | None, Query(ge=0, le=100_000)]


@router.get("/conferences/import")
async def import_page(
    request: Request,
    user: PageQaDep,
    created: Count = None,
    updated: Count = None,
    unchanged: Count = None,
) -> Response:
    """The upload form; after a good file, what it did."""
    done = None
    if created is not None and updated is not None and unchanged is not None:
        done = {"created": created, "updated": updated, "unchanged": unchanged}
    return render_page(request, _PAGE, page_title=_TITLE, done=done, problems=[])


@router.post("/conferences/import")
async def import_file(
    request: Request,
    post: QaFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Record or change every conference in the file, or none: each problem is listed."""
    upload = post.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = FieldError("file", "Select a CSV file of conferences")
        return render_page(
            request, _PAGE, error_context([error]), status=422, page_title=_TITLE, problems=[]
        )
    # One byte past the limit is enough to say the file is too large.
    data = await upload.read(MAX_FILE_BYTES + 1)
    try:
        counts = await import_conferences(
            session, settings=settings, now=now, qa_user_id=post.staff.id, data=data
        )
    except ImportRefused as refused:
        return render_page(
            request,
            _PAGE,
            error_context([FieldError("file", refused.message)]),
            status=422,
            page_title=_TITLE,
            problems=refused.problems,
            more_problems=refused.total - len(refused.problems),
        )
    query = "&".join(f"{outcome.value}={counts[outcome]}" for outcome in ExchangeOutcome)
    return RedirectResponse(f"/qa/conferences/import?{query}", status_code=303)
