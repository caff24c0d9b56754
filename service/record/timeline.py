"""A request's record as a timeline in plain words: every audited step, its emails, and the
deadline and the conference in their place in time.

QA sees every step with names. A family member's own view (for their copy of the record) keeps
the steps about the request and about them, and leaves out everyone else in the family.
"""

from dataclasses import dataclass
from datetime import datetime

from service.domain.states import RequestStatus
from service.languages import ENGLISH_WORDS, Words
from service.record.load import RequestRecord
from service.record.timeline_emails import (
    Mark,
    calendar_groups,
    cleared_groups,
    link_emails_by_entry,
)
from service.record.timeline_words import EntryWords, Matches, answers_by_entry, describe_entry
from service.store.ids import saved_id
from service.store.tables import AuditEntry

# Where steps at the same instant go: markers first, then the log, then its emails, then "now".
_MARKER, _ENTRY, _EMAIL, _NOW = range(4)
_WAITING_FOR_ANSWERS = (RequestStatus.SUBMITTED, RequestStatus.SEEKING_CONSENT)


@dataclass(frozen=True)
class TimelineItem:
    """One step on the timeline."""

    at: datetime
    title: str
    lines: tuple[str, ...] = ()
    mark: Mark = Mark.DONE
    audit_id: int | None = None
    kind: str = "event"
    order: tuple[int, int] = (_ENTRY, 0)

    @property
    def to_come(self) -> bool:
        """True for a step still in the future."""
        return self.mark is Mark.TO_COME


def _marker(
    at: datetime, now: datetime, title: str, lines: tuple[str, ...], kind: str
) -> TimelineItem:
    mark = Mark.DONE if at <= now else Mark.TO_COME
    return TimelineItem(at, title, lines, mark, kind=kind, order=(_MARKER, 0))


def _markers(
    record: RequestRecord, *, now: datetime, reader: bool, say: Words
) -> list[TimelineItem]:
    conference = record.row.conference
    deadline_lines: tuple[str, ...] = ()
    if record.row.request.status in _WAITING_FOR_ANSWERS:
        deadline_lines = (
            (say("If you have not answered by then, that is never taken as a yes."),)
            if reader
            else ("Anyone who has not answered by then is taken as not agreeing.",)
        )
    items = [_marker(record.deadline, now, say("Deadline for answers"), deadline_lines, "deadline")]
    if conference.cancelled_at is not None:
        items.append(
            TimelineItem(
                conference.starts_at,
                say("Conference was due to start"),
                (say("It was cancelled."),),
                Mark.STOPPED,
                kind="conference",
                order=(_MARKER, 1),
            )
        )
    else:
        start = _marker(
            conference.starts_at, now, say("Conference starts"), (conference.venue,), "conference"
        )
        items.append(start)
    return items


def _entry_item(entry: AuditEntry, words: EntryWords) -> TimelineItem:
    return TimelineItem(
        entry.occurred_at,
        words.title,
        words.lines,
        words.mark,
        audit_id=saved_id(entry),
        order=(_ENTRY, saved_id(entry)),
    )


def _email_items(
    record: RequestRecord, *, reader_address: str | None, reader: bool, say: Words
) -> list[TimelineItem]:
    items = []
    if not reader:
        for group in calendar_groups(record):
            first = group.emails[0]
            items.append(
                TimelineItem(
                    first.created_at,
                    group.title,
                    group.lines(),
                    group.mark,
                    kind="email",
                    order=(_EMAIL, first.id),
                )
            )
    if reader and reader_address is None:
        return items
    for cleared_at, count in cleared_groups(record, address=reader_address).items():
        deleted = (
            say(
                "The texts of the emails we sent you were deleted some time after the "
                "conference, so that we keep no more personal information than we need."
            )
            if reader
            else f"The texts of {count} emails about this request were deleted some time after "
            "the conference, so that we keep no more personal information than we need."
        )
        items.append(
            TimelineItem(
                cleared_at,
                say("Email texts deleted"),
                (
                    deleted,
                    say(
                        "We keep who each email went to, when, and whether it arrived. Answers, "
                        "the information shown and this record are kept."
                    ),
                ),
                kind="email",
                order=(_EMAIL, 0),
            )
        )
    return items


def build_timeline(
    record: RequestRecord,
    *,
    now: datetime,
    reader_member_id: int | None = None,
    now_title: str = "Now",
    say: Words = ENGLISH_WORDS,
) -> list[TimelineItem]:
    """Every step in time order; for a family member, only what is about the request or them,
    in the words of `say`'s language."""
    reader = reader_member_id is not None
    matches = Matches(link_emails_by_entry(record), answers_by_entry(record))
    items = _markers(record, now=now, reader=reader, say=say)
    for entry in record.entries:
        words = describe_entry(
            record, entry, matches=matches, reader_member_id=reader_member_id, say=say
        )
        if words is not None:
            items.append(_entry_item(entry, words))
    reader_member = record.member(reader_member_id)
    items += _email_items(
        record,
        reader_address=reader_member.email if reader_member else None,
        reader=reader,
        say=say,
    )
    items.sort(key=lambda item: (item.at, item.order))
    if any(item.to_come for item in items):
        position = next(index for index, item in enumerate(items) if item.at > now)
        items.insert(
            position, TimelineItem(now, now_title, (), Mark.CURRENT, kind="now", order=(_NOW, 0))
        )
    return items
