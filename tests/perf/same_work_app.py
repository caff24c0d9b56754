"""The same-work floor: a bare app doing by hand exactly the work each scenario needs.

Where `bare_app.py` is the stack's floor (a padded page, one row inserted), this one produces
the service's own answers with none of its layers: no middleware, no dependency injection, no
ORM objects loaded, one hand-written statement where the service's use cases take several.

- `GET /consent/{token}` checks the link's signature (`service.links`), reads the one row the
  page needs with one statement through the same driver, composes and hashes the information
  text as the service does, and renders the service's own template (`pages/family/consent.html`
  in its layout, the service's Jinja2 environment), with the CSRF cookie and masked field.
- `POST /consent/{token}` checks the same things, then in one transaction (SQLite: BEGIN
  IMMEDIATE; PostgreSQL: the conference row locked and the audit chain's advisory lock) writes
  what an answer writes: the answer, the invitation's current answer, the audit entry chained
  to the one before with the keyed hash, and the receipt email in the outbox, rendered by the
  service's email renderer. It reads the request's other answers to see whether this one
  decides it (in the bench it never does), and redirects like the service.
- `GET /qa?status=` is QA's list by hand (`same_work_list.py`).

Like the service, it leaves what starting made out of the collector's full passes.

Configured by the service's own CPC_ settings, so it reads the same links and seals the same
chain. Run with `uvicorn --factory tests.perf.same_work_app:create_same_work_app`.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import BindParameter, Row, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from notifications.emails import EmailTemplate, Passage
from service.audit import _APPEND_LOCK_KEY, GENESIS_HASH, compute_entry_hash
from service.domain.audit_actions import AuditAction
from service.domain.consent import Answer, ConsentOutcome, Wording, consent_outcome
from service.languages import Language, moment_in, parse_language, translations
from service.links import BadLink, ConsentLink, consent_url, read_consent_token
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, Conference, ObservationRequest, StaffUser
from service.store.types import UtcDateTime
from service.usecases.steps.information_text import InformationText, compose_information_text
from service.usecases.steps.mail import email_renderer, qa_contact
from service.web.http.csrf import csrf_value_for, masked, require_csrf, set_csrf_cookie_if_new
from service.web.http.garbage_collection import startup_objects_left_out_of_collections
from service.web.http.staff_sessions import idle_timing
from service.web.http.templating import make_templates
from tests.perf.same_work_list import add_list_route

_ROW = """
SELECT i.nonce, i.ended_at, i.current_answer, i.answered_at, i.wording, i.request_id,
       i.family_member_id, m.name AS member_name, m.email, m.contact_by_email,
       m.preferred_language, r.status, r.role, r.organisation, r.purpose,
       c.id AS conference_id, c.starts_at, c.venue, s.name AS observer_name
