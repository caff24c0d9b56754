"""What became of the emails in a request's record: each family link, calendar invites, clearing."""

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from notifications.outbox import DeliveryStatus, RecipientRole, letter_recipient
from service.domain.audit_actions import AuditAction
from service.languages import ENGLISH_WORDS, Words
from service.record.load import RequestRecord
from service.store.ids import saved_id
from service.store.record_queries import EmailState


class Mark(StrEnum):
    """How a step is drawn: done, needing attention now, stopped or failed, or still to come."""

    DONE = "done"
    CURRENT = "current"
    STOPPED = "stopped"
    TO_COME = "to_come"


# The audit actions that send a family member their link, and the templates that carry them
# (an email's, a text message's, a letter's).
LINK_EMAILS: dict[str, tuple[str, ...]] = {
    AuditAction.INVITATION_SENT: (
        "family_invitation",
        "family_text_invitation",
        "family_letter_invitation",
    ),
    AuditAction.LINK_REISSUED: (
        "family_invitation",
        "family_text_invitation",
        "family_letter_invitation",
    ),
    AuditAction.REMINDER_SENT: ("family_reminder", "family_text_reminder"),
    AuditAction.FAMILY_TOLD_OF_MOVE: (
        "family_conference_moved",
        "family_text_moved",
        "family_letter_moved",
    ),
}
_LINK_TEMPLATES = tuple({prefix for prefixes in LINK_EMAILS.values() for prefix in prefixes})
CALENDAR_TEMPLATES = ("calendar_invite", "calendar_cancel")
_RECIPIENTS = {"qa": "the QA Service mailbox", "observer": "the observer"}


@dataclass(frozen=True)
class Delivery:
    """One sentence about an email's delivery and how it marks its step."""

    sentence: str
    mark: Mark


def tries_so_far(attempts: int) -> str:
    """'1 try so far', '3 tries so far'."""
    return f"{attempts} {'try' if attempts == 1 else 'tries'} so far"


def delivery(
    email: EmailState | None,
    *,
    to_reader: bool = False,
    person: str | None = None,
    say: Words = ENGLISH_WORDS,
) -> Delivery:
    """Where an email is: sent, could not be delivered, trying again, or never sent.

    `person` names who QA should ask in person instead when it could not be delivered. A family
    member reads the sentences about their own emails in their language; QA's are English.
    """
    if email is None:
        return Delivery(
            say("No email was sent: there was no email address to send it to."), Mark.STOPPED
        )
    status = DeliveryStatus(email.status)
    texted = email.channel == "sms"
    if email.channel == "letter":
        return _letter_delivery(email, to_reader=to_reader, person=person, say=say)
    if status is DeliveryStatus.SENT and email.sent_at is not None:
        sent_on = say.moment(email.sent_at, on=True)
        if texted and email.provider_status == "delivered":
            return Delivery(
                say("Text message delivered, sent on %(when)s.", when=sent_on), Mark.DONE
            )
        if texted:
            return Delivery(say("Text message sent on %(when)s.", when=sent_on), Mark.DONE)
        return Delivery(say("Email sent on %(when)s.", when=sent_on), Mark.DONE)
    if status is DeliveryStatus.PERMANENT_FAILURE:
        if to_reader:
            if texted:
                return Delivery(say("The text message could not be delivered."), Mark.STOPPED)
            return Delivery(say("The email could not be delivered."), Mark.STOPPED)
        what = "text message" if texted else "email"
        return Delivery(
            f"The {what} could not be delivered: ask {person or 'them'} in person.", Mark.STOPPED
        )
    if not email.attempts:
        return Delivery(say("The email is waiting to be sent."), Mark.CURRENT)
    if to_reader:
        return Delivery(say("The email is on its way."), Mark.CURRENT)
    if status is DeliveryStatus.SENDING:
        return Delivery(f"The email is being sent ({tries_so_far(email.attempts)}).", Mark.CURRENT)
    return Delivery(
        f"The email has not gone yet: trying again, {tries_so_far(email.attempts)}.",
        Mark.CURRENT,
    )


