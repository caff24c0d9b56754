"""Every email renders from its listed variables, and no subject or invite names the family."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from jinja2 import UndefinedError

from notifications.calendar import build_invite
from notifications.emails import EmailRenderer
from notifications.mailbox import links_in
from service.settings import TEMPLATE_DIR

FAMILY_NAME = "Zebedee Quartermaine"  # a sentinel: it may appear only where the brief allows
CONSENT_URL = "https://cpc.test/consent/InR0b2tlbiI.secret"
REQUEST_URL = "https://cpc.test/qa/requests/42"

QA_CONTACT = {
    "qa_service_name": "Safeguarding Quality Assurance Service",
    "qa_service": "the Safeguarding Quality Assurance Service",
    "qa_service_phone": "01234 567890",
    "qa_service_email": "safeguarding-qa@council.example",
}
FAMILY = {
    **QA_CONTACT,
    "recipient_name": FAMILY_NAME,
    "observer_name": "Tom Trainee",
    "observer_role": "Student social worker",
    "observer_organisation": "Northshire Children's Services",
    "purpose": "To learn how families and professionals plan together.",
    "conference_when": "Monday 7 December 2026 at 10:00",
    "answer_by": "Friday 4 December 2026 at 17:00",
    "consent_url": CONSENT_URL,
}
RECEIPT = {
    "recipient_name": FAMILY_NAME,
    "conference_when": "Monday 7 December 2026 at 10:00",
    "consent_url": CONSENT_URL,
    "qa_service_name": "Safeguarding Quality Assurance Service",
    "qa_service": "the Safeguarding Quality Assurance Service",
    "qa_service_phone": "01234 567890",
}
STAFF = {
    "observer_name": "Tom Trainee",
    "conference_reference": "CP-2026-042",
    "conference_when": "Monday 7 December 2026 at 10:00",
    "venue": "Room 2, Civic Centre",
    "request_url": REQUEST_URL,
}
REFERENCE = {k: STAFF[k] for k in ("conference_reference", "conference_when", "request_url")}
OUTCOMES = ["going_ahead", "not_going_ahead", "lapsed", "cancelled", "withdrawn"]
FAMILY_TEMPLATES = [
    "family_invitation",
    "family_invitation_easy_read",
    "family_invitation_young_person",
    "family_reminder",
    "family_reminder_easy_read",
    "family_reminder_young_person",
]

CASES: list[tuple[str, dict[str, str]]] = [
    *((name, FAMILY) for name in FAMILY_TEMPLATES),
    ("family_answer_receipt", {**RECEIPT, "answer": "yes"}),
    ("family_answer_receipt", {**RECEIPT, "answer": "no"}),
    ("trainee_request_received", STAFF),
    ("trainee_request_decided", {**STAFF, "decision": "approved", "reason": ""}),
    ("trainee_request_decided", {**STAFF, "decision": "declined", "reason": "Already full."}),
    *(("trainee_outcome", {**STAFF, "outcome": outcome}) for outcome in OUTCOMES),
    (
        "qa_new_request",
        {
            **REFERENCE,
            "observer_name": "Tom Trainee",
            "observer_role": "Student social worker",
            "observer_organisation": "Northshire Children's Services",
        },
    ),
    *(("qa_outcome", {**REFERENCE, "outcome": outcome}) for outcome in OUTCOMES),
    ("qa_chair_check_due", REFERENCE),
    ("qa_undeliverable", {"conference_reference": "CP-2026-042", "request_url": REQUEST_URL}),
    *(
        (name, {k: STAFF[k] for k in STAFF if k != "request_url"})
        for name in ("calendar_invite", "calendar_cancel")
    ),
]
IDS = [
    f"{name}-{context.get('outcome') or context.get('decision') or ''}" for name, context in CASES
]

renderer = EmailRenderer(TEMPLATE_DIR / "emails")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if tag == "a" and name == "href"]


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@pytest.mark.parametrize(("name", "context"), CASES, ids=IDS)
def test_every_email_renders_from_its_listed_variables_alone(
    name: str, context: dict[str, str]
) -> None:
    email = renderer.render(name, **context)

    assert email.subject and "\n" not in email.subject and len(email.subject) <= 300
    assert email.text.strip() and email.html.strip()
    assert email.html.lstrip().startswith("<!doctype html>")


@pytest.mark.parametrize(("name", "context"), CASES, ids=IDS)
def test_no_subject_names_anyone_in_the_family(name: str, context: dict[str, str]) -> None:
    email = renderer.render(name, **context)

    assert FAMILY_NAME not in email.subject
    assert ("CP-2026-042" in email.subject) == (not name.startswith("family_"))


@pytest.mark.parametrize(("name", "context"), CASES, ids=IDS)
def test_bodies_name_nobody_in_the_family_but_the_addressee(
    name: str, context: dict[str, str]
) -> None:
    email = renderer.render(name, **context)

    addressed = "recipient_name" in context
    assert (FAMILY_NAME in email.text) == addressed
    assert (FAMILY_NAME in email.html) == addressed


@pytest.mark.parametrize("name", [*FAMILY_TEMPLATES, "family_answer_receipt"])
def test_family_emails_use_plain_words_and_one_link(name: str) -> None:
    context = RECEIPT | {"answer": "yes"} if name == "family_answer_receipt" else FAMILY
    email = renderer.render(name, **context)

    for part in (email.subject, email.text, email.html):
        assert not re.search(r"\b(CPC|ICPC|RCPC|QA|IRO)\b", part)
        assert "Child Protection Conference" in part
    assert links_in(email.text) == (CONSENT_URL,)
    assert set(_hrefs(email.html)) == {CONSENT_URL}


@pytest.mark.parametrize("name", FAMILY_TEMPLATES)
def test_family_requests_say_silence_means_the_observer_will_not_come(name: str) -> None:
    text = " ".join(renderer.render(name, **FAMILY).text.split())

    assert "If you do not answer" in text and "will not come" in text
    assert "do not need to do anything" not in text
    assert "keep it private" in text or "keep everything they see and hear private" in text
    assert "change your mind" in text
    assert "01234 567890" in text


def test_the_trainee_cannot_tell_a_refusal_from_a_lapse() -> None:
    refused = renderer.render("trainee_outcome", **STAFF, outcome="not_going_ahead")
    lapsed = renderer.render("trainee_outcome", **STAFF, outcome="lapsed")

    assert refused == lapsed


def test_html_escapes_what_the_text_keeps_as_written() -> None:
    email = renderer.render("family_invitation", **FAMILY | {"purpose": "<b>learn</b> & grow"})

    assert "<b>learn</b> & grow" in email.text
    assert "&lt;b&gt;learn&lt;/b&gt; &amp; grow" in email.html


def test_a_line_break_cannot_reach_the_subject_header() -> None:
    email = renderer.render(
        "qa_chair_check_due", **REFERENCE | {"conference_reference": "A\nBcc: x"}
    )

    assert email.subject == "Child Protection Conference A Bcc: x: record the chair's check"


def test_a_missing_variable_or_unknown_outcome_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        renderer.render("family_invitation", **{k: v for k, v in FAMILY.items() if k != "purpose"})
    with pytest.raises(UndefinedError):
        renderer.render("trainee_outcome", **STAFF, outcome="postponed")


def test_every_email_has_its_three_files() -> None:
    names = {name for name, _ in CASES}
    for name in names:
        for suffix in (".subject.txt", ".txt", ".html"):
            assert (TEMPLATE_DIR / "emails" / f"{name}{suffix}").is_file()


def test_an_invite_carries_the_reference_and_venue_but_no_family_name() -> None:
    starts_at = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    for method, sequence in (("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)):
        invite = build_invite(
            method="CANCEL" if method == "CANCEL" else "REQUEST",
            uid="observation-42@cpc.test",
            sequence=sequence,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            summary="Observer at conference CP-2026-042",
            description="Tom Trainee observes conference CP-2026-042.",
            location="Room 2, Civic Centre",
            organizer_email="safeguarding-qa@council.example",
            organizer_name="Safeguarding Quality Assurance Service",
            attendees=[("tom.trainee@council.example", "Tom Trainee")],
            stamp=starts_at - timedelta(days=3),
        )
        unfolded = invite.ics.replace("\r\n ", "")
        assert "CP-2026-042" in unfolded and "Civic Centre" in unfolded
        assert FAMILY_NAME not in unfolded
        assert "Zebedee" not in unfolded and "Quartermaine" not in unfolded
