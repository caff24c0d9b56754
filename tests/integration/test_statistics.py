"""QA's statistics for a seeded financial year whose every figure is known beforehand.

The year is 1 April 2026 to 31 March 2027 in London. Conferences sit on both edges at midnight
London time (in British Summer Time, so 23:00 UTC the day before), notice is counted in working
days around the Spring bank holiday, and the page, the CSV and the API must agree.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import DeliveryStatus, OutboxMessage, RecipientRole
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.times import london_time
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentAnswer, ConsentInvitation
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.factories import make_conference, make_family_member, make_request, make_staff
from tests.support.web import api_token, sign_in

YEAR = {"from": "2026-04-01", "to": "2027-03-31"}


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return london_time(day, hour, minute)


@dataclass(frozen=True)
class Asked:
    """One person asked: who, how reached, and their answer (None: no answer)."""

    young: bool
    channel: str
    answer: str | None = None
    answered_by: str = "link"
    after: timedelta = timedelta(hours=1)
    welsh: bool = False
    easy_read: bool = False
    reminders: int = 0


async def _request(session: AsyncSession, trainee: int, starts: datetime, status: str,
                   asked: date, **fields: object) -> tuple[int, int]:  # fmt: skip
    conference = await make_conference(session, starts_at=starts,
                                       kind=str(fields.pop("kind", "initial")))  # fmt: skip
    request = await make_request(session, conference_id=conference.id, trainee_id=trainee,
                                 status=status, created_at=_at(asked), **fields)  # fmt: skip
    assert request.id is not None and conference.id is not None
    return request.id, conference.id


async def _ask(session: AsyncSession, request_id: int, conference_id: int, who: Asked) -> None:
    member = await make_family_member(
        session, conference_id=conference_id, is_child=who.young, contact_channel=who.channel,
        preferred_language="cy" if who.welsh else None,
    )  # fmt: skip
    asked_at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    invitation = ConsentInvitation(
        request_id=request_id, family_member_id=member.id, nonce=f"n{member.id}",
        wording="easy_read" if who.easy_read else ("young_person" if who.young else "adult"),
        ask_in_person=who.channel == "in_person", current_answer=who.answer,
        answered_at=asked_at + who.after if who.answer else None,
        reminders_sent=who.reminders, created_at=asked_at,
    )  # fmt: skip
    session.add(invitation)
    await session.flush()
    if who.answer:
        session.add(ConsentAnswer(
            invitation_id=invitation.id, answer=who.answer, channel=who.answered_by,
            language="cy" if who.welsh else "en", text_version="1", text_sha256="0" * 64,
            recorded_at=asked_at + who.after,
        ))  # fmt: skip


async def _seed_year(database: Database) -> None:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        trainee = await make_staff(session)
        assert trainee.id is not None
        t = trainee.id
        # Outside the year, by a minute on either side (midnight London, summer time).
        await _request(session, t, _at(date(2026, 3, 31), 23, 59), "submitted", date(2026, 3, 1))
        await _request(session, t, _at(date(2027, 4, 1), 0, 0), "submitted", date(2027, 3, 1))
        # Inside, on both edges.
        await _request(session, t, _at(date(2026, 4, 1), 0, 0), "submitted", date(2026, 3, 2))
        await _request(session, t, _at(date(2027, 3, 31), 23, 59), "lapsed", date(2027, 3, 1),
                       organisation="University of Exampleton", role="Student nurse")  # fmt: skip
        # Tuesday after the Spring bank holiday (Monday 25 May 2026): 4 working days' notice.
        observed = await _request(session, t, _at(date(2026, 5, 26)), "completed",
                                  date(2026, 5, 19), chair_check="observed")  # fmt: skip
        # Monday 15 June, asked Monday 1 June: 10 working days.
        said_no = await _request(session, t, _at(date(2026, 6, 15)), "not_going_ahead",
                                 date(2026, 6, 1), kind="review")  # fmt: skip
        await _request(session, t, _at(date(2026, 6, 16)), "not_going_ahead", date(2026, 6, 1),
                       chair_check="family_withdrew")  # fmt: skip
        await _request(session, t, _at(date(2026, 7, 6)), "declined", date(2026, 6, 1),
                       decline_reason="The chair asked for no observers.")  # fmt: skip
        await _request(session, t, _at(date(2026, 7, 7)), "declined", date(2026, 6, 1),
                       decline_reason="=HYPERLINK(\"x\")")  # fmt: skip
        await _request(session, t, _at(date(2026, 9, 1)), "withdrawn", date(2026, 6, 1))
        await _request(session, t, _at(date(2026, 10, 1)), "cancelled", date(2026, 6, 1))
        await _request(session, t, _at(date(2026, 12, 1)), "confirmed", date(2026, 6, 1))
        await _request(session, t, _at(date(2027, 1, 5)), "seeking_consent", date(2026, 6, 1))
        for approved, _conference in (observed, said_no):
            await append_audit(session, now=_at(date(2026, 5, 20)), actor_kind="qa",
                               actor_id=qa.id, action=AuditAction.APPROVE,
                               request_id=approved)  # fmt: skip
        for who in (
            Asked(False, "email", "yes", after=timedelta(minutes=30)),
            Asked(
                False, "sms", "yes", after=timedelta(hours=2, minutes=10), welsh=True, reminders=1
            ),
            Asked(
                True,
                "in_person",
                "yes",
                answered_by="in_person",
                after=timedelta(hours=30, minutes=15),
            ),
        ):
            await _ask(session, *observed, who)
        for who in (
            Asked(False, "letter", "no", answered_by="phone", after=timedelta(hours=5, minutes=20)),
            Asked(False, "email", None, easy_read=True, reminders=1),
            Asked(True, "letter", None),
        ):
            await _ask(session, *said_no, who)
        for channel in ("email", "sms"):
            session.add(OutboxMessage(
                created_at=_at(date(2026, 6, 2)), channel=channel, template="family_invitation",
                recipient_role=RecipientRole.FAMILY, to_address="x", subject="s",
                status=DeliveryStatus.PERMANENT_FAILURE.value, request_id=said_no[0],
                next_attempt_at=_at(date(2026, 6, 2)),
            ))  # fmt: skip
        await session.commit()


EXPECTED = {
    "conferences": [("Initial conferences", [10]), ("Review conferences", [1])],
    "outcomes": [
        ("Waiting for QA's decision", [1]), ("Declined by QA", [2]), ("Withdrawn", [1]),
        ("Conference cancelled", [1]), ("Lapsed: answers not in by the deadline", [1]),
        ("Waiting for the family's answers", [1]), ("Not going ahead", [1]),
        ("Confirmed, conference still to come", [1]), ("Observed", [1]),
        ("Family withdrew on the day", [1]),
    ],
    # Around the Spring bank holiday (25 May 2026) and Good Friday (26 March 2027).
    "notice": [("0 to 4", [1]), ("5 to 9", [0]), ("10 to 14", [2]), ("15 to 19", [0]),
               ("20 or more", [8])],
    "answers_by_person": [("Adults", [2, 1, 1]), ("Young people", [1, 0, 1])],
    "answers_by_channel": [
        ("Link in an email", [1, 0, 0]), ("Link in a text message", [1, 0, 0]),
        ("In person", [1, 0, 0]), ("By phone", [0, 1, 0]), ("Asked by email", [0, 0, 1]),
        ("Asked by letter", [0, 0, 1]),
    ],
    "undeliverable": [("email", [1]), ("sms", [1])],
    "organisations": [("Children's Services", [10]), ("University of Exampleton", [1])],
    "roles": [("Student social worker", [10]), ("Student nurse", [1])],
    "decline_reasons": [('=HYPERLINK("x")', [1]), ("The chair asked for no observers.", [1])],
    "languages": [("Asked in Welsh", [1]), ("Answered in Welsh", [1]),
                  ("Given the Easy Read information", [1])],
    "trend": [
        ("April 2026", [1, 0, 0]), ("May 2026", [1, 1, 0]), ("June 2026", [2, 0, 2]),
        ("July 2026", [2, 0, 0]), ("August 2026", [0, 0, 0]), ("September 2026", [1, 0, 0]),
        ("October 2026", [1, 0, 0]), ("November 2026", [0, 0, 0]),
        ("December 2026", [1, 0, 0]), ("January 2027", [1, 0, 0]),
        ("February 2027", [0, 0, 0]), ("March 2027", [1, 0, 0]),
    ],
}  # fmt: skip
SUMMARY = {"requests_approved": 2, "reminders_sent": 2, "answer_within_hours_median": 3,
           "answer_within_hours_90th_percentile": 31}  # fmt: skip


def _rows(figure: dict[str, object]) -> list[tuple[str, list[object]]]:
    rows = figure["rows"]
    assert isinstance(rows, list)
    return [(row["label"], list(row["values"].values())) for row in rows]


async def _qa_token(client: httpx.AsyncClient, database: Database) -> dict[str, str]:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    return {"Authorization": f"Bearer {await api_token(client, qa.email)}"}


async def test_every_figure_of_a_seeded_year(client: httpx.AsyncClient, database: Database) -> None:
    await _seed_year(database)
    response = await client.get("/api/v1/statistics", params=YEAR,
                                headers=await _qa_token(client, database))  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == YEAR
    assert body["small_counts_suppressed"] is False
    assert body["summary"] == SUMMARY
    assert {key: _rows(figure) for key, figure in body["figures"].items()} == EXPECTED


async def test_the_page_and_the_csv_hold_the_api_numbers(
    client: httpx.AsyncClient, database: Database
) -> None:
    await _seed_year(database)
    token = await _qa_token(client, database)
    answer = await client.get("/api/v1/statistics", params=YEAR, headers=token)
    figures = answer.json()["figures"]
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    await sign_in(client, qa.email)
    page = await client.get("/qa/statistics", params={"period": "dates", **YEAR})
    assert page.status_code == 200
    download = await client.get("/qa/statistics.csv", params={"period": "dates", **YEAR})
    assert download.headers["content-disposition"].endswith(
        'filename="statistics-2026-04-01-to-2027-03-31.csv"')  # fmt: skip
    lines = list(csv.DictReader(io.StringIO(download.text)))
    for key, figure in figures.items():
        assert figure["title"] in page.text.replace("&#39;", "'")
        for label, values in _rows(figure):
            cells = "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{v}</td>'
                            for v in values)  # fmt: skip
            shown = str(escape(label))
            assert f'<th scope="row" class="govuk-table__header">{shown}</th>{cells}' in (
                page.text.replace("\n", "").replace("          ", "")
            ), (key, label)
            written = label if not label.startswith("=") else f"'{label}"
            in_csv = [line["value"] for line in lines
                      if line["figure"] == key and line["row"] == written]  # fmt: skip
            assert in_csv == [str(value) for value in values], (key, label)
    assert "<svg" in page.text and "<desc" in page.text


async def test_small_counts_are_kept_back_everywhere(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    await _seed_year(database)
    app = create_app(settings.model_copy(update={"statistics_suppress_small": True}), database,
                     clock=clock)  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as kept:
        body = (await kept.get("/api/v1/statistics", params=YEAR,
                               headers=await _qa_token(kept, database))).json()  # fmt: skip
        async with database.write_session() as session:
            qa = await make_staff(session, role="qa")
            await session.commit()
        await sign_in(kept, qa.email)
        page = await kept.get("/qa/statistics", params=YEAR)
        download = await kept.get("/qa/statistics.csv", params=YEAR)
    assert body["small_counts_suppressed"] is True
    assert body["summary"]["requests_approved"] == "fewer than 5"
    conferences = _rows(body["figures"]["conferences"])
    assert conferences == [("Initial conferences", [10]), ("Review conferences", ["fewer than 5"])]
    assert _rows(body["figures"]["notice"])[1] == ("5 to 9", [0])
    # Every count: not the period's days, nor the hours an answer took.
    counts = {line["value"] for line in csv.DictReader(io.StringIO(download.text))
              if line["figure"] != "period" and "hours" not in line["row"]}  # fmt: skip
    assert "fewer than 5" in counts
    assert not counts & {"1", "2", "3", "4"}
    assert "fewer than 5" in page.text
    assert 'as "fewer than 5"' in page.text


async def test_who_may_see_the_statistics_and_periods_that_are_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        trainee = await make_staff(session)
        admin = await make_staff(session, role="admin")
        await session.commit()
    trainee_token = {"Authorization": f"Bearer {await api_token(client, trainee.email)}"}
    assert (await client.get("/api/v1/statistics", params=YEAR,
                             headers=trainee_token)).status_code == 403  # fmt: skip
    qa = await _qa_token(client, database)
    for params, problem in (
        ({"from": "2027-03-31", "to": "2026-04-01"}, "on or after the first day"),
        ({"from": "31/03/2027", "to": "2027-04-01"}, "for example 2026-04-01"),
        ({"from": "2020-01-01", "to": "2026-04-01"}, "at most five years"),
        ({"to": "2026-04-01"}, "The field 'from' is missing."),
    ):
        refused = await client.get("/api/v1/statistics", params=params, headers=qa)
        assert refused.status_code == 422
        assert problem in refused.text
    await sign_in(client, admin.email)
    page = await client.get("/qa/statistics", params={"period": "this-month"})
    assert page.status_code == 200
    assert "Conferences from 1 November 2026 to 30 November 2026" in page.text
    bad = await client.get("/qa/statistics", params={"period": "dates", "from": "2026-13-01"})
    assert bad.status_code == 422
    assert "There is a problem" in bad.text and "Write both dates" in bad.text