def _letter_delivery(
    letter: EmailState, *, to_reader: bool, person: str | None, say: Words
) -> Delivery:
    """Where a letter posted through Notify is: with the printer (posted), or never sent."""
    status = DeliveryStatus(letter.status)
    if status is DeliveryStatus.SENT and letter.sent_at is not None:
        sent_on = say.moment(letter.sent_at, on=True)
        if letter.provider_status == "received":
            return Delivery(
                say("Letter printed and posted, sent on %(when)s.", when=sent_on), Mark.DONE
            )
        return Delivery(say("Letter sent to be posted on %(when)s.", when=sent_on), Mark.DONE)
    if status is DeliveryStatus.PERMANENT_FAILURE:
        if to_reader:
            return Delivery(say("The letter could not be posted."), Mark.STOPPED)
        return Delivery(
            f"The letter could not be posted: ask {person or 'them'} in person.", Mark.STOPPED
        )
    if to_reader:
        return Delivery(say("The letter is on its way."), Mark.CURRENT)
    return Delivery(
        f"The letter has not gone to be posted yet ({tries_so_far(letter.attempts)}).",
        Mark.CURRENT,
    )


def _reaches(email: EmailState, addresses: tuple[str | None, ...]) -> bool:
    return email.to_address.lower() in {a.lower() for a in addresses if a}


def latest_link_email(emails: list[EmailState], *addresses: str | None) -> EmailState | None:
    """The newest email or text that carried a family member their link, to one of their
    addresses (their email address, their mobile number)."""
    return max(
        (
            email
            for email in emails
            if email.recipient_role == RecipientRole.FAMILY
            and _reaches(email, addresses)
            and email.template.startswith(_LINK_TEMPLATES)
        ),
        key=lambda email: email.id,
        default=None,
    )


def link_emails_by_entry(record: RequestRecord) -> dict[int, EmailState | None]:
    """The email or text each link-sending audit entry put in the outbox, or None when none
    went.

    The outbox row carries no invitation id, but each is written in the same transaction as its
    audit entry, at the same moment: the n-th entry to a person matches the n-th message of that
    kind to their address or number written when the entry was.
    """
    queues: dict[tuple[tuple[str, ...], str], deque[EmailState]] = defaultdict(deque)
    for kinds in set(LINK_EMAILS.values()):
        for email in record.emails:
            if email.recipient_role == RecipientRole.FAMILY and email.template.startswith(kinds):
                queues[(kinds, email.to_address.lower())].append(email)
    matched: dict[int, EmailState | None] = {}
    for entry in record.entries:
        sent_as = LINK_EMAILS.get(entry.action)
        member = record.member_of_entry(entry)
        if sent_as is None or entry.id is None:
            continue
        found = None
        addresses = (
            (member.email, member.mobile_number, letter_recipient(saved_id(member)))
            if member
            else ()
        )
        for address in addresses:
            queue = queues.get((sent_as, address.lower())) if address else None
            if queue and queue[0].created_at == entry.occurred_at:
                found = queue.popleft()
                break
        matched[entry.id] = found
    return matched


@dataclass(frozen=True)
class EmailGroup:
    """Emails sent together: a calendar invite or cancellation to QA and the observer."""

    template: str
    emails: list[EmailState]

    @property
    def title(self) -> str:
        """The step's title."""
        if self.template == "calendar_cancel":
            return "Calendar invite cancelled"
        return "Calendar invite sent"

    def lines(self) -> tuple[str, ...]:
        """One sentence per recipient."""
        lines = []
        for email in self.emails:
            sentence = delivery(email).sentence
            recipient = _RECIPIENTS.get(email.recipient_role, email.recipient_role)
            lines.append(f"To {recipient}: {sentence[0].lower()}{sentence[1:]}")
        return tuple(lines)

    @property
    def mark(self) -> Mark:
        """Stopped if any failed, current while any is still on its way, otherwise done."""
        marks = {delivery(email).mark for email in self.emails}
        for mark in (Mark.STOPPED, Mark.CURRENT):
            if mark in marks:
                return mark
        return Mark.DONE


def calendar_groups(record: RequestRecord) -> list[EmailGroup]:
    """Calendar emails grouped by the moment they were written."""
    groups: dict[tuple[str, datetime], list[EmailState]] = defaultdict(list)
    for email in record.emails:
        if email.template in CALENDAR_TEMPLATES:
            groups[(email.template, email.created_at)].append(email)
    return [EmailGroup(template, emails) for (template, _), emails in groups.items()]


def cleared_groups(record: RequestRecord, *, address: str | None) -> dict[datetime, int]:
    """How many emails had their bodies cleared at each moment (only to `address` if given)."""
    counts: dict[datetime, int] = defaultdict(int)
    for email in record.emails:
        if email.bodies_cleared_at is None:
            continue
        if address is None or email.to_address.lower() == address.lower():
            counts[email.bodies_cleared_at] += 1
    return dict(counts)
