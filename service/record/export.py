"""A request's record to print or hand over: in full for QA, or one family member's own part.

A family member's copy (for a subject access request) keeps what is about them and about the
request, and leaves out everyone else in the family: their names, answers, comments and contact
details are third-party information. Every copy made is itself written to the audit log.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.communication import CommunicationNeed, needs_from_storage
from service.domain.consent import Wording
from service.domain.errors import NotFound
from service.domain.states import Actor
from service.languages import ENGLISH_WORDS, N_, Language, Words, parse_language
from service.record.load import RequestRecord, entry_details, load_request_record
from service.record.timeline import TimelineItem, build_timeline
from service.record.timeline_emails import Delivery, delivery, link_emails_by_entry
from service.record.words import NO_REASON_RECORDED, email_words, outcome_sentence
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_staff
from service.store.record_queries import EmailState
from service.store.tables import ConsentInvitation, FamilyMember
from service.usecases.steps.information_text import compose_information_text

_COPY_MADE = N_("This copy was made")
_CHANNELS = {
    "link": N_("Through the email link"),
    "in_person": N_("In person"),
    "phone": N_("By phone"),
}


@dataclass(frozen=True)
class AnswerLine:
    """One answer as given, with the exact text the person was shown."""

    at: datetime
    answer: str
    changed: bool
    channel: str
    recorded_by: str | None
    text_version: str
    text_sha256: str
    language: str
    comment: str | None


@dataclass(frozen=True)
class PersonRecord:
    """One family member's part of the record."""

    member: FamilyMember
    invitation: ConsentInvitation | None
    not_asked_reason: str | None
    invitation_email: Delivery | None
    answers: list[AnswerLine]


@dataclass(frozen=True)
class EmailLine:
    """One email in QA's copy: what, to whom, when, and what became of it. Never its text."""

    email: EmailState
    what: str
    state: str


@dataclass(frozen=True)
class RecordExport:
    """What one printed record shows."""

    record: RequestRecord
    made_at: datetime
    made_by: str
    timeline: list[TimelineItem]
    people: list[PersonRecord]
    outcome: str
    emails: list[EmailLine]
    reader: PersonRecord | None = None
    # The language the copy is written in: a family member's may be Welsh; QA's is English.
    language: Language = Language.ENGLISH
    # A family member who needs large print gets their copy in larger type.
    large_print: bool = False
    # The information the reader answered, composed again, only while it is exactly what they
    # saw: after a change (the conference moved, the wording was revised) the version and
    # fingerprint in their answers stand alone.
    text_reader_saw: str | None = None

    @property
    def entry_ids(self) -> list[int]:
        """The audit entries this copy shows, which the chain check must reach to vouch for."""
        return [entry.id for entry in self.record.entries if entry.id is not None]


def _person(
    record: RequestRecord,
    member: FamilyMember,
    emails: dict[int, EmailState | None],
    *,
    to_reader: bool = False,
    say: Words = ENGLISH_WORDS,
) -> PersonRecord:
    invitation = record.invitation_of_member(saved_id(member))
    reason, first_email = None, None
    for entry in record.entries:
        about = record.member_of_entry(entry)
        if about is None or about.id != saved_id(member):
            continue
        if entry.action == AuditAction.FAMILY_MEMBER_NOT_ASKED:
            reason = say(str(entry_details(entry).get("reason") or NO_REASON_RECORDED))
        if (
            entry.action == AuditAction.INVITATION_SENT
            and first_email is None
            and entry.id is not None
        ):
            first_email = delivery(
                emails.get(entry.id), to_reader=to_reader, person=member.name, say=say
            )
    answers = [
        AnswerLine(
            at=answer.recorded_at,
            answer=answer.answer,
            changed=index > 0,
            channel=say(_CHANNELS[answer.channel])
            if answer.channel in _CHANNELS
            else answer.channel,
            recorded_by=record.staff_name(answer.recorded_by_id),
            text_version=answer.text_version,
            text_sha256=answer.text_sha256,
            language=answer.language,
            comment=answer.comment,
        )
        for index, answer in enumerate(
            a for a in record.answers if invitation and a.invitation_id == invitation.id
        )
    ]
    return PersonRecord(member, invitation, reason, first_email, answers)


