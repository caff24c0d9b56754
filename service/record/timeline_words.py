"""Each audited step in plain words, for QA (with names) or for the family member it is about."""

from collections.abc import Callable
from datetime import datetime

from service.domain.audit_actions import AuditAction
from service.languages import ENGLISH_WORDS, N_, Words
from service.record.load import RequestRecord, entry_details
from service.record.timeline_emails import Mark
from service.record.timeline_person_words import (
    answer_words,
    ended_words,
    in_person_words,
    invitation_words,
    not_asked_words,
)
from service.record.timeline_step import (
    EntryWords,
    Matches,
    Step,
    answers_by_entry,
    title_case,
)
from service.store.tables import AuditEntry

__all__ = ["ABOUT_ONE_PERSON", "EntryWords", "Matches", "answers_by_entry", "describe_entry"]

# Steps about one family member: a family member's own copy keeps only those about them.
ABOUT_ONE_PERSON = frozenset(
    {
        AuditAction.FAMILY_MEMBER_NOT_ASKED,
        AuditAction.INVITATION_SENT,
        AuditAction.FAMILY_MEMBER_TO_ASK_IN_PERSON,
        AuditAction.LINK_REISSUED,
        AuditAction.LETTER_PRINTED,
        AuditAction.REMINDER_SENT,
        AuditAction.ANSWER_GIVEN,
        AuditAction.ANSWER_CHANGED,
        AuditAction.RECORD_EXPORTED,
        AuditAction.FAMILY_TOLD_OF_MOVE,
        AuditAction.INVITATION_ENDED,
    }
)


def _moment(step: Step, value: object) -> str:
    try:
        return step.say.moment(datetime.fromisoformat(str(value)), on=True)
    except ValueError:
        return str(value)


def _asked(step: Step) -> EntryWords:
    say, request = step.say, step.record.row.request
    return EntryWords(
        say("%(observer)s asked to observe", observer=step.record.row.trainee.name),
        (
            f"{request.role}, {request.organisation}.",
            say(
                "They promised to keep what they see and hear confidential (statement version "
                "%(version)s).",
                version=step.details.get("confidentiality_statement_version", "?"),
            ),
        ),
    )


def _promised_again(step: Step) -> EntryWords:
    return EntryWords(
        f"The trainee agreed to the current confidentiality statement (version "
        f"{step.details.get('confidentiality_statement_version', '?')})",
        (
            f"Their earlier promise was to version {step.details.get('earlier_version', '?')}. "
            f"Confirmed by {step.by()}.",
        ),
    )


def _undeliverable(step: Step) -> EntryWords:
    person = step.member
    if person is None:
        return EntryWords(
            "An email to the family could not be delivered: QA was told, to ask in person",
            (),
            Mark.STOPPED,
        )
    tries = step.details.get("attempts")
    why = f"It was tried {tries} times." if isinstance(tries, int) and tries > 1 else ""
    lines = tuple(
        line for line in (why, f"The QA Service was told: ask {person.name} in person.") if line
    )
    kind = "A text message" if step.details.get("channel") == "sms" else "An email"
    return EntryWords(f"{kind} to {step.who()} could not be delivered", lines, Mark.STOPPED)


def _letter_printed(step: Step) -> EntryWords:
    if step.about_reader:
        return EntryWords(step.say("A letter was printed for you by %(by)s", by=step.by()))
    return EntryWords(title_case(f"A letter for {step.who()} was printed by {step.by()}"))


def _simple(
    title: str, reader_title: str | None = None, mark: Mark = Mark.DONE
) -> Callable[[Step], EntryWords]:
    """A step said in one sentence; "%(by)s" in it names who did it."""

    def words(step: Step) -> EntryWords:
        shown = reader_title if step.for_reader and reader_title else title
        return EntryWords(step.say(shown, by=step.by()), (), mark)

    return words


def _declined(step: Step) -> EntryWords:
    lines: tuple[str, ...] = (
        () if step.for_reader else (f"Reason given to the trainee: {step.details.get('reason')}",)
    )
    return EntryWords(step.say("Declined by %(by)s", by=step.by()), lines, Mark.STOPPED)


def _rescheduled(step: Step) -> EntryWords:
    say = step.say
    moved = say(
        "From %(before)s to %(after)s.",
        before=_moment(step, step.details.get("from")),
        after=_moment(step, step.details.get("to")),
    )
    return EntryWords(say("The conference was moved by %(by)s", by=step.by()), (moved,))


def _chair_missing(step: Step) -> EntryWords:
    waiting = step.record.row.request.status == "confirmed"
    return EntryWords(
        "The chair's check was not recorded after the conference",
        ("The QA Service was reminded to record it.",),
        Mark.CURRENT if waiting else Mark.DONE,
    )


