"""The same-work floor's QA list: `GET /qa?status=` done by hand.

Exactly what the service's list does, with none of its layers: the sign-in cookie's session
read with its member of staff in one statement (and marked as used at most once a minute), the
page of requests by keyset, which of them have a family email that could not be delivered, and
the outcome webhooks that failed for good, each one hand-written statement through the same
driver; the navigation's count of what needs doing now (at most once in COUNT_FRESH_SECONDS,
as the service counts it), in one statement for the kinds the store decides and one for the
requests under way near enough to be due; then the service's own template
(`pages/qa/requests.html` in its layout) with the same rows and words.
"""

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from service.auth import token_hash
from service.domain.allowed_now import RequestNow, chair_check_due
from service.domain.staff import StaffMember, StaffRole
from service.domain.staff_sessions import (
    SessionKind,
    SessionTimes,
    Stage,
    idle_ends_at,
    is_usable,
    should_touch,
)
from service.domain.states import OPEN_STATUSES, RequestStatus
from service.domain.work_list import GoingAhead, due_from
from service.settings import Settings
from service.store.database import Database
from service.store.outcomes import FailedWebhook
from service.store.types import UtcDateTime
from service.usecases.steps.deadlines import (
    answers_needed_for_start,
    starting_before_for_work_due,
)
from service.web.http.rendering import navigation_items
from service.web.http.staff_sessions import SignedIn, idle_timing
from service.web.pages.qa.common import status_tag
from service.web.pages.qa.request_views import FILTERS, RequestListRow
from service.web.pages.qa.work_list import COUNT_FRESH_SECONDS

PAGE_SIZE = 50
UNSENT_SHOWN = 10
_SESSION = text(
    "SELECT s.id, s.kind, s.stage, s.csrf_token, s.last_seen_at, s.expires_at, s.ended_at,"
    " u.id AS user_id, u.name, u.email, u.role, u.is_active"
    " FROM staff_session s JOIN staff_user u ON u.id = s.staff_user_id"
    " WHERE s.token_hash = :token_hash"
).columns(last_seen_at=UtcDateTime, expires_at=UtcDateTime, ended_at=UtcDateTime)
_TOUCH = text("UPDATE staff_session SET last_seen_at = :now WHERE id = :id").bindparams(
    bindparam("now", type_=UtcDateTime)
)
_ROWS = (
    "SELECT r.id, r.status, c.reference, c.starts_at, u.name"
    " FROM observation_request r JOIN conference c ON c.id = r.conference_id"
    " JOIN staff_user u ON u.id = r.trainee_id WHERE {status} AND r.id < :before_id"
    " ORDER BY r.id DESC LIMIT :limit"
)
_ONE_STATUS = text(_ROWS.format(status="r.status = :status")).columns(starts_at=UtcDateTime)
# Several statuses as "none of the others", as the service writes it, so the newest page is read
# by walking ids backwards rather than sorting every match.
_OTHER_STATUSES = (
    text(_ROWS.format(status="r.status NOT IN :others"))
    .columns(starts_at=UtcDateTime)
    .bindparams(bindparam("others", expanding=True))
)
_UNDELIVERED = text(
    "SELECT DISTINCT o.request_id FROM outbox_message o WHERE o.request_id IN :ids"
    " AND o.recipient_role = 'family' AND o.status = 'permanent_failure' AND NOT EXISTS ("
    " SELECT 1 FROM outbox_message l WHERE l.request_id = o.request_id"
    " AND l.to_address = o.to_address AND l.id > o.id AND l.status = 'sent')"
).bindparams(bindparam("ids", expanding=True))
_UNSETTLED = (
    " FROM outbox_message o WHERE o.channel = 'webhook' AND o.status = 'permanent_failure'"
    " AND NOT EXISTS (SELECT 1 FROM outbox_message l WHERE l.channel = 'webhook'"
    " AND l.request_id = o.request_id AND l.id > o.id AND l.status = 'sent')"
)
_FAILED_WEBHOOKS = text(
    "SELECT o.id, r.id AS request_id, c.id AS conference_id, c.reference, o.created_at,"
    " o.last_error FROM outbox_message o"
    " JOIN observation_request r ON r.id = o.request_id"
    " JOIN conference c ON c.id = r.conference_id"
    " WHERE o.id IN (SELECT o.id" + _UNSETTLED + ") ORDER BY o.id DESC LIMIT :limit"
).columns(created_at=UtcDateTime)
_FAILED_COUNT = text("SELECT count(*)" + _UNSETTLED)
# The navigation's count of what needs doing now: the three kinds the store decides, counted,
# and the requests under way near enough to have answers or a chair's check due.
_WORK_COUNTS = text(
    "SELECT (SELECT count(*) FROM observation_request WHERE status = 'submitted'),"
    " (SELECT count(DISTINCT r.id) FROM outbox_message o"
    " JOIN observation_request r ON r.id = o.request_id"
    " WHERE o.recipient_role = 'family' AND o.status = 'permanent_failure'"
    " AND r.status IN :open AND NOT EXISTS (SELECT 1 FROM outbox_message l"
    " WHERE l.request_id = o.request_id AND l.to_address = o.to_address AND l.id > o.id"
    " AND l.status = 'sent') AND NOT EXISTS (SELECT 1 FROM consent_invitation i"
    " JOIN family_member m ON m.id = i.family_member_id WHERE i.request_id = o.request_id"
    " AND (m.email = o.to_address OR m.mobile_number = o.to_address"
    " OR 'person-' || CAST(m.id AS VARCHAR) = o.to_address)"
    " AND i.answered_at >= o.created_at)),"
    " (SELECT count(DISTINCT c.id) FROM conference c"
    " JOIN observation_request r ON r.conference_id = c.id"
    " WHERE r.status IN ('submitted', 'seeking_consent') AND c.cancelled_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM family_member m WHERE m.conference_id = c.id"
    " AND m.removed_at IS NULL))"
).bindparams(bindparam("open", expanding=True))
_UNDER_WAY = (
    text(
        "SELECT r.id, r.status, c.reference, c.starts_at, r.updated_at FROM observation_request r"
        " JOIN conference c ON c.id = r.conference_id"
        " WHERE r.status IN ('seeking_consent', 'confirmed') AND c.starts_at < :before"
        " ORDER BY c.starts_at LIMIT 200"
    )
    .columns(starts_at=UtcDateTime, updated_at=UtcDateTime)
    .bindparams(bindparam("before", type_=UtcDateTime))
)


