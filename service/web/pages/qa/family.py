"""QA's pages for the family members whose views are sought: add, correct, remove."""

from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import DomainError, NotAllowed, NotFound
from service.store.loading import load_conference
from service.store.tables import Conference, FamilyMember
from service.usecases.family_members import (
    add_family_member,
    remove_family_member,
    update_family_member,
)
from service.web.deps import (
    NowDep,
    PageQaDep,
    QaFormDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.app_state import settings_of
from service.web.http.errors import status_for
from service.web.http.fields import IdPath
from service.web.http.forms import NO_FIELD, FieldError, error_context
from service.web.http.rendering import render_page
from service.web.pages.qa.common import (
    domain_field_error,
    fresh_read,
    raw_values,
    sort_errors,
)
from service.web.pages.qa.family_form import read_family_form, values_of
from service.web.pages.qa.forms import (
    FAMILY_FIELDS,
    FAMILY_INPUTS,
)

router = APIRouter(prefix="/qa", include_in_schema=False)

# The date of birth is asked for in three boxes; its message goes beside the first.
_FORM_FIELDS = {"date_of_birth": "date_of_birth_day"}


async def _member_at(
    session: AsyncSession, conference_id: int, family_member_id: int
) -> FamilyMember:
    """The family member, listed (and not removed) for this conference, or NotFound."""
    member = await session.get(FamilyMember, family_member_id)
    if member is None or member.removed_at is not None or member.conference_id != conference_id:
        raise NotFound("There is no such family member.")
    return member


def _family_form(
    request: Request,
    conference: Conference,
    member: FamilyMember | None,
    /,
    *,
    status: int = 200,
    **extra: object,
) -> Response:
    base = f"/qa/conferences/{conference.id}/family-members"
    return render_page(
        request,
        "pages/qa/family_member_form.html",
        extra,
        status=status,
        page_title=f"Change {member.name}'s details" if member else "Add a family member",
        conference=conference,
        member=member,
        form_action=f"{base}/{member.id}/edit" if member else f"{base}/new",
        submit_text="Save changes" if member else "Add family member",
        texts_available=settings_of(request).texts_available,
    )


@router.get("/conferences/{conference_id}/family-members/new")
async def new_family_member_page(
    request: Request, conference_id: IdPath, user: PageQaDep, session: ReadSessionDep
) -> Response:
    """The form to list a family member whose views will be sought."""
    conference = await load_conference(session, conference_id)
    return _family_form(request, conference, None, values={})


@router.post("/conferences/{conference_id}/family-members/new")
async def new_family_member(
    request: Request,
    conference_id: IdPath,
    post: QaFormDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Add a family member; while the family is being asked, they are asked too."""
    form, user = post.form, post.staff
    conference = await load_conference(read, conference_id)
    details, errors = read_family_form(form)
    if details is not None:
        try:
            await add_family_member(
                session,
                settings=settings,
                now=now,
                qa_user_id=user.id,
                conference_id=conference_id,
                details=details,
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
        None,
        status=422,
        values=raw_values(form, FAMILY_INPUTS, limit=300),
        **error_context(sort_errors(errors, FAMILY_FIELDS)),
    )


@router.get("/conferences/{conference_id}/family-members/{member_id}/edit")
async def edit_family_member_page(
    request: Request,
    conference_id: IdPath,
    member_id: IdPath,
    user: PageQaDep,
    session: ReadSessionDep,
) -> Response:
    """The form to correct a family member, filled in with what is recorded."""
    member = await _member_at(session, conference_id, member_id)
    conference = await load_conference(session, conference_id)
    return _family_form(request, conference, member, values=values_of(member))


@router.post("/conferences/{conference_id}/family-members/{member_id}/edit")
async def edit_family_member(
    request: Request,
    conference_id: IdPath,
    member_id: IdPath,
    post: QaFormDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Save a correction; the family's invitations follow it."""
    form, user = post.form, post.staff
    member = await _member_at(read, conference_id, member_id)
    conference = await load_conference(read, conference_id)
    details, errors = read_family_form(form)
    status = 422
    if details is not None:
        try:
            await update_family_member(
                session,
                settings=settings,
                now=now,
                qa_user_id=user.id,
                family_member_id=member_id,
                changes=asdict(details),
            )
            url = f"/qa/conferences/{conference_id}?done=member_changed"
            return RedirectResponse(url, status_code=303)
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            status = status_for(error)
            errors.append(domain_field_error(error, _FORM_FIELDS))
    return _family_form(
        request,
        conference,
        member,
        status=status,
        values=raw_values(form, FAMILY_INPUTS, limit=300),
        **error_context(sort_errors(errors, FAMILY_FIELDS)),
    )


def _remove_page(
    request: Request, member: FamilyMember, *, status: int = 200, **extra: object
) -> Response:
    return render_page(
        request,
        "pages/qa/remove_family_member.html",
        extra,
        status=status,
        page_title=f"Are you sure you want to remove {member.name}?",
        member=member,
    )


@router.get("/conferences/{conference_id}/family-members/{member_id}/remove")
async def remove_family_member_page(
    request: Request,
    conference_id: IdPath,
    member_id: IdPath,
    user: PageQaDep,
    session: ReadSessionDep,
) -> Response:
    """Ask whether QA is sure before removing someone."""
    member = await _member_at(session, conference_id, member_id)
    return _remove_page(request, member)


@router.post("/conferences/{conference_id}/family-members/{member_id}/remove")
async def remove(
    request: Request,
    conference_id: IdPath,
    member_id: IdPath,
    post: QaFormDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Remove a person added by mistake: their link stops, their answers stay in the record."""
    user = post.staff
    member = await _member_at(read, conference_id, member_id)
    try:
        await remove_family_member(
            session,
            settings=settings,
            now=now,
            qa_user_id=user.id,
            family_member_id=member_id,
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        async with fresh_read(request) as fresh:
            member = await _member_at(fresh, conference_id, member_id)
        refusal = FieldError(NO_FIELD, error.message)
        return _remove_page(request, member, status=409, **error_context([refusal]))
    return RedirectResponse(f"/qa/conferences/{conference_id}?done=member_removed", status_code=303)