def _text_reader_saw(settings: Settings, record: RequestRecord, reader: PersonRecord) -> str | None:
    if reader.invitation is None or not reader.answers:
        return None
    row = record.row
    seen = {answer.text_sha256 for answer in reader.answers}
    # In each language they answered in, newest first: the words of their latest answer win.
    # Their words now first; QA may have changed them since (Easy Read recorded later, say).
    wordings = dict.fromkeys([Wording(reader.invitation.wording), *Wording])
    for shown_in in dict.fromkeys(answer.language for answer in reversed(reader.answers)):
        for wording in wordings:
            text = compose_information_text(
                settings,
                wording=wording,
                request=row.request,
                conference=row.conference,
                observer=row.trainee,
                language=parse_language(shown_in) or Language.ENGLISH,
            )
            if text.sha256 in seen:
                return text.html
    return None


async def _note_export(
    session: AsyncSession,
    *,
    now: datetime,
    qa_user_id: int,
    record: RequestRecord,
    family_member_id: int | None,
) -> None:
    """Write the copy to the audit log: giving out a record is itself part of the record."""
    details: dict[str, object] = {"form": "family_member" if family_member_id else "full"}
    if family_member_id is not None:
        details["family_member_id"] = family_member_id
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.RECORD_EXPORTED,
        request_id=record.request_id,
        conference_id=record.row.conference.id,
        details=details,
    )
    await session.commit()


async def export_full_record(
    session: AsyncSession, *, settings: Settings, now: datetime, qa_user_id: int, request_id: int
) -> RecordExport:
    """The whole record of a request for QA, noted in the audit log; commits."""
    record = await load_request_record(session, settings=settings, request_id=request_id)
    emails = link_emails_by_entry(record)
    export = RecordExport(
        record=record,
        made_at=now,
        made_by=(await load_staff(session, qa_user_id)).name,
        timeline=build_timeline(record, now=now, now_title=_COPY_MADE),
        people=[_person(record, row.member, emails) for row in record.family],
        outcome=outcome_sentence(record, for_reader=False),
        emails=[EmailLine(email, *email_words(email)) for email in record.emails],
    )
    await _note_export(
        session, now=now, qa_user_id=qa_user_id, record=record, family_member_id=None
    )
    return export


def copy_language(record: RequestRecord, member: FamilyMember) -> Language:
    """The language a family member's copy is written in, unless QA asks for another: the one
    recorded for them, else the one they last answered in, else English."""
    chosen = parse_language(member.preferred_language)
    if chosen is not None:
        return chosen
    invitation = record.invitation_of_member(saved_id(member))
    answered = [a for a in record.answers if invitation and a.invitation_id == invitation.id]
    return (parse_language(answered[-1].language) if answered else None) or Language.ENGLISH


async def export_family_member_record(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    request_id: int,
    family_member_id: int,
    language: Language | None = None,
) -> RecordExport:
    """One family member's own record of a request, without anyone else's, in their language
    (or in `language`); commits."""
    record = await load_request_record(session, settings=settings, request_id=request_id)
    member = record.member(family_member_id)
    if member is None:
        raise NotFound("There is no such family member for this request's conference.")
    written_in = language or copy_language(record, member)
    say = Words(written_in)
    reader = _person(record, member, link_emails_by_entry(record), to_reader=True, say=say)
    export = RecordExport(
        record=record,
        made_at=now,
        made_by=(await load_staff(session, qa_user_id)).name,
        timeline=build_timeline(
            record,
            now=now,
            reader_member_id=family_member_id,
            now_title=say(_COPY_MADE),
            say=say,
        ),
        people=[reader],
        outcome=outcome_sentence(record, for_reader=True, say=say),
        emails=[],
        reader=reader,
        text_reader_saw=_text_reader_saw(settings, record, reader),
        language=written_in,
        large_print=CommunicationNeed.LARGE_PRINT in needs_from_storage(member.communication_needs),
    )
    await _note_export(
        session, now=now, qa_user_id=qa_user_id, record=record, family_member_id=family_member_id
    )
    return export
