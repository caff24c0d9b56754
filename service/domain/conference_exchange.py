"""Conferences sent by the council's case-management system, keyed by its meeting id."""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from service.domain.errors import InvalidInput

EXTERNAL_ID_MAX_LENGTH = 100
REFERENCE_MAX_LENGTH = 50
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9\-_./:]+")


class ExchangeOutcome(StrEnum):
    """What sending a conference did: recorded it, changed it, or found it already so."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ConferenceDetails:
    """A conference as the case-management system describes it; `reference` None keeps ours."""

    kind: str
    starts_at: datetime
    duration_minutes: int
    venue: str
    open_to_observers: bool
    reference: str | None = None


@dataclass(frozen=True)
class ConferenceChanges:
    """How the details sent differ from those recorded."""

    # The time or the venue: a move, which the observer's invite and the family follow.
    moved: bool
    # Every other field that differs, as (recorded, sent).
    details: dict[str, tuple[object, object]]

    @property
    def nothing(self) -> bool:
        """True when the details sent are those recorded."""
        return not self.moved and not self.details


def check_external_id(value: str) -> str:
    """The meeting id, or InvalidInput when it is empty, too long or has other characters."""
    if not value:
        raise InvalidInput(
            "Give the meeting id from the case-management system.", field="external_id"
        )
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise InvalidInput(
            f"The meeting id is longer than {EXTERNAL_ID_MAX_LENGTH} characters.",
            field="external_id",
        )
    if not _EXTERNAL_ID.fullmatch(value):
        raise InvalidInput(
            "The meeting id can hold only letters, digits and the characters - _ . / :",
            field="external_id",
        )
    return value


def reference_from_external_id(external_id: str) -> str:
    """The reference a new conference takes when none is given: its meeting id, if it fits."""
    if len(external_id) > REFERENCE_MAX_LENGTH:
        raise InvalidInput(
            f"The meeting id is longer than the {REFERENCE_MAX_LENGTH} characters a conference "
            "reference can have, so it cannot be the reference. Give a reference.",
            field="reference",
        )
    return external_id


def compare_details(recorded: ConferenceDetails, sent: ConferenceDetails) -> ConferenceChanges:
    """What would change if the details sent replaced those recorded."""
    moved = recorded.starts_at != sent.starts_at or recorded.venue != sent.venue.strip()
    details: dict[str, tuple[object, object]] = {}
    for name in ("reference", "kind", "duration_minutes", "open_to_observers"):
        before, after = getattr(recorded, name), getattr(sent, name)
        if name == "reference" and after is None:
            continue  # not sent: the reference stays as it is
        if before != after:
            details[name] = (before, after)
    return ConferenceChanges(moved=moved, details=details)