def _conference_cancelled(step: Step) -> EntryWords:
    say = step.say
    if step.entry.request_id is None:
        return EntryWords(
            say("The conference was cancelled by %(by)s", by=step.by()), (), Mark.STOPPED
        )
    return EntryWords(
        say("The request closed because the conference was cancelled"), (), Mark.STOPPED
    )


def _exported(step: Step) -> EntryWords:
    if step.details.get("form") != "family_member":
        return EntryWords(f"A full copy of the record was made by {step.by()}")
    if step.about_reader:
        return EntryWords(step.say("A copy of the record was made for you by %(by)s", by=step.by()))
    return EntryWords(title_case(f"A copy of the record was made for {step.who()} by {step.by()}"))


_WORDS: dict[str, Callable[[Step], EntryWords]] = {
    AuditAction.ASKED_TO_OBSERVE: _asked,
    AuditAction.CONFIDENTIALITY_PROMISED_AGAIN: _promised_again,
    AuditAction.APPROVE: _simple(
        "Approved by %(by)s: the family is asked", N_("The QA Service agreed to ask the family")
    ),
    AuditAction.DECLINE: _declined,
    AuditAction.FAMILY_MEMBER_NOT_ASKED: not_asked_words,
    AuditAction.INVITATION_SENT: invitation_words,
    AuditAction.LINK_REISSUED: invitation_words,
    AuditAction.LETTER_PRINTED: _letter_printed,
    AuditAction.REMINDER_SENT: invitation_words,
    AuditAction.FAMILY_MEMBER_TO_ASK_IN_PERSON: in_person_words,
    AuditAction.ANSWER_GIVEN: answer_words,
    AuditAction.ANSWER_CHANGED: answer_words,
    AuditAction.EVERYONE_AGREED: _simple(
        "Everyone asked agreed: the observation goes ahead", N_("The observation was arranged")
    ),
    # A family member's copy never says why it stopped: that would tell them what others said.
    AuditAction.SOMEONE_REFUSED: _simple(
        "Not going ahead: someone said no", N_("The observation is not going ahead"), Mark.STOPPED
    ),
    AuditAction.DEADLINE_PASSED: _simple(
        "Closed at the deadline: not everyone had answered",
        N_("The request closed without the observation going ahead"),
        Mark.STOPPED,
    ),
    AuditAction.WITHDRAW: _simple(
        "Withdrawn by %(by)s", N_("The request was withdrawn"), Mark.STOPPED
    ),
    AuditAction.FAMILY_TOLD_OF_MOVE: invitation_words,
    AuditAction.INVITATION_ENDED: ended_words,
    AuditAction.NEW_PERSON_TO_ASK: _simple(
        "Asking the family again: someone who must be asked was added (by %(by)s)",
        N_("The family is being asked again"),
        Mark.CURRENT,
    ),
    # Like "someone_refused": a family member's copy never says why it stopped.
    AuditAction.FAMILY_SAID_NO_ELSEWHERE: _simple(
        "Not going ahead: someone in the family said no to an observer at this conference",
        N_("The observation is not going ahead"),
        Mark.STOPPED,
    ),
    AuditAction.CONFERENCE_CLOSED_AFTER_NO: _simple(
        "The conference is closed to observers for good: nobody in the family is asked again",
        None,
        Mark.STOPPED,
    ),
    AuditAction.CONFERENCE_CANCELLED: _conference_cancelled,
    AuditAction.CONFERENCE_RESCHEDULED: _rescheduled,
    AuditAction.CHAIR_CONFIRMED_OBSERVED: _simple(
        N_("Chair's check: the family agreed again, and the trainee observed (recorded by %(by)s)")
    ),
    AuditAction.CHAIR_FAMILY_WITHDREW: _simple(
        N_("Chair's check: the family withdrew at the start (recorded by %(by)s)"),
        None,
        Mark.STOPPED,
    ),
    AuditAction.CHAIR_CHECK_MISSING: _chair_missing,
    AuditAction.RECORD_EXPORTED: _exported,
    # The entry names the email, not the person, so a family member's copy leaves it out.
    AuditAction.FAMILY_EMAIL_UNDELIVERABLE: _undeliverable,
}
_FOR_QA_ONLY = frozenset(
    {
        # About the trainee's promise; a family member's copy keeps the promise they asked with.
        AuditAction.CONFIDENTIALITY_PROMISED_AGAIN,
        AuditAction.CHAIR_CHECK_MISSING,
        AuditAction.FAMILY_EMAIL_UNDELIVERABLE,
        AuditAction.CONFERENCE_CLOSED_AFTER_NO,
    }
)


def describe_entry(
    record: RequestRecord,
    entry: AuditEntry,
    *,
    matches: Matches,
    reader_member_id: int | None,
    say: Words = ENGLISH_WORDS,
) -> EntryWords | None:
    """The step in words, or None when a family member's copy leaves it out."""
    step = Step(
        record,
        entry,
        entry_details(entry),
        record.member_of_entry(entry),
        reader_member_id,
        matches,
        say,
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
