"""No N+1: each page and API call issues as many SQL statements at 1,000 requests as at 10.

The world starts with 10 requests; every call is counted; then 990 more requests (with their
conferences, families, invitations, answers, audit entries, emails and more staff) are added in
bulk and every call is counted again. A call that changes something is made on one of two
identical targets, the first at 10 requests and the second at 1,000. No timing here: that is
`make bench`.
"""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from notifications.outbox import OutboxMessage
from service.links import make_consent_token
from service.settings import Settings
from service.store.database import Database
from service.store.tables import (
    AuditEntry,
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from tests.support.consent import information_sha256
from tests.support.factories import (
    NOW,
    make_conference,
    make_family_member,
    make_request,
    make_staff,
)
from tests.support.web import api_token, csrf_from, sign_in

SMALL, LARGE = 10, 1_000
BULK_ID = 100_000  # bulk rows take ids from here, clear of anything the calls create
FINISHED = ("completed", "declined", "not_going_ahead", "lapsed", "withdrawn", "cancelled")
GROWING = (*FINISHED, "submitted", "seeking_consent", "confirmed")
Call = Callable[[int], Awaitable[httpx.Response]]  # takes 0 at 10 requests, 1 at 1,000


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    """Every statement sent to the database (reads and writes) while the block runs."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engines: list[Engine] = [database.write_engine.sync_engine]
    if database.read_engine is not database.write_engine:
        engines.append(database.read_engine.sync_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


@dataclass
class Targets:
    """Ids the calls address; pairs hold one target for each size."""

    qa_email: str = ""
    trainee_email: str = ""
    admin_email: str = ""
    trainee_id: int = 0
    shown_conference: int = 0
    viewed_request: int = 0
    viewed_member: int = 0
    viewed_invitation: tuple[int, str] = (0, "")
    approve: list[int] = field(default_factory=list)
    decline: list[int] = field(default_factory=list)
    withdraw: list[int] = field(default_factory=list)
    answer: list[tuple[int, str]] = field(default_factory=list)
    ask_about: list[int] = field(default_factory=list)
    add_family_to: list[int] = field(default_factory=list)


async def _conference_with_family(
    session: Any, *, days: int = 28, members: int = 2
) -> tuple[int, list[int]]:
    conference = await make_conference(session, starts_at=NOW + timedelta(days=days))
    assert conference.id is not None
    ids = []
    for _ in range(members):
        member = await make_family_member(session, conference_id=conference.id)
        ids.append(member.id or 0)
    return conference.id, ids


async def _invite(
    session: Any, request_id: int, member_id: int, answer: str | None = None
) -> tuple[int, str]:
    nonce = f"nonce-{request_id}-{member_id}"
    invitation = ConsentInvitation(
        request_id=request_id,
        family_member_id=member_id,
        nonce=nonce,
        wording="adult",
        ask_in_person=False,
        current_answer=answer,
        answered_at=NOW if answer else None,
        created_at=NOW,
    )
    session.add(invitation)
    await session.flush()
    if answer:
        session.add(
            ConsentAnswer(
                invitation_id=invitation.id or 0,
                answer=answer,
                channel="link",
                language="en",
                text_version="adult-1",
                text_sha256="0" * 64,
                recorded_at=NOW,
            )
        )
    return invitation.id or 0, nonce


async def seed_ten_requests(database: Database) -> Targets:
    """Staff, a confirmed request to look at, two targets for each change, and one finished."""
    targets = Targets()
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa", name="Quinn QA")
        trainee = await make_staff(session, role="trainee", name="Taylor Trainee")
        admin = await make_staff(session, role="admin", name="Ada Admin")
        targets.qa_email, targets.trainee_email, targets.admin_email = (
            qa.email,
            trainee.email,
            admin.email,
        )
        targets.trainee_id = trainee.id or 0

        async def a_request(status: str, **conference: Any) -> tuple[int, list[int]]:
            conference_id, members = await _conference_with_family(session, **conference)
            request = await make_request(
                session, conference_id=conference_id, trainee_id=trainee.id, status=status
            )
            return request.id or 0, members

        conference_id, members = await _conference_with_family(session, members=3)
        viewed = await make_request(
            session, conference_id=conference_id, trainee_id=trainee.id, status="confirmed"
        )
        targets.shown_conference, targets.viewed_request = conference_id, viewed.id or 0
        targets.viewed_member = members[0]
        invitations = [await _invite(session, targets.viewed_request, m, "yes") for m in members]
        targets.viewed_invitation = invitations[1]
        for _ in range(2):
            targets.approve.append((await a_request("submitted"))[0])
            targets.decline.append((await a_request("submitted"))[0])
            targets.withdraw.append((await a_request("submitted"))[0])
            request_id, answer_members = await a_request("seeking_consent")
            pair = [await _invite(session, request_id, m) for m in answer_members]
            targets.answer.append(pair[0])
            targets.ask_about.append((await _conference_with_family(session, days=35))[0])
            targets.add_family_to.append((await _conference_with_family(session, days=42))[0])
        await a_request("completed", days=-30)
        await session.commit()
    return targets


def _bulk_rows(count: int, trainee_id: int) -> dict[Any, list[dict[str, Any]]]:
    """`count` more requests of every kind, each with a conference, two parents, invitations,
    answers, audit entries and emails; and more staff."""
    rows: dict[Any, list[dict[str, Any]]] = {
        table: []
        for table in (
            StaffUser,
            Conference,
            FamilyMember,
            ObservationRequest,
            ConsentInvitation,
            ConsentAnswer,
            AuditEntry,
            OutboxMessage,
        )
    }
    for n in range(count):
        rows[StaffUser].append(
            {
                "id": BULK_ID + n,
                "email": f"bulk{n}@council.example",
                "name": f"Bulk Trainee {n:04d}",
                "role": "trainee",
                "password_hash": "not-a-hash",
                "is_active": True,
                "email_confirmed_at": NOW,
                "created_at": NOW,
            }
        )
    for n in range(count):
        ident = BULK_ID + n
        status = GROWING[n % len(GROWING)]
        past = status in FINISHED
        starts = NOW + timedelta(days=-(1 + n % 300) if past else 30 + n % 200, hours=n % 5)
        rows[Conference].append(
            {
                "id": ident,
                "reference": f"CP-B{n:05d}",
                "kind": "initial",
                "starts_at": starts,
                "duration_minutes": 90,
                "venue": "Room 2, Civic Centre",
                "open_to_observers": True,
                "cancelled_at": None,
                "version": 1,
                "created_at": NOW,
                "created_by_id": None,
            }
        )
        rows[ObservationRequest].append(
            {
                "id": ident,
                "conference_id": ident,
                # Every third one is the signed-in trainee's, so their own lists grow too.
                "trainee_id": trainee_id if n % 3 == 0 else BULK_ID + n % count,
                "status": status,
                "version": 1,
                "role": "Student social worker",
                "organisation": "Children's Services",
                "purpose": "To learn.",
                "supervisor_name": "Sam Supervisor",
                "supervisor_email": "supervisor@council.example",
                "confidentiality_acknowledged": True,
                "confidentiality_statement_version": "1",
                "decline_reason": None,
                "chair_check": None,
                "chair_check_flagged_at": None,
                "calendar_sequence": 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        for k in range(2):
            member = 2 * ident + k
            rows[FamilyMember].append(
                {
                    "id": member,
                    "conference_id": ident,
                    "name": f"Parent {member}",
                    "relationship": "Mother",
                    "email": f"parent{member}@family.example",
                    "is_child": False,
                    "date_of_birth": None,
                    "has_parental_responsibility": True,
                    "sufficient_understanding": None,
                    "understanding_judged_by": None,
                    "contact_by_email": True,
                    "created_at": NOW,
                }
            )
            rows[ConsentInvitation].append(
                {
                    "id": member,
                    "request_id": ident,
                    "family_member_id": member,
                    "nonce": f"bulk-{member}",
                    "wording": "adult",
                    "ask_in_person": False,
                    "current_answer": "yes",
                    "answered_at": NOW,
                    "reminders_sent": 0,
                    "created_at": NOW,
                }
            )
            rows[ConsentAnswer].append(
                {
                    "id": member,
                    "invitation_id": member,
                    "answer": "yes",
                    "channel": "link",
                    "language": "en",
                    "text_version": "adult-1",
                    "text_sha256": "0" * 64,
                    "comment": None,
                    "recorded_by_id": None,
                    "recorded_at": NOW,
                }
            )
            rows[AuditEntry].append(
                {
                    "id": member,
                    "occurred_at": NOW,
                    "actor_kind": "family",
                    "actor_id": None,
                    "action": "answer_given",
                    "request_id": ident,
                    "conference_id": ident,
                    "from_status": None,
                    "to_status": None,
                    "details": "{}",
                    "previous_hash": "0" * 64,
                    "entry_hash": "0" * 64,
                }
            )
            rows[OutboxMessage].append(
                {
                    "id": member,
                    "created_at": NOW,
                    "template": "family_invitation",
                    "recipient_role": "family",
                    "to_address": f"parent{member}@family.example",
                    "subject": "A request about your meeting",
                    "body_text": "text",
                    "body_html": "<p>html</p>",
                    "calendar_ics": None,
                    "calendar_method": None,
                    "request_id": ident,
                    "ordering_key": None,
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": NOW,
                    "lease_until": None,
                    "last_error": None,
                    "sent_at": NOW,
                    "bodies_cleared_at": None,
                }
            )
    return rows


async def grow(database: Database, count: int, trainee_id: int) -> None:
    """Add `count` requests and everything around them with a few bulk inserts."""
    async with database.write_session() as session:
        for model, rows in _bulk_rows(count, trainee_id).items():
            await session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        await session.commit()


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _calls(app: FastAPI, settings: Settings, targets: Targets) -> dict[str, tuple[Call, int]]:
    """Every counted call, by name, with the status it must answer."""
    qa, trainee, admin, family = _client(app), _client(app), _client(app), _client(app)
    await sign_in(qa, targets.qa_email)
    await sign_in(trainee, targets.trainee_email)
    await sign_in(admin, targets.admin_email)
    api = _client(app)
    qa_token = {"Authorization": f"Bearer {await api_token(api, targets.qa_email)}"}
    trainee_token = {"Authorization": f"Bearer {await api_token(api, targets.trainee_email)}"}
    conference, request = targets.shown_conference, targets.viewed_request

    def get(client: httpx.AsyncClient, url: str, **kw: Any) -> Call:
        async def call(_size: int) -> httpx.Response:
            return await client.get(url, **kw)

        return call

    def link(invitation: tuple[int, str]) -> str:
        token = make_consent_token(settings, invitation_id=invitation[0], nonce=invitation[1])
        return f"/consent/{token}"

    # The family member's form, read before counting starts: only the POST is counted.
    answer_forms: list[tuple[str, dict[str, str]]] = []
    for invitation in targets.answer:
        path = link(invitation)
        page = await family.get(path)
        assert page.status_code == 200, page.text
        form = {
            "decision": "yes",
            "comment": "",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
        }
        answer_forms.append((path, form))

    async def answer(size: int) -> httpx.Response:
        path, form = answer_forms[size]
        return await family.post(path, data=form)

    def api_post(
        url: Callable[[int], str], body: Callable[[int], dict[str, Any]], token: dict[str, str]
    ) -> Call:
        async def call(size: int) -> httpx.Response:
            return await api.post(url(size), json=body(size), headers=token)

        return call

    calls: dict[str, tuple[Call, int]] = {
        "GET /qa": (get(qa, "/qa"), 200),
        "GET /qa?status=seeking_consent": (get(qa, "/qa?status=seeking_consent"), 200),
        "GET /qa?status=confirmed": (get(qa, "/qa?status=confirmed"), 200),
        "GET /qa?status=finished": (get(qa, "/qa?status=finished"), 200),
        "GET /qa?status=all": (get(qa, "/qa?status=all"), 200),
        "GET /qa/requests/{id}": (get(qa, f"/qa/requests/{request}"), 200),
        "GET /qa/requests/{id}/record": (get(qa, f"/qa/requests/{request}/record"), 200),
        "GET /qa/requests/{id}/record/family/{m}": (
            get(qa, f"/qa/requests/{request}/record/family/{targets.viewed_member}"),
            200,
        ),
        "GET /qa/conferences": (get(qa, "/qa/conferences"), 200),
        "GET /qa/conferences/new": (get(qa, "/qa/conferences/new"), 200),
        "GET /qa/conferences/{id}": (get(qa, f"/qa/conferences/{conference}"), 200),
        "GET /qa/conferences/{id}/reschedule": (
            get(qa, f"/qa/conferences/{conference}/reschedule"),
            200,
        ),
        "GET /qa/conferences/{id}/cancel": (get(qa, f"/qa/conferences/{conference}/cancel"), 200),
        "GET /qa/conferences/{id}/family-members/new": (
            get(qa, f"/qa/conferences/{conference}/family-members/new"),
            200,
        ),
        "GET /trainee": (get(trainee, "/trainee"), 200),
        "GET /trainee/requests/{id}": (get(trainee, f"/trainee/requests/{request}"), 200),
        "GET /trainee/requests/{id}/calendar.ics": (
            get(trainee, f"/trainee/requests/{request}/calendar.ics"),
            200,
        ),
        "GET /trainee/conferences/{id}/ask": (
            get(trainee, f"/trainee/conferences/{targets.ask_about[0]}/ask"),
            200,
        ),
        "GET /admin": (get(admin, "/admin"), 200),
        "GET /consent/{token}": (get(family, link(targets.viewed_invitation)), 200),
        "GET /api/v1/conferences (qa)": (get(api, "/api/v1/conferences", headers=qa_token), 200),
        "GET /api/v1/conferences?open=true (qa)": (
            get(api, "/api/v1/conferences?open=true", headers=qa_token),
            200,
        ),
        "GET /api/v1/conferences (trainee)": (
            get(api, "/api/v1/conferences", headers=trainee_token),
            200,
        ),
        "GET /api/v1/observation-requests (qa)": (
            get(api, "/api/v1/observation-requests", headers=qa_token),
            200,
        ),
        "GET /api/v1/observation-requests?status=submitted (qa)": (
            get(api, "/api/v1/observation-requests?status=submitted", headers=qa_token),
            200,
        ),
        "GET /api/v1/observation-requests (trainee)": (
            get(api, "/api/v1/observation-requests", headers=trainee_token),
            200,
        ),
        "GET /api/v1/observation-requests/{id} (qa)": (
            get(api, f"/api/v1/observation-requests/{request}", headers=qa_token),
            200,
        ),
        "GET /api/v1/observation-requests/{id} (trainee)": (
            get(api, f"/api/v1/observation-requests/{request}", headers=trainee_token),
            200,
        ),
        "GET /api/v1/observation-requests/{id}/calendar.ics": (
            get(api, f"/api/v1/observation-requests/{request}/calendar.ics", headers=qa_token),
            200,
        ),
        "POST /api/v1/conferences": (
            api_post(
                lambda size: "/api/v1/conferences",
                lambda size: {
                    "reference": f"CP-NEW-{size}",
                    "kind": "initial",
                    "starts_at": (NOW + timedelta(days=50)).isoformat(),
                    "duration_minutes": 90,
                    "venue": "Room 3",
                    "open_to_observers": True,
                },
                qa_token,
            ),
            201,
        ),
        "POST /api/v1/conferences/{id}/family-members": (
            api_post(
                lambda size: f"/api/v1/conferences/{targets.add_family_to[size]}/family-members",
                lambda size: {
                    "name": "Sam Carer",
                    "relationship": "Carer",
                    "email": "carer@family.example",
                    "is_child": False,
                    "date_of_birth": str(date(1990, 1, 1)),
                    "has_parental_responsibility": True,
                    "contact_by_email": True,
                },
                qa_token,
            ),
            201,
        ),
        "POST /api/v1/observation-requests": (
            api_post(
                lambda size: "/api/v1/observation-requests",
                lambda size: {
                    "conference_id": targets.ask_about[size],
                    "role": "Student social worker",
                    "organisation": "Children's Services",
                    "purpose": "To learn how families are heard.",
                    "supervisor_name": "Sam Supervisor",
                    "supervisor_email": "supervisor@council.example",
                    "confidentiality_acknowledged": True,
                },
                trainee_token,
            ),
            201,
        ),
        "POST /api/v1/observation-requests/{id}/approve": (
            api_post(
                lambda size: f"/api/v1/observation-requests/{targets.approve[size]}/approve",
                lambda size: {},
                qa_token,
            ),
            200,
        ),
        "POST /api/v1/observation-requests/{id}/decline": (
            api_post(
                lambda size: f"/api/v1/observation-requests/{targets.decline[size]}/decline",
                lambda size: {"reason": "The conference is not suitable for an observer."},
                qa_token,
            ),
            200,
        ),
        "POST /api/v1/observation-requests/{id}/withdraw": (
            api_post(
                lambda size: f"/api/v1/observation-requests/{targets.withdraw[size]}/withdraw",
                lambda size: {},
                qa_token,
            ),
            200,
        ),
        "POST /consent/{token}": (answer, 303),
    }
    return calls


async def _chain_checked(app: FastAPI, database: Database) -> None:
    async with database.read_session() as session:
        newest = await session.scalar(select(func.max(col(AuditEntry.id))))
    await app.state.audit_chain_watch.state(up_to=newest)


async def _count_all(
    app: FastAPI, database: Database, calls: dict[str, tuple[Call, int]], size: int
) -> dict[str, int]:
    # Every page once, uncounted: some work happens only the first time (the audit chain's
    # periodic check) or changes what the next page shows (viewing the record is audited, so
    # the request page then names who viewed it); neither grows with the data.
    for name, (call, _) in calls.items():
        if name.startswith("GET"):
            await call(size)
    counts = {}
    for name, (call, expected) in calls.items():
        # Before each call the chain's check catches up with the entries written so far (the
        # views above, a copy of the record just made), as it would within a minute: otherwise
        # a page or copy showing them checks them first, in a walk of its own running beside
        # it, whose statements land in the count or not by timing alone. (The bulk-grown
        # record's entries are not chained, so there the check finds the break and nothing
        # walks again within the minute.)
        await _chain_checked(app, database)
        with counting_statements(database) as statements:
            response = await call(size)
        assert response.status_code == expected, f"{name}: {response.status_code} {response.text}"
        counts[name] = len(statements)
    return counts


async def test_no_page_or_api_call_issues_more_statements_as_requests_grow(
    app: FastAPI, database: Database, settings: Settings
) -> None:
    targets = await seed_ten_requests(database)
    calls = await _calls(app, settings, targets)
    assert len(targets.approve) == 2
    small = await _count_all(app, database, calls, 0)
    await grow(database, LARGE - SMALL, targets.trainee_id)
    large = await _count_all(app, database, calls, 1)
    # The lists really did grow past a page, so an N+1 would have shown.
    for name in ("GET /qa?status=all", "GET /qa?status=finished", "GET /trainee"):
        page = await calls[name][0](1)
        assert page.text.count("/requests/") >= 50, name
    grew = {name: (small[name], large[name]) for name in calls if small[name] != large[name]}
    assert not grew, "statements at 10 and 1,000 requests differ: " + ", ".join(
        f"{name}: {before} -> {after}" for name, (before, after) in grew.items()
    )
    # Every call reached the database, so the counter was listening.
    assert all(small.values()), small
