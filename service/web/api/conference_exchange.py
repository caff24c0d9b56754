"""The JSON API for the council's case-management system: conferences by meeting id, and CSV."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from service.domain.conference_exchange import ConferenceDetails, ExchangeOutcome
from service.domain.conference_rows import ImportRefused
from service.usecases.conference_exchange import import_conferences, send_conference
from service.web.api.presenters import conference_for_qa
from service.web.api.schemas import (
    ERROR_RESPONSES,
    ConferenceOut,
    ConferenceSentIn,
    ImportCountsOut,
    ImportProblemOut,
    ImportRefusedOut,
)
from service.web.deps import ApiQaDep, NowDep, SettingsDep, WriteSessionDep

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["conferences"])

ExternalIdPath = Annotated[
    str,
    Path(
        description=(
            "The meeting id in the case-management system: up to 100 letters, digits and "
            "the characters - _ . / :"
        )
    ),
]
_CSV_BODY = {
    "required": True,
    "description": (
        "A header row naming the columns external_id, kind, starts_at, duration_minutes, "
        "venue, open_to_observers (in any order), then one conference a row. UTF-8, at most "
        "1 MB and 2,000 rows."
    ),
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


@router.put(
    "/conferences/by-external-id/{external_id:path}",
    response_model=ConferenceOut,
    responses={201: {"model": ConferenceOut, "description": "Recorded: the meeting id was new."}},
)
async def put_conference_by_external_id(
    external_id: ExternalIdPath,
    body: ConferenceSentIn,
    response: Response,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ConferenceOut:
    """Record (201) or bring up to date (200) the conference with this meeting id.

    Sending what is recorded changes nothing. A new time or venue moves the conference: the
    observer's invite follows and everyone asked is told; 409 when that leaves the family no
    time to answer, unless `confirm_short_notice` is true. 409 for a cancelled conference.
    """
    conference, outcome = await send_conference(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        external_id=external_id,
        sent=ConferenceDetails(
            kind=body.kind,
            starts_at=body.starts_at,
            duration_minutes=body.duration_minutes,
            venue=body.venue,
            open_to_observers=body.open_to_observers,
            reference=body.reference,
        ),
        confirm_short_notice=body.confirm_short_notice,
    )
    if outcome is ExchangeOutcome.CREATED:
        response.status_code = 201
    return conference_for_qa(conference)


@router.post(
    "/conferences/import",
    response_model=ImportCountsOut,
    responses={422: {"model": ImportRefusedOut, "description": "Nothing was saved."}},
    openapi_extra={"requestBody": _CSV_BODY},
)
async def import_conferences_csv(
    request: Request, user: ApiQaDep, session: WriteSessionDep, settings: SettingsDep, now: NowDep
) -> ImportCountsOut | Response:
    """Record or bring up to date every conference in a CSV file, or none of them.

    Each row follows the rules of PUT /conferences/by-external-id/{external_id}. A file with
    any problem saves nothing: 422 lists every problem by row and column.
    """
    try:
        counts = await import_conferences(
            session, settings=settings, now=now, qa_user_id=user.id, data=await request.body()
        )
    except ImportRefused as refused:
        return JSONResponse(refused_answer(refused).model_dump(), status_code=422)
    return ImportCountsOut(
        created=counts[ExchangeOutcome.CREATED],
        updated=counts[ExchangeOutcome.UPDATED],
        unchanged=counts[ExchangeOutcome.UNCHANGED],
    )


def refused_answer(refused: ImportRefused) -> ImportRefusedOut:
    """The 422 answer for a file with problems."""
    return ImportRefusedOut(
        detail=refused.message,
        errors=[
            ImportProblemOut(row=p.row, column=p.column, problem=p.problem)
            for p in refused.problems
        ],
    )
