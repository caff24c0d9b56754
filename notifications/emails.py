"""Emails from Jinja2 templates: a one-line subject, a plain-text body and an HTML body.

Family emails are written once, in English, with `{% trans %}` around every sentence; the
renderer fills them in any language it was given a catalogue for. An email can also be written
in two languages at once (Welsh first, then English), as a Welsh council must do where it does not
yet know which one a person reads.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from gettext import NullTranslations
from pathlib import Path
from typing import Protocol, cast

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

SOURCE_LANGUAGE = "en"


class EmailTemplate(StrEnum):
    """Every email the service sends: each has a subject, a plain-text and an HTML file."""

    CALENDAR_CANCEL = "calendar_cancel"
    CALENDAR_INVITE = "calendar_invite"
    FAMILY_ANSWER_RECEIPT = "family_answer_receipt"
    FAMILY_CONFERENCE_MOVED = "family_conference_moved"
    FAMILY_INVITATION = "family_invitation"
    FAMILY_INVITATION_EASY_READ = "family_invitation_easy_read"
    FAMILY_INVITATION_YOUNG_PERSON = "family_invitation_young_person"
    FAMILY_REMINDER = "family_reminder"
    FAMILY_REMINDER_EASY_READ = "family_reminder_easy_read"
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


@dataclass(frozen=True)
class Passage:
    """One language's part of an email: the language code and the values its template needs
    (dates, for one, are written differently in each language)."""

    language: str
    context: Mapping[str, object]


class _WithTranslations(Protocol):
    # What `jinja2.ext.i18n` adds to an environment, which its type does not show.
    def install_gettext_translations(
        self, translations: NullTranslations, newstyle: bool | None = None
    ) -> None: ...


def install_translations(environment: Environment, messages: NullTranslations) -> None:
    """Give an environment with `jinja2.ext.i18n` the words of one language, new-style: a
    variable is escaped where the template escapes, and `_("...", name=value)` formats."""
    cast(_WithTranslations, environment).install_gettext_translations(messages, newstyle=True)


class EmailRenderer:
    """Renders `{name}.subject.txt`, `{name}.txt` and `{name}.html` from one template directory,
    in English or in any language whose catalogue it is given."""

    def __init__(
        self,
        template_dir: Path,
        translations: Mapping[str, NullTranslations] | None = None,
    ) -> None:
        self.template_dir = template_dir
        catalogues = {SOURCE_LANGUAGE: NullTranslations(), **(translations or {})}
        self._environments = {
            language: self._environment(messages) for language, messages in catalogues.items()
        }
        self.environment = self._environments[SOURCE_LANGUAGE]

    def _environment(self, messages: NullTranslations) -> Environment:
        environment = Environment(
            loader=FileSystemLoader(self.template_dir),
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
            extensions=["jinja2.ext.i18n"],
        )
        install_translations(environment, messages)
        return environment

    @property
    def languages(self) -> frozenset[str]:
        """The languages this renderer can write in."""
        return frozenset(self._environments)

    def render(self, name: EmailTemplate | str, **context: object) -> RenderedEmail:
        """Render the subject, text and HTML of the email template `name` in English."""
        return self.render_in(SOURCE_LANGUAGE, name, context)

    def render_in(
        self, language: str, name: EmailTemplate | str, context: Mapping[str, object]
    ) -> RenderedEmail:
        """Render the subject, text and HTML of the email template `name` in one language."""
        environment = self._environments[language]
        values = {**context, "email_language": language}
        return RenderedEmail(
            subject=self._subject(environment, name, values),
            text=environment.get_template(f"{name}.txt").render(values),
            html=environment.get_template(f"{name}.html").render(values),
        )

    def render_together(
        self, name: EmailTemplate | str, passages: Sequence[Passage]
    ) -> RenderedEmail:
        """One email holding the same message in each passage's language, in that order, each
        marked with its language so a screen reader reads it in the right voice."""
        if len(passages) == 1:
            only = passages[0]
            return self.render_in(only.language, name, only.context)
        parts = []
        for passage in passages:
            environment = self._environments[passage.language]
            values = {**passage.context, "email_language": passage.language}
            html_template = environment.get_template(f"{name}.html")
            # The content block of an autoescaping template: already escaped, so it is kept as is.
            body = "".join(html_template.blocks["content"](html_template.new_context(values)))
            parts.append(
                {
                    "language": passage.language,
                    "subject": self._subject(environment, name, values),
                    "text": environment.get_template(f"{name}.txt").render(values),
                    "html": Markup(body),  # noqa: S704 - escaped by its own template
                }
            )
        together = {
            "passages": parts,
            "email_language": passages[0].language,
            "large_print": bool(passages[0].context.get("large_print")),
        }
        subject = " / ".join(str(part["subject"]) for part in parts)
        return RenderedEmail(
            subject=subject,
            text=self.environment.get_template("_together.txt").render(together),
            html=self.environment.get_template("_together.html").render(together, title=subject),
        )

    @staticmethod
    def _subject(environment: Environment, name: str, values: Mapping[str, object]) -> str:
        subject = environment.get_template(f"{name}.subject.txt").render(values)
        # A header cannot hold a newline, and a stray one would end the header early.
        return " ".join(subject.split())
