"""Each audited step in plain words, for QA (with names) or for the family member it is about."""

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.domain.times import format_moment
from service.store.record_queries import EmailState
from service.store.tables import AuditEntry, ConsentAnswer, FamilyMember
from service.usecases.record import RequestRecord, entry_details
from service.usecases.timeline_emails import Mark, delivery

# Steps about one family member: a family member's own copy keeps only those about them.
ABOUT_ONE_PERSON = frozenset(
    {
        "family_member_not_asked",
        "invitation_sent",
        "family_member_to_ask_in_person",
        "link_reissued",
        "reminder_sent",
        "answer_given",
        "answer_changed",
        "record_exported",
        "family_told_of_move",
        "invitation_ended",
    }
)
_WORDING = {"adult": "the words for adults", "young_person": "the words for young people"}
_ANSWER = {"yes": "yes", "no": "no"}
_FINGERPRINT_SHOWN = 12


@dataclass(frozen=True)
class EntryWords:
    """The title, sentences and mark of one audited step."""

    title: str
    lines: tuple[str, ...] = ()
    mark: Mark = Mark.DONE


@dataclass(frozen=True)
class Matches:
    """The email and the answer row that go with each audit entry, by entry id."""

    emails: dict[int, EmailState | None]
    answers: dict[int, ConsentAnswer]


def answers_by_entry(record: RequestRecord) -> dict[int, ConsentAnswer]:
    """The answer row each answer entry recorded: both are written in one transaction, in order."""
    queues: dict[int, deque[ConsentAnswer]] = defaultdict(deque)
    for answer in record.answers:
        queues[answer.invitation_id].append(answer)
    matched: dict[int, ConsentAnswer] = {}
    for entry in record.entries:
        if entry.action in ("answer_given", "answer_changed") and entry.id is not None:
            queue = queues.get(entry_details(entry).get("invitation_id", 0))
            if queue:
                matched[entry.id] = queue.popleft()
    return matched


@dataclass(frozen=True)
class _Step:
    record: RequestRecord
    entry: AuditEntry
    details: dict[str, Any]
    member: FamilyMember | None
    reader_member_id: int | None
    matches: Matches

    @property
    def for_reader(self) -> bool:
        return self.reader_member_id is not None

    @property
    def about_reader(self) -> bool:
        return self.member is not None and self.member.id == self.reader_member_id

    def who(self) -> str:
        if self.about_reader:
            return "you"
        if self.member is None:
            return "a family member"
        return f"{self.member.name} ({self.member.relationship})"

    def by(self) -> str:
        kind, name = self.entry.actor_kind, self.record.staff_name(self.entry.actor_id)
        if kind == "qa":
            return f"{name} (QA Service)" if name else "the QA Service"
        if kind == "trainee":
            return f"{name}, the trainee" if name else "the trainee"
        if kind == "family":
            return "the family member"
        if kind == "admin":
            return f"{name}, an administrator" if name else "an administrator"
        return "the service, automatically"

    def email_line(self) -> tuple[str, Mark]:
        sent = delivery(self.matches.emails.get(self.entry.id or 0), to_reader=self.for_reader)
        return sent.sentence, sent.mark


def _title(text: str) -> str:
    return text[0].upper() + text[1:]


