"""One audited step as the timeline reads it: the entry, its details and who it is about."""

from collections import defaultdict, deque
from dataclasses import dataclass

from service.domain.audit_actions import AuditAction
from service.languages import ENGLISH_WORDS, Words
from service.record.load import RequestRecord, detail_id, entry_details
from service.record.timeline_emails import Mark, delivery
from service.store.ids import saved_id
from service.store.record_queries import EmailState
from service.store.tables import AuditEntry, ConsentAnswer, FamilyMember


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
        if (
            entry.action in (AuditAction.ANSWER_GIVEN, AuditAction.ANSWER_CHANGED)
            and entry.id is not None
        ):
            invitation_id = detail_id(entry_details(entry), "invitation_id")
            queue = queues.get(invitation_id) if invitation_id is not None else None
            if queue:
                matched[entry.id] = queue.popleft()
    return matched


@dataclass(frozen=True)
class Step:
    """One audit entry with what the words need: its record, details, person and reader."""

    record: RequestRecord
    entry: AuditEntry
    details: dict[str, object]
    member: FamilyMember | None
    reader_member_id: int | None
    matches: Matches
    # The words of the reader's language (a family member's copy may be in Welsh; QA's is
    # English): every sentence a family member can read is made with it.
    say: Words = ENGLISH_WORDS

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
        say = self.say
        kind, name = self.entry.actor_kind, self.record.staff_name(self.entry.actor_id)
        if kind == "qa":
            return say("%(name)s (QA Service)", name=name) if name else say("the QA Service")
        if kind == "trainee":
            return say("%(name)s, the trainee", name=name) if name else say("the trainee")
        if kind == "family":
            return say("the family member")
        if kind == "admin":
            return say("%(name)s, an administrator", name=name) if name else say("an administrator")
        return say("the service, automatically")

    def email_line(self) -> tuple[str, Mark]:
        sent = delivery(
            self.matches.emails.get(saved_id(self.entry)),
            to_reader=self.for_reader,
            person=self.member.name if self.member else None,
            say=self.say,
        )
        return sent.sentence, sent.mark


def title_case(text: str) -> str:
    """The text with its first letter made a capital (names keep their own capitals)."""
    return text[0].upper() + text[1:]
