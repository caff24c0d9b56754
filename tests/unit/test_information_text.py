"""The information a family member reads is composed once for the same facts, and never stale:
any fact it shows that changes gives a new text and a new fingerprint."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.consent import Wording
from service.languages import Language
from service.settings import Settings
from service.store.tables import Conference, ObservationRequest, StaffUser
from service.usecases.steps.information_text import InformationText, compose_information_text

START = datetime(2027, 3, 3, 10, tzinfo=UTC)


def _conference(starts_at: datetime = START) -> Conference:
    return Conference(
        id=1,
        reference="CPC-1",
        kind="initial",
        starts_at=starts_at,
        duration_minutes=90,
        venue="Room 1, Civic Centre",
        created_at=START,
    )


def _request(
    role: str = "Student social worker",
    organisation: str = "University of the Valleys",
    purpose: str = "To learn how conferences listen to families.",
) -> ObservationRequest:
    return ObservationRequest(
        id=1,
        conference_id=1,
        trainee_id=1,
        status="seeking_consent",
        role=role,
        organisation=organisation,
        purpose=purpose,
        supervisor_name="Dr Ann Lee",
        supervisor_email="ann.lee@university.example",
        confidentiality_acknowledged=True,
        confidentiality_statement_version="1",
        created_at=START,
        updated_at=START,
    )


def _observer(name: str = "Sam Okafor") -> StaffUser:
    return StaffUser(
        id=1,
        name=name,
        email="sam@council.example",
        role="trainee",
        password_hash="",
        created_at=START,
    )


def _compose(
    settings: Settings | None = None,
    *,
    conference: Conference | None = None,
    request: ObservationRequest | None = None,
    observer: StaffUser | None = None,
    wording: Wording = Wording.ADULT,
    language: Language = Language.ENGLISH,
) -> InformationText:
    return compose_information_text(
        settings or Settings(),
        wording=wording,
        request=request or _request(),
        conference=conference or _conference(),
        observer=observer or _observer(),
        language=language,
    )


def test_the_same_facts_give_the_same_text_from_different_rows() -> None:
    first = _compose()
    again = _compose(conference=_conference(), request=_request(), observer=_observer())
    assert again == first
    assert "Sam Okafor" in first.html


CHANGES: dict[str, Callable[[], InformationText]] = {
    "time": lambda: _compose(conference=_conference(START + timedelta(hours=1))),
    # A week later: the day to answer by moves with it.
    "day": lambda: _compose(conference=_conference(START + timedelta(days=7))),
    "role": lambda: _compose(request=_request(role="Student nurse")),
    "organisation": lambda: _compose(request=_request(organisation="Another University")),
    "purpose": lambda: _compose(request=_request(purpose="To see how a chair keeps calm.")),
    "observer": lambda: _compose(observer=_observer("Sam Okafor-Jones")),
    "young person": lambda: _compose(wording=Wording.YOUNG_PERSON),
    "easy read": lambda: _compose(wording=Wording.EASY_READ),
    "welsh": lambda: _compose(language=Language.WELSH),
    "qa phone": lambda: _compose(Settings(qa_service_phone="01234 000000")),
    "qa email": lambda: _compose(Settings(qa_mailbox="qa@another.example")),
    "qa name": lambda: _compose(Settings(qa_service_name="Child Protection Reviewing Service")),
    "notice": lambda: _compose(Settings(consent_deadline_working_days=7)),
}


@pytest.mark.parametrize("fact", CHANGES)
def test_any_changed_fact_gives_a_new_text_and_fingerprint(fact: str) -> None:
    before = _compose()
    after = CHANGES[fact]()
    assert after.sha256 != before.sha256
    assert after.html != before.html
