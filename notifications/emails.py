"""Emails from Jinja2 templates: a one-line subject, a plain-text body and an HTML body."""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "emails"


class EmailTemplate(StrEnum):
    """Every email the service sends: each has a subject, a plain-text and an HTML file."""

    CALENDAR_CANCEL = "calendar_cancel"
    CALENDAR_INVITE = "calendar_invite"
    FAMILY_ANSWER_RECEIPT = "family_answer_receipt"
    FAMILY_CONFERENCE_MOVED = "family_conference_moved"
    FAMILY_INVITATION = "family_invitation"
    FAMILY_INVITATION_YOUNG_PERSON = "family_invitation_young_person"
    FAMILY_REMINDER = "family_reminder"
    FAMILY_REMINDER_YOUNG_PERSON = "family_reminder_young_person"
    QA_AUDIT_SEAL = "qa_audit_seal"
    QA_CHAIR_CHECK_DUE = "qa_chair_check_due"
    QA_NEW_REQUEST = "qa_new_request"
    QA_OUTCOME = "qa_outcome"
    QA_UNDELIVERABLE = "qa_undeliverable"
    STAFF_CONFIRM_EMAIL = "staff_confirm_email"
    TRAINEE_OUTCOME = "trainee_outcome"
    TRAINEE_REQUEST_DECIDED = "trainee_request_decided"
    TRAINEE_REQUEST_RECEIVED = "trainee_request_received"


@dataclass(frozen=True)
class RenderedEmail:
    """An email ready for the outbox."""

    subject: str
    text: str
    html: str


class EmailRenderer:
    """Renders `{name}.subject.txt`, `{name}.txt` and `{name}.html` from one template directory."""

    def __init__(self, template_dir: Path = DEFAULT_TEMPLATE_DIR) -> None:
        self.template_dir = template_dir
        self.environment = Environment(
            loader=FileSystemLoader(template_dir),
            # Escaping belongs to HTML only: in the plain-text body "&" must stay "&".
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            # A missing variable is a bug; an email must never go out with a hole in it.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # The templates ship with the code, so checking their files on every email buys
            # nothing; a restart picks up an edit.
            auto_reload=False,
        )

    def render(self, name: EmailTemplate | str, **context: object) -> RenderedEmail:
        """Render the subject, text and HTML of the email template `name`."""
        subject = self.environment.get_template(f"{name}.subject.txt").render(context)
        return RenderedEmail(
            # A header cannot hold a newline, and a stray one would end the header early.
            subject=" ".join(subject.split()),
            text=self.environment.get_template(f"{name}.txt").render(context),
            html=self.environment.get_template(f"{name}.html").render(context),
        )
