"""A letter to a family member: their address for the envelope's window, the words of their own
page in each of their languages, and how to answer without a link to click.

The letter is made as one self-contained HTML document (its styles inside, the square code
drawn inline, nothing to fetch), which becomes the PDF that is posted or printed.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

import segno
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from service.domain.communication import CommunicationNeed, needs_from_storage
from service.domain.consent import Wording
from service.languages import Language, day_in, page_environment
from service.links import grouped_short_code, short_answer_url, short_code
from service.settings import TEMPLATE_DIR, Settings
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.family_mail import family_languages
from service.usecases.steps.information_text import compose_information_text

_STYLES = TEMPLATE_DIR / "letters" / "letter.css"


class LetterTemplate(StrEnum):
    """The letters the service posts, named in the outbox and on the record."""

    INVITATION = "family_letter_invitation"
    MOVED = "family_letter_moved"


@dataclass(frozen=True)
class LetterAddress:
    """Who the letter is to, and where: the lines the envelope's window shows."""

    name: str
    lines: tuple[str, ...]
    postcode: str | None

    @classmethod
    def of(cls, member: FamilyMember) -> "LetterAddress":
        """A family member's name and postal address as QA recorded it (maybe none, for a
        letter handed over rather than posted)."""
        lines = tuple(line for line in (member.address_lines or "").splitlines() if line.strip())
        return cls(name=member.name, lines=lines, postcode=member.postcode)


@dataclass(frozen=True)
class FamilyLetter:
    """A letter ready to become a PDF, and what the record keeps about it."""

    html: str
    languages: tuple[Language, ...]
    # Where it was made for: a posted letter is matched to its person by the postcode.
    postcode: str | None

    @property
    def style_source(self) -> str:
        """The CSP source allowing the letter's own inline styles, should a browser show it."""
        return _styles()[1]


@lru_cache(maxsize=1)
def _styles() -> tuple[Markup, str]:
    css = _STYLES.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"  # noqa: S704 - our own stylesheet, not input


@lru_cache(maxsize=len(Language))
def _environment(language: Language) -> Environment:
    return page_environment(FileSystemLoader(TEMPLATE_DIR), language)


def answer_code_svg(link: str) -> Markup:
    """The square (QR) code a phone's camera opens the short link from, as inline SVG."""
    code = segno.make(link, error="m")
    svg = code.svg_inline(scale=4, border=4, dark="#0b0c0c", light="#ffffff", omitsize=False)
    # Read aloud as nothing: the same link is printed beside it in words.
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S704 - segno's own SVG of our own link


def compose_family_letter(
    settings: Settings,
    *,
    now: datetime,
    member: FamilyMember,
    invitation: ConsentInvitation,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
) -> FamilyLetter:
    """The letter asking `member`, with the short link of their invitation as it stands."""
    wording = Wording(invitation.wording)
    simple = wording is not Wording.ADULT
    languages = family_languages(settings, member)
    link = short_answer_url(settings, invitation.nonce)
    code = short_code(settings, invitation.nonce)
    # Printed in groups of four, to copy without losing one's place; the page takes either.
    shown_link = link.removesuffix(code) + grouped_short_code(code)
    qr_svg = answer_code_svg(link)
    parts = []
    for language in languages:
        information = compose_information_text(
            settings,
            wording=wording,
            request=request,
            conference=conference,
            observer=observer,
            language=language,
        )
        html = (
            _environment(language)
            .get_template("letters/_family_letter_part.html")
            .render(
                simple=simple,
                name=member.name,
                observer=observer.name,
                # Composed and escaped already: the very text the person's page shows.
                information_html=Markup(information.html),  # noqa: S704 - composed from our templates
                short_link=shown_link,
                qr_svg=qr_svg,
                qa_service_name=settings.qa_service_name,
                qa_service_phone=settings.qa_service_phone,
            )
        )
        parts.append({"language": language.value, "html": Markup(html)})  # noqa: S704 - rendered above
    styles, _ = _styles()
    needs = needs_from_storage(member.communication_needs)
    first = languages[0]
    letter = (
        _environment(first)
        .get_template("letters/family_letter.html")
        .render(
            styles=styles,
            languages=[language.value for language in languages],
            large_print=CommunicationNeed.LARGE_PRINT in needs,
            title=settings.qa_service_name,
            address=LetterAddress.of(member),
            sender={
                "name": settings.qa_service_name,
                "phone": settings.qa_service_phone,
                "email": settings.qa_mailbox,
            },
            dated=" / ".join(day_in(language, now) for language in languages),
            parts=parts,
        )
    )
    return FamilyLetter(html=letter, languages=languages, postcode=member.postcode)