def _moment(value: object) -> str:
    try:
        return format_moment(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _asked(step: _Step) -> EntryWords:
    request = step.record.row.request
    return EntryWords(
        f"{step.record.row.trainee.name} asked to observe",
        (
            f"{request.role}, {request.organisation}.",
            "They promised to keep what they see and hear confidential (statement version "
            f"{step.details.get('confidentiality_statement_version', '?')}).",
        ),
    )


def _invitation(step: _Step) -> EntryWords:
    sentence, mark = step.email_line()
    wording = _WORDING.get(str(step.details.get("wording")), "")
    if step.entry.action == "link_reissued":
        title = f"A new link was emailed to {step.who()}"
        lines: tuple[str, ...] = ("Every earlier link stopped working.", sentence)
    elif step.entry.action == "reminder_sent":
        title, lines = f"A reminder was emailed to {step.who()}", (sentence,)
    elif step.entry.action == "family_told_of_move":
        title = f"{step.who()} {'were' if step.about_reader else 'was'} told the new date and time"
        lines = ("The same link still works, and any answer given stands.", sentence)
    else:
        title = f"{step.who()} {'were' if step.about_reader else 'was'} asked by email"
        lines = (f"The invitation used {wording}." if wording else "", sentence)
    return EntryWords(_title(title), tuple(line for line in lines if line), mark)


def _in_person(step: _Step) -> EntryWords:
    wording = _WORDING.get(str(step.details.get("wording")), "")
    they = "you are" if step.about_reader else "they are"
    lines: tuple[str, ...] = (f"No email: {they} not to be contacted by email.",)
    if wording:
        lines += (f"The information is read out in {wording}.",)
    return EntryWords(_title(f"{step.who()} to be asked in person"), lines)


def _not_asked(step: _Step) -> EntryWords:
    reason = step.details.get("reason") or "no reason was recorded"
    verb = "were" if step.about_reader else "was"
    return EntryWords(_title(f"{step.who()} {verb} not asked"), (f"Why: {reason}.",))


def _answer(step: _Step) -> EntryWords:
    answer = step.matches.answers.get(step.entry.id or 0)
    said = _ANSWER.get(str(step.details.get("answer")), str(step.details.get("answer")))
    mine = step.about_reader
    if step.entry.action == "answer_changed":
        title = f"{step.who()} changed {'your' if mine else 'their'} answer to {said}"
    else:
        title = f"{step.who()} said {said}"
    their, they = ("your", "You") if mine else ("their", "They")
    channel = str(step.details.get("channel"))
    recorder = step.record.staff_name(answer.recorded_by_id if answer else None) or "the QA Service"
    how = {
        "link": f"Through {their} own email link.",
        "in_person": f"In person, recorded by {recorder}.",
        "phone": f"By phone, recorded by {recorder}.",
    }.get(channel, f"Channel: {channel}.")
    fingerprint = str(step.details.get("text_sha256", ""))[:_FINGERPRINT_SHOWN]
    lines = [
        how,
        f"{they} were shown version {step.details.get('text_version')} of the information "
        f"(its SHA-256 fingerprint begins {fingerprint}).",
    ]
    if answer is not None and answer.comment:
        lines.append(f"{_title(their)} comment: “{answer.comment}”")
    return EntryWords(_title(title), tuple(lines))


def _ended(step: _Step) -> EntryWords:
    verb = "were" if step.about_reader else "was"
    if step.details.get("reason") == "removed":
        why = "Removed from the family list by the QA Service, as added by mistake."
    else:
        why = "The QA Service corrected their details: they no longer need to be asked."
    kept = step.details.get("answer_kept")
    lines: tuple[str, ...] = (why, "Their link stopped working.")
    if kept:
        lines += (f"What they had answered ({kept}) stays in the record but no longer counts.",)
    return EntryWords(_title(f"{step.who()} {verb} no longer asked"), lines, Mark.STOPPED)


def _simple(
    title: str, reader_title: str | None = None, mark: Mark = Mark.DONE
) -> Callable[[_Step], EntryWords]:
    def words(step: _Step) -> EntryWords:
        shown = reader_title if step.for_reader and reader_title else title
        return EntryWords(shown.format(by=step.by()), (), mark)

    return words


def _declined(step: _Step) -> EntryWords:
    lines: tuple[str, ...] = (
        () if step.for_reader else (f"Reason given to the trainee: {step.details.get('reason')}",)
    )
    return EntryWords(f"Declined by {step.by()}", lines, Mark.STOPPED)


def _rescheduled(step: _Step) -> EntryWords:
    moved = f"From {_moment(step.details.get('from'))} to {_moment(step.details.get('to'))}."
    return EntryWords(f"The conference was moved by {step.by()}", (moved,))


def _chair_missing(step: _Step) -> EntryWords:
    waiting = step.record.row.request.status == "confirmed"
    return EntryWords(
        "The chair's check was not recorded after the conference",
        ("The QA Service was reminded to record it.",),
        Mark.CURRENT if waiting else Mark.DONE,
    )


def _conference_cancelled(step: _Step) -> EntryWords:
    if step.entry.request_id is None:
        return EntryWords(f"The conference was cancelled by {step.by()}", (), Mark.STOPPED)
    return EntryWords("The request closed because the conference was cancelled", (), Mark.STOPPED)


def _exported(step: _Step) -> EntryWords:
    if step.details.get("form") != "family_member":
        return EntryWords(f"A full copy of the record was made by {step.by()}")
    return EntryWords(_title(f"A copy of the record was made for {step.who()} by {step.by()}"))


_WORDS: dict[str, Callable[[_Step], EntryWords]] = {
    "asked_to_observe": _asked,
    "approve": _simple(
        "Approved by {by}: the family is asked", "The QA Service agreed to ask the family"
    ),
    "decline": _declined,
    "family_member_not_asked": _not_asked,
    "invitation_sent": _invitation,
    "link_reissued": _invitation,
    "reminder_sent": _invitation,
    "family_member_to_ask_in_person": _in_person,
    "answer_given": _answer,
    "answer_changed": _answer,
    "everyone_agreed": _simple(
        "Everyone asked agreed: the observation goes ahead", "The observation was arranged"
    ),
    # A family member's copy never says why it stopped: that would tell them what others said.
    "someone_refused": _simple(
        "Not going ahead: someone said no", "The observation is not going ahead", Mark.STOPPED
    ),
    "deadline_passed": _simple(
        "Closed at the deadline: not everyone had answered",
        "The request closed without the observation going ahead",
        Mark.STOPPED,
    ),
    "withdraw": _simple("Withdrawn by {by}", "The request was withdrawn", Mark.STOPPED),
    "family_told_of_move": _invitation,
    "invitation_ended": _ended,
    "new_person_to_ask": _simple(
        "Asking the family again: someone who must be asked was added (by {by})",
        "The family is being asked again",
        Mark.CURRENT,
    ),
    # Like "someone_refused": a family member's copy never says why it stopped.
    "family_said_no_elsewhere": _simple(
        "Not going ahead: someone in the family said no to an observer at this conference",
        "The observation is not going ahead",
        Mark.STOPPED,
    ),
    "conference_closed_after_no": _simple(
        "The conference is closed to observers for good: nobody in the family is asked again",
        None,
        Mark.STOPPED,
    ),
    "conference_cancelled": _conference_cancelled,
    "conference_rescheduled": _rescheduled,
    "chair_confirmed_observed": _simple(
        "Chair's check: the family agreed again, and the trainee observed (recorded by {by})"
    ),
    "chair_family_withdrew": _simple(
        "Chair's check: the family withdrew at the start (recorded by {by})", None, Mark.STOPPED
    ),
    "chair_check_missing": _chair_missing,
    "record_exported": _exported,
    # The entry names the email, not the person, so a family member's copy leaves it out.
    "family_email_undeliverable": _simple(
        "An email to the family could not be delivered: QA was told, to ask in person",
        None,
        Mark.STOPPED,
    ),
}
_FOR_QA_ONLY = frozenset(
    {"chair_check_missing", "family_email_undeliverable", "conference_closed_after_no"}
)


def describe_entry(
    record: RequestRecord, entry: AuditEntry, *, matches: Matches, reader_member_id: int | None
) -> EntryWords | None:
    """The step in words, or None when a family member's copy leaves it out."""
    step = _Step(
        record,
        entry,
        entry_details(entry),
        record.member_of_entry(entry),
        reader_member_id,
        matches,
    )
    words = _WORDS.get(entry.action)
    if step.for_reader and (
        words is None
        or entry.action in _FOR_QA_ONLY
        or (entry.action in ABOUT_ONE_PERSON and not step.about_reader)
    ):
        return None
    if words is None:
        return EntryWords(f"Recorded: {entry.action.replace('_', ' ')}", (f"By {step.by()}.",))
    return words(step)