FROM consent_invitation i
JOIN family_member m ON m.id = i.family_member_id
JOIN observation_request r ON r.id = i.request_id
JOIN conference c ON c.id = r.conference_id
JOIN staff_user s ON s.id = r.trainee_id
WHERE i.id = :id
"""
_TIMES = {"ended_at": UtcDateTime, "answered_at": UtcDateTime, "starts_at": UtcDateTime}
_PAGE = text(_ROW).columns(**_TIMES)
_LOCKED = {
    "sqlite": text(_ROW).columns(**_TIMES),
    "postgresql": text(_ROW + " FOR UPDATE OF c").columns(**_TIMES),
}
_OPEN = ("seeking_consent", "confirmed")


def _information(settings: Settings, row: Row[Any], language: Language) -> InformationText:
    # The service's own composition, fed from the row instead of ORM objects.
    return compose_information_text(
        settings,
        wording=Wording(row.wording),
        request=cast(ObservationRequest, SimpleNamespace(
            role=row.role, organisation=row.organisation, purpose=row.purpose)),
        conference=cast(Conference, SimpleNamespace(starts_at=row.starts_at, venue=row.venue)),
        observer=cast(StaffUser, SimpleNamespace(name=row.observer_name)),
        language=language,
    )  # fmt: skip


def _answerable(row: Row[Any] | None, nonce: str, now: datetime) -> bool:
    return (
        row is not None
        and row.nonce == nonce
        and row.ended_at is None
        and row.status in _OPEN
        and now < row.starts_at
    )


def create_same_work_app() -> FastAPI:
    """The same-work floor, configured from the service's CPC_ settings."""
    settings = Settings()
    database = Database(settings.database_url, audit_key=settings.audit_key)
    templates = {language: make_templates(language=language) for language in Language}
    audit_key = settings.audit_key.encode()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # As the service does, so their collections cost alike and the ratio compares code.
        with startup_objects_left_out_of_collections():
            yield
        await database.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/consent/{token}")
    async def consent_page(request: Request, token: str) -> Response:
        try:
            link = read_consent_token(settings, token)
        except BadLink:
            return PlainTextResponse("This link does not work.", status_code=404)
        async with database.read_engine.connect() as connection:
            row = (await connection.execute(_PAGE, {"id": link.invitation_id})).first()
        now = datetime.now(UTC)
        if row is None or not _answerable(row, link.nonce, now):
            return PlainTextResponse("This link does not work.", status_code=404)
        language = parse_language(row.preferred_language) or Language.ENGLISH
        information = _information(settings, row, language)
        simple = row.wording != Wording.ADULT.value
        environment = templates[language].env
        words = translations(language).gettext
        html = environment.get_template("pages/family/consent.html").render(
            signed_in_user=None,
            idle_timing=idle_timing(None, now, settings.session_idle_seconds),
            current_path=request.url.path,
            csrf_token=masked(csrf_value_for(request)),
            nav_items=[],
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
            is_development=False,
            exit_page_url=settings.exit_page_url,
            family_page=True,
            page_title=words("Can a trainee sit in on your meeting?")
            if simple
            else words("Can a trainee watch your child protection conference?"),
            view=SimpleNamespace(
                member=SimpleNamespace(name=row.member_name),
                observer=SimpleNamespace(name=row.observer_name),
                current_answer=row.current_answer,
            ),
            simple=simple,
            information_html=Markup(information.html),  # noqa: S704 composed, escaped, by the service
            text_sha256=information.sha256,
            answered_at=moment_in(language, row.answered_at, on=True) if row.answered_at else None,
            saved=False,
            request=request,
        )
        response = HTMLResponse(html)
        set_csrf_cookie_if_new(request, response, secure=True)
        return response

    @app.post("/consent/{token}")
    async def give_answer(request: Request, token: str) -> Response:
        form = await request.form()
        try:
            link = read_consent_token(settings, token)
        except BadLink:
            return PlainTextResponse("This link does not work.", status_code=404)
        require_csrf(request, form.get("csrf_token"))
        language = parse_language(form.get("language")) or Language.ENGLISH
        answer = Answer(str(form.get("decision")))
        now = datetime.now(UTC)
        async with database.write_engine.begin() as connection:
            dialect = connection.dialect.name
            row = (await connection.execute(_LOCKED[dialect], {"id": link.invitation_id})).first()
            if row is None or not _answerable(row, link.nonce, now):
                return PlainTextResponse("This link does not work.", status_code=404)
            information = _information(settings, row, language)
            if information.sha256 != form.get("text_sha256"):
                return PlainTextResponse("The details changed.", status_code=409)
            await _write_answer(connection, link.invitation_id, row, answer, information, now)
            await _append_audit(connection, audit_key, link.invitation_id, row, answer,
                                information, now)  # fmt: skip
            if row.email and row.contact_by_email:
                await _queue_receipt(connection, settings, link, row, answer, language, now)
            asked = (await connection.execute(
                text("SELECT family_member_id, current_answer FROM consent_invitation "
                     "WHERE request_id = :request_id AND ended_at IS NULL"),
                {"request_id": row.request_id},
            )).all()  # fmt: skip
            outcome = consent_outcome(
                asked_member_ids=[person.family_member_id for person in asked],
                answers={p.family_member_id: Answer(p.current_answer)
                         for p in asked if p.current_answer},
            )  # fmt: skip
            assert outcome is ConsentOutcome.WAITING, "the bench's answers never decide a request"
        return RedirectResponse(f"/consent/{token}?saved=1", status_code=303)

    add_list_route(app, settings, database, templates[Language.ENGLISH])
    return app


