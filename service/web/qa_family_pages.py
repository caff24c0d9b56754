"""QA's page for listing a family member whose views will be sought about an observer."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.errors import DomainError, NotAllowed, NotFound
from service.store.loading import load_conference
from service.store.tables import Conference
from service.usecases.conferences import add_family_member
from service.web.csrf import CSRF_FIELD, require_csrf
from service.web.deps import NowDep, PageQaDep, ReadSessionDep, WriteSessionDep
from service.web.forms import parse_form
from service.web.qa_common import (
    IdPath,
    domain_field_error,
    error_context,
    qa_user_id,
    raw_values,
    sort_errors,
)
from service.web.qa_forms import (
    FAMILY_FIELDS,
    FAMILY_INPUTS,
    FAMILY_MESSAGES,
    FamilyMemberForm,
    missing_child_judgement,
    parse_date,
    understanding,
)
from service.web.rendering import render_page

router = APIRouter(prefix="/qa", include_in_schema=False)

# The date of birth is asked for in three boxes; its message goes beside the first.
_FORM_FIELDS = {"date_of_birth": "date_of_birth_day"}


def _family_form(
    request: Request, conference: Conference, *, status: int = 200, **extra: Any
) -> Response:
    return render_page(
        request,
        "pages/qa/family_member_form.html",
        status=status,
        page_title="Add a family member",
        conference=conference,
        **extra,
    )


@router.get("/conferences/{conference_id}/family-members/new")
async def new_family_member_page(
    request: Request, conference_id: IdPath, user: PageQaDep, session: ReadSessionDep
) -> Response:
    """The form to list a family member whose views will be sought."""
    conference = await load_conference(session, conference_id)
    return _family_form(request, conference, values={})


def _family_fields(form: FamilyMemberForm, date_of_birth: date | None) -> dict[str, Any]:
    return {
        "name": form.name,
        "relationship": form.relationship,
        "email": form.email,
        "is_child": form.child_or_adult == "child",
        "date_of_birth": date_of_birth,
        "has_parental_responsibility": form.has_parental_responsibility == "yes",
        "sufficient_understanding": understanding(form),
        "understanding_judged_by": form.understanding_judged_by,
        "contact_by_email": form.do_not_email is None,
    }


@router.post("/conferences/{conference_id}/family-members/new")
async def new_family_member(
    request: Request,
    conference_id: IdPath,
    user: PageQaDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    now: NowDep,
) -> Response:
    """Add a family member; refused while the family is being asked about an observer."""
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    conference = await load_conference(read, conference_id)
    parsed = parse_form(FamilyMemberForm, form, FAMILY_MESSAGES)
    born = parse_date(form, "date_of_birth", what="the date of birth", required=False)
    errors = parsed.errors + born.errors
    if parsed.value is not None:
        errors += missing_child_judgement(parsed.value)
    if parsed.value is not None and not errors:
        fields = _family_fields(parsed.value, born.value if isinstance(born.value, date) else None)
        try:
            await add_family_member(
                session,
                now=now,
                qa_user_id=qa_user_id(user),
                conference_id=conference_id,
                **fields,
            )
            url = f"/qa/conferences/{conference_id}?done=member_added"
            return RedirectResponse(url, status_code=303)
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            errors.append(domain_field_error(error, _FORM_FIELDS))
    return _family_form(
        request,
        conference,
        status=422,
        values=raw_values(form, FAMILY_INPUTS, limit=300),
        **error_context(sort_errors(errors, FAMILY_FIELDS)),
    )
