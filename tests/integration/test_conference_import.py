"""A CSV file of conferences, through the API and QA's page: all of it or none, each problem
named by row and column, and hostile files answered plainly with nothing changed."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.store.database import Database
from service.store.tables import AuditEntry, Conference
from tests.integration.test_conference_exchange import auth, count, qa_token
from tests.support.consent import approved_request
from tests.support.factories import NOW, make_conference
from tests.support.scenario import build_world
from tests.support.web import api_token, csrf_from, sign_in

URL = "/api/v1/conferences/import"
HEADER = "external_id,kind,starts_at,duration_minutes,venue,open_to_observers"
CSV = {"Content-Type": "text/csv"}


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def send(client: httpx.AsyncClient, token: str, data: bytes) -> httpx.Response:
    return await client.post(URL, content=data, headers={**auth(token), **CSV})


async def snapshot(database: Database) -> tuple[int, int, int]:
    """Conferences, audit entries and outbox rows: a refused file changes none of them."""
    return (
        await count(database, Conference),
        await count(database, AuditEntry),
        await count(database, OutboxMessage),
    )


async def test_a_good_file_records_changes_and_leaves_as_they_are(
    client: httpx.AsyncClient, database: Database
) -> None:
    start = NOW + timedelta(days=28)
    async with database.write_session() as session:
        for external_id in ("MTG-1", "MTG-2"):
            await make_conference(
                session, external_id=external_id, reference=external_id, starts_at=start
            )
        await session.commit()
    token = await qa_token(client, database)
    data = csv_file(
        'MTG-1,initial,2026-12-21T10:00:00+00:00,90,"Room 2, Civic Centre",yes',
        'MTG-2,initial,2026-12-21 10:00,120,"Room 2, Civic Centre",true',
        "MTG-3,review,2027-06-08 10:00,60,Room 4,no",
        "MTG-4,Initial,2027-01-12T10:00Z,60,Room 5,YES",
    )
    response = await send(client, token, data)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "updated": 1, "unchanged": 1}
    async with database.read_session() as session:
        summer = await session.scalar(select(Conference).where(Conference.external_id == "MTG-3"))
    assert summer is not None
    # London time in June is an hour ahead of UTC.
    assert summer.starts_at == datetime(2027, 6, 8, 9, 0, tzinfo=UTC)
    assert (summer.reference, summer.open_to_observers) == ("MTG-3", False)
    again = await send(client, token, data)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 4}


async def test_a_file_with_errors_in_three_rows_saves_nothing_and_names_each(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    before = await snapshot(database)
    data = csv_file(
        "MTG-1,initial,2027-01-12 10:00,90,Room 1,yes",
        "MTG-2,initial,31/02/2027,90,Room 2,yes",
        "MTG-3,review,2027-01-13 10:00,90,Room 3,yes",
        "MTG-4,annual,2027-01-14 10:00,90,Room 4,yes",
        "MTG-5,review,2027-01-15 10:00,5000,Room 5,perhaps",
    )
    response = await send(client, token, data)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["detail"].startswith("Nothing was saved: the file has 4 problems.")
    assert answer["errors"] == [
        {
            "row": 3,
            "column": "starts_at",
            "problem": "31/02/2027 is not a date and time. Write it as 2027-02-28 10:00 "
            "(London time) or 2027-02-28T10:00+00:00.",
        },
        {
            "row": 5,
            "column": "kind",
            "problem": "annual is not a kind of conference. Write initial or review.",
        },
        {
            "row": 6,
            "column": "duration_minutes",
            "problem": "5000 minutes is not between 15 and 480 minutes.",
        },
        {
            "row": 6,
            "column": "open_to_observers",
            "problem": "perhaps is not yes or no. Write yes or no.",
        },
    ]
    assert await snapshot(database) == before


async def test_rows_refused_by_the_record_itself_save_nothing_either(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        await make_conference(session, external_id="GONE-1", cancelled_at=NOW)
        await session.commit()
    token = await qa_token(client, database)
    before = await snapshot(database)
    data = csv_file(
        "NEW-1,initial,2027-01-12 10:00,90,Room 1,yes",
        "GONE-1,initial,2027-01-12 10:00,90,Room 1,yes",
        "NEW-2,initial,2026-11-20 10:00,90,Room 1,yes",
        "NEW-3-" + "X" * 50 + ",initial,2027-01-12 10:00,90,Room 1,yes",
    )
    response = await send(client, token, data)
    assert response.status_code == 422, response.text
    where = [(e["row"], e["column"]) for e in response.json()["errors"]]
    assert where == [(3, None), (4, "starts_at"), (5, "external_id")]
    assert "was cancelled" in response.json()["errors"][0]["problem"]
    assert "has already passed" in response.json()["errors"][1]["problem"]
    assert await snapshot(database) == before


async def test_a_new_time_in_a_file_moves_the_conference_and_tells_those_asked(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, external_id="MTG-9")
    await approved_request(client, world)
    token = await api_token(client, world.qa_email)
    data = csv_file('MTG-9,initial,2027-01-05 14:00,90,"Room 2, Civic Centre",yes')
    response = await send(client, token, data)
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    moved = OutboxMessage.template == "family_conference_moved"
    assert await count(database, OutboxMessage, moved) == len(world.family_ids)
    assert await count(database, AuditEntry, AuditEntry.action == "conference_rescheduled") == 1


async def test_a_meeting_id_twice_names_both_rows(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    data = csv_file(
        "MTG-1,initial,2027-01-12 10:00,90,Room 1,yes",
        "MTG-2,initial,2027-01-12 10:00,90,Room 1,yes",
        "MTG-1,review,2027-01-13 10:00,90,Room 1,yes",
    )
    response = await send(client, token, data)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "row": 4,
            "column": "external_id",
            "problem": "MTG-1 is also on row 2. Each meeting can be in the file only once.",
        }
    ]
    assert await count(database, Conference) == 0


async def test_times_the_clocks_skip_or_repeat_are_refused_by_row(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    data = csv_file(
        "MTG-1,initial,2027-03-28 01:30,90,Room 1,yes",
        "MTG-2,initial,2027-10-31 01:30,90,Room 1,yes",
        "MTG-3,initial,2027-10-31T01:30+00:00,90,Room 1,yes",
        "MTG-4,initial,2027-03-28 02:30,90,Room 1,yes",
    )
    response = await send(client, token, data)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "starts_at"), (3, "starts_at")]
    assert errors[0]["problem"].startswith("There is no 2027-03-28 01:30 in London")
    assert "2027-10-31T01:30+01:00 for the first" in errors[1]["problem"]
    fixed = csv_file(
        "MTG-2,initial,2027-10-31T01:30+01:00,90,Room 1,yes",
        "MTG-3,initial,2027-10-31T01:30+00:00,90,Room 1,yes",
        "MTG-4,initial,2027-03-28 02:30,90,Room 1,yes",
    )
    assert (await send(client, token, fixed)).json()["created"] == 3
    async with database.read_session() as session:
        starts = list(await session.scalars(select(Conference.starts_at).order_by(Conference.id)))
    assert starts == [
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    ]


_GOOD_ROW = "MTG-1,initial,2027-01-12 10:00,90,Room 1,yes"
_FORMULA_ROW = "MTG-1,initial,2027-01-12 10:00,90,=cmd|' /C calc'!A0,yes"
_MANY_ROWS = [f"M-{n},initial,2027-01-12 10:00,90,R,yes" for n in range(2001)]
HOSTILE = {
    "formula in the venue": (csv_file(_FORMULA_ROW), "formula"),
    "a NUL byte": (csv_file(_GOOD_ROW).replace(b"Room", b"Ro\x00om"), "NUL character"),
    "not UTF-8": (csv_file(_GOOD_ROW).replace(b"Room", b"R\xe9om"), "not UTF-8"),
    "UTF-16": ((HEADER + "\n" + _GOOD_ROW).encode("utf-16"), "UTF-16"),
    "an unclosed quote": (csv_file('MTG-1,initial,2027-01-12 10:00,90,"Room 1,yes'), "quote"),
    "a missing and an extra column": (csv_file(header=HEADER.replace("venue", "notes")), "notes"),
    "no rows": (csv_file(), "no conferences"),
    "nothing at all": (b"", "empty"),
    "too many rows": (csv_file(*_MANY_ROWS), "at most 2,000"),
    "too large": (csv_file(_GOOD_ROW) + b" " * 1_000_000, "at most 1 MB"),
    "a hidden character": (csv_file(_GOOD_ROW.replace("Room", "Ro\u202eom")), "cannot be seen"),
    "a short row": (csv_file("MTG-1,initial,2027-01-12 10:00"), "3 values"),
}


@pytest.mark.parametrize(("data", "words"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_hostile_file_gets_a_plain_answer_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, data: bytes, words: str
) -> None:
    token = await qa_token(client, database)
    before = await snapshot(database)
    response = await send(client, token, data)
    assert response.status_code == 422, response.text
    assert words in response.text
    assert await snapshot(database) == before


async def test_a_spreadsheet_file_with_a_bom_and_crlf_is_read(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    data = b"\xef\xbb\xbf" + csv_file(_GOOD_ROW, "", ",,,,,").replace(b"\n", b"\r\n")
    response = await send(client, token, data)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}


async def test_a_trainee_may_not_import(client: httpx.AsyncClient, database: Database) -> None:
    world = await build_world(database)
    response = await send(client, await api_token(client, world.trainee_email), csv_file(_GOOD_ROW))
    assert response.status_code == 403


async def test_the_schema_says_the_body_is_csv_and_what_a_refusal_holds(
    client: httpx.AsyncClient, database: Database
) -> None:
    schema = (await client.get("/openapi.json")).json()
    call = schema["paths"][URL]["post"]
    assert list(call["requestBody"]["content"]) == ["text/csv"]
    assert call["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportRefusedOut"
    }
    put = schema["paths"]["/api/v1/conferences/by-external-id/{external_id}"]["put"]
    assert {"200", "201", "409", "422"} <= set(put["responses"])


async def _upload(client: httpx.AsyncClient, data: bytes | None) -> httpx.Response:
    page = await client.get("/qa/conferences/import")
    files = {"file": ("conferences.csv", data, "text/csv")} if data is not None else None
    return await client.post(
        "/qa/conferences/import",
        data={"csrf_token": csrf_from(page.text)},
        files=files or {"file": ("", b"", "application/octet-stream")},
    )


async def test_qa_imports_a_file_on_the_web_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    listing = await client.get("/qa/conferences")
    assert 'href="/qa/conferences/import"' in listing.text
    page = await client.get("/qa/conferences/import")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'class="govuk-file-upload"' in page.text
    done = await _upload(client, csv_file(_GOOD_ROW))
    assert done.status_code == 303
    shown = await client.get(done.headers["location"])
    assert "1 conference recorded, 0 changed, 0 already up to date" in shown.text
    conference = await client.get("/qa/conferences")
    assert "MTG-1" in conference.text


async def test_the_web_page_lists_each_problem_and_saves_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    before = await snapshot(database)
    data = csv_file(
        "MTG-1,initial,31/02/2027,90,Room 1,yes",
        "MTG-2,initial,2027-01-12 10:00,90,@SUM(A1),yes",
        "MTG-3,weekly,2027-01-12 10:00,90,Room 3,yes",
    )
    refused = await _upload(client, data)
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert "Nothing was saved: the file has 3 problems." in refused.text
    for row, column in (("2", "starts_at"), ("3", "venue"), ("4", "kind")):
        assert f"<li>Row {row}, {column}: " in refused.text
    empty = await _upload(client, None)
    assert empty.status_code == 422
    assert "Select a CSV file of conferences" in empty.text
    assert await snapshot(database) == before


async def test_a_trainee_cannot_open_the_import_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.trainee_email)
    assert (await client.get("/qa/conferences/import")).status_code == 403