async def _write_answer(
    connection: AsyncConnection,
    invitation_id: int,
    row: Row[Any],
    answer: Answer,
    information: InformationText,
    now: datetime,
) -> None:
    await connection.execute(
        text(
            "INSERT INTO consent_answer (invitation_id, answer, channel, language, text_version,"
            " text_sha256, recorded_at) VALUES (:invitation_id, :answer, 'link', :language,"
            " :version, :sha256, :now)"
        ).bindparams(_at(now)),
        {"invitation_id": invitation_id, "answer": answer.value, "language": information.language,
         "version": information.version, "sha256": information.sha256},
    )  # fmt: skip
    await connection.execute(
        text(
            "UPDATE consent_invitation SET current_answer = :answer, answered_at = :now"
            " WHERE id = :id"
        ).bindparams(_at(now)),
        {"answer": answer.value, "id": invitation_id},
    )


async def _append_audit(
    connection: AsyncConnection,
    key: bytes,
    invitation_id: int,
    row: Row[Any],
    answer: Answer,
    information: InformationText,
    now: datetime,
) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": _APPEND_LOCK_KEY})  # fmt: skip
    previous = await connection.scalar(
        text("SELECT entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")
    )
    details = {"invitation_id": invitation_id, "answer": answer.value,
               "previous_answer": row.current_answer, "channel": "link",
               "text_version": information.version, "text_sha256": information.sha256}  # fmt: skip
    action = AuditAction.ANSWER_CHANGED if row.current_answer else AuditAction.ANSWER_GIVEN
    entry = AuditEntry(
        occurred_at=now, actor_kind="family", actor_id=None, action=action.value,
        request_id=row.request_id, conference_id=row.conference_id,
        details=_json(details), previous_hash=previous or GENESIS_HASH, entry_hash="",
    )  # fmt: skip
    await connection.execute(
        text(
            "INSERT INTO audit_entry (occurred_at, actor_kind, actor_id, action, request_id,"
            " conference_id, from_status, to_status, details, previous_hash, entry_hash)"
            " VALUES (:now, :actor_kind, NULL, :action, :request_id, :conference_id, NULL, NULL,"
            " :details, :previous_hash, :entry_hash)"
        ).bindparams(_at(now)),
        {"actor_kind": entry.actor_kind, "action": entry.action, "request_id": entry.request_id,
         "conference_id": entry.conference_id, "details": entry.details,
         "previous_hash": entry.previous_hash, "entry_hash": compute_entry_hash(entry, key)},
    )  # fmt: skip


async def _queue_receipt(
    connection: AsyncConnection,
    settings: Settings,
    link: ConsentLink,
    row: Row[Any],
    answer: Answer,
    language: Language,
    now: datetime,
) -> None:
    values = {"recipient_name": row.member_name, "answer": answer.value,
              "conference_when": moment_in(language, row.starts_at, on=True),
              "consent_url": consent_url(settings, invitation_id=link.invitation_id,
                                         nonce=link.nonce),
              "large_print": False}  # fmt: skip
    template = EmailTemplate.FAMILY_ANSWER_RECEIPT
    email = email_renderer().render_together(
        template, [Passage(language.value, {**qa_contact(settings, language), **values})]
    )
    await connection.execute(
        text(
            "INSERT INTO outbox_message (created_at, channel, template, recipient_role,"
            " to_address, subject, body_text, body_html, request_id, status, attempts,"
            " next_attempt_at) VALUES (:now, 'email', :template, 'family', :to, :subject,"
            " :text, :html, :request_id, 'pending', 0, :now)"
        ).bindparams(_at(now)),
        {"template": template.value, "to": row.email, "subject": email.subject,
         "text": email.text, "html": email.html, "request_id": row.request_id},
    )  # fmt: skip


def _at(now: datetime) -> BindParameter[datetime]:
    # Bound through the service's own column type, so both databases store the same text.
    return bindparam("now", now, type_=UtcDateTime)


def _json(details: dict[str, object]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)
