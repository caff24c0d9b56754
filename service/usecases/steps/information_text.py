"""The information a family member reads before answering, with its version and fingerprint.

Composed here, on the use-case side, and only here: the page shows it, an answer records the
fingerprint of the text composed again when the answer is taken, and a family member's copy
of the record shows it again only while it is exactly what they saw. The web never says what
a person was shown; it passes back only the fingerprint its page carried, so a change made
while the page was open (the meeting moved, say) is caught.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from service.domain.consent import Wording
from service.domain.times import format_moment
from service.settings import TEMPLATE_DIR, Settings
from service.store.tables import Conference, ObservationRequest, StaffUser
from service.usecases.steps.deadlines import answers_needed_by

# Change the version whenever the wording of the matching template changes: answers keep the
# version they were given against, so older records still say which text was shown.
TEXT_VERSIONS: dict[Wording, str] = {
    Wording.ADULT: "adult-2",
    Wording.YOUNG_PERSON: "young-person-3",
}
_TEMPLATES: dict[Wording, str] = {
    Wording.ADULT: "pages/family/information_adult.html",
    Wording.YOUNG_PERSON: "pages/family/information_young_person.html",
}
LANGUAGE = "en"


@dataclass(frozen=True)
class InformationText:
    """The exact HTML a person is shown, and what the record keeps of it."""

    html: str
    version: str
    sha256: str
    language: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # The same whitespace and escaping rules as the pages, so the text is byte for byte the
    # one the page shows and the fingerprints of answers already given still match.
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=ChainableUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def compose_information_text(
    settings: Settings,
    *,
    wording: Wording,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
) -> InformationText:
    """The information for one person's wording, as it stands now, and its fingerprint."""
    html = (
        _environment()
        .get_template(_TEMPLATES[wording])
        .render(
            observer_name=observer.name,
            observer_role=request.role,
            observer_organisation=request.organisation,
            purpose=request.purpose,
            conference_when=format_moment(conference.starts_at),
            venue=conference.venue,
            answer_by=format_moment(answers_needed_by(settings, conference)),
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
        )
    )
    return InformationText(
        html=html,
        version=TEXT_VERSIONS[wording],
        sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        language=LANGUAGE,
    )