def add_list_route(
    app: FastAPI, settings: Settings, database: Database, templates: Jinja2Templates
) -> None:
    """`GET /qa` on the same-work floor."""
    idle = timedelta(seconds=settings.session_idle_seconds)
    counted: tuple[int, float] | None = None

    @app.get("/qa")
    async def requests_list(request: Request, status: str = "submitted",
                            before_id: int = 2**31 - 1) -> Response:  # fmt: skip
        nonlocal counted
        token = request.cookies.get("cpc_session")
        if not token or status not in FILTERS:
            return PlainTextResponse("Sign in", status_code=303)
        now = datetime.now(UTC)
        async with database.read_engine.connect() as connection:
            found = (await connection.execute(_SESSION, {"token_hash": token_hash(token)})).first()
            if found is None:
                return PlainTextResponse("Sign in", status_code=303)
            times = SessionTimes(kind=SessionKind(found.kind), last_seen_at=found.last_seen_at,
                                 expires_at=found.expires_at, ended_at=found.ended_at)  # fmt: skip
            if (
                times.kind is not SessionKind.BROWSER
                or Stage(found.stage) is not Stage.SIGNED_IN
                or not found.is_active
                or found.role != StaffRole.QA.value
                or not is_usable(times, now=now, idle=idle)
            ):
                return PlainTextResponse("Sign in", status_code=303)
            label, statuses = FILTERS[status]
            window = {"before_id": before_id, "limit": PAGE_SIZE + 1}
            if statuses and len(statuses) == 1:
                result = await connection.execute(_ONE_STATUS, {"status": statuses[0], **window})
            else:
                others = sorted(value for value in RequestStatus if value not in (statuses or []))
                result = await connection.execute(_OTHER_STATUSES, {"others": others, **window})
            rows = result.all()
            shown = rows[:PAGE_SIZE]
            undelivered = {
                request_id
                for (request_id,) in await connection.execute(
                    _UNDELIVERED, {"ids": [row.id for row in shown]}
                )
            } if shown else set()  # fmt: skip
            failed = (await connection.execute(_FAILED_WEBHOOKS, {"limit": UNSENT_SHOWN})).all()
            unsent_count = len(failed)
            if unsent_count == UNSENT_SHOWN:
                unsent_count = int(await connection.scalar(_FAILED_COUNT) or 0)
            # Counted at most once in COUNT_FRESH_SECONDS, as the service counts it.
            if counted is None or time.monotonic() - counted[1] > COUNT_FRESH_SECONDS:
                counted = (await _work_to_do(connection, settings, now), time.monotonic())
            work_to_do = counted[0]
        staff = StaffMember(id=found.user_id, role=StaffRole.QA, name=found.name,
                            email=found.email)  # fmt: skip
        if should_touch(times, now=now):
            async with database.write_engine.begin() as connection:
                await connection.execute(_TOUCH, {"now": now, "id": found.id})
            times = replace(times, last_seen_at=now)
        html = templates.env.get_template("pages/qa/requests.html").render(
            signed_in_user=staff,
            idle_timing=idle_timing_for(times, now, settings),
            current_path=str(request.url.path) + (f"?{request.url.query}"
                                                   if request.url.query else ""),
            csrf_token=found.csrf_token,
            nav_items=navigation_items(staff, request.url.path, work_to_do),
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
            is_development=False,
            exit_page_url=None,
            page_title="Requests to observe",
            filters=[(name, words) for name, (words, _) in FILTERS.items()],
            current=status,
            current_label=label,
            rows=_list_rows(settings, shown, undelivered, now),
            next_before_id=shown[-1].id if len(rows) > PAGE_SIZE else None,
            unsent_outcomes=[FailedWebhook(*line) for line in failed],
            unsent_count=unsent_count,
            work=None,  # a list asked for by its status, as the bench asks, has no work list
            request=request,
        )  # fmt: skip
        return HTMLResponse(html)


