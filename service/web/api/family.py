"""The JSON API for the family members QA lists: add, correct, remove (QA only)."""

from fastapi import APIRouter, Response

from service.store.ids import saved_id
from service.store.tables import FamilyMember
from service.usecases.family_member_details import FamilyMemberDetails
from service.usecases.family_members import (
    add_family_member,
    remove_family_member,
    update_family_member,
)
from service.web.api.schemas import (
    ERROR_RESPONSES,
    CreatedOut,
    FamilyMemberIn,
    FamilyMemberOut,
    FamilyMemberPatchIn,
)
from service.web.deps import ApiQaDep, NowDep, SettingsDep, WriteSessionDep
from service.web.http.fields import IdPath

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["family"])


def _as_details(values: dict[str, object]) -> dict[str, object]:
    """The body's fields as the details take them: the list of needs as one stored value."""
    needs = values.get("communication_needs")
    if isinstance(needs, list):
        values["communication_needs"] = ",".join(str(need) for need in needs)
    return values


def _member_out(member: FamilyMember) -> FamilyMemberOut:
    return FamilyMemberOut.model_validate(member, from_attributes=True)


@router.post(
    "/conferences/{conference_id}/family-members", status_code=201, response_model=CreatedOut
)
async def create_family_member(
    conference_id: IdPath,
    body: FamilyMemberIn,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> CreatedOut:
    """QA lists a family member; while the family is being asked, they are asked too."""
    member = await add_family_member(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        conference_id=conference_id,
        details=FamilyMemberDetails(
            **body.model_dump(exclude={"communication_needs"}),
            communication_needs=",".join(body.communication_needs),
        ),
    )
    return CreatedOut(id=saved_id(member))


@router.patch("/family-members/{family_member_id}", response_model=FamilyMemberOut)
async def correct_family_member(
    family_member_id: IdPath,
    body: FamilyMemberPatchIn,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> FamilyMemberOut:
    """QA corrects a family member; only the fields sent change."""
    member = await update_family_member(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        family_member_id=family_member_id,
        changes=_as_details(body.model_dump(exclude_unset=True)),
    )
    return _member_out(member)


@router.delete("/family-members/{family_member_id}", status_code=204)
async def delete_family_member(
    family_member_id: IdPath,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """QA removes a person added by mistake: their link stops, their answers stay on record."""
    await remove_family_member(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        family_member_id=family_member_id,
    )
    return Response(status_code=204)