def idle_timing_for(times: SessionTimes, now: datetime, settings: Settings) -> Any:
    """The idle warning's timings, as the service's layout takes them."""
    idle = timedelta(seconds=settings.session_idle_seconds)
    # The two things `idle_timing` reads of a signed-in session.
    signed_in = SimpleNamespace(stage=Stage.SIGNED_IN,
                                ends_if_idle_at=idle_ends_at(times, idle=idle))  # fmt: skip
    return idle_timing(cast(SignedIn, signed_in), now, settings.session_idle_seconds)


async def _work_to_do(connection: AsyncConnection, settings: Settings, now: datetime) -> int:
    counted = (
        await connection.execute(
            _WORK_COUNTS, {"open": sorted(status.value for status in OPEN_STATUSES)}
        )
    ).one()
    before = starting_before_for_work_due(settings, now)
    going = [
        GoingAhead(
            request_id=row.id,
            status=RequestStatus(row.status),
            reference=row.reference,
            conference_start=row.starts_at,
            answers_needed_by=answers_needed_for_start(settings, row.starts_at),
            since=row.updated_at,
        )
        for row in await connection.execute(_UNDER_WAY, {"before": before})
    ]
    return sum(counted) + len(due_from(going, now=now))  # fmt: skip


def _list_rows(
    settings: Settings, shown: Sequence[Any], undelivered: set[int], now: datetime
) -> list[RequestListRow]:
    return [
        RequestListRow(
            id=row.id,
            reference=row.reference,
            starts_at=row.starts_at,
            deadline=answers_needed_for_start(settings, row.starts_at),
            observer=row.name,
            tag=status_tag(row.status),
            undelivered=row.id in undelivered,
            chair_check_due=chair_check_due(
                RequestNow(RequestStatus(row.status), row.starts_at, now)
            ),
        )
        for row in shown
    ]
