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

from jinja2 import Environment, FileSystemLoader

from service.domain.consent import Wording
from service.languages import Language, moment_in, page_environment
from service.settings import TEMPLATE_DIR, Settings
from service.store.tables import Conference, ObservationRequest, StaffUser
from service.usecases.steps.deadlines import answers_needed_by

# Change the version whenever the wording of the matching template, or its translation, changes:
# answers keep the version they were given against, so older records still say which text was
# shown. Each language has its own, since each is its own text with its own fingerprint.
TEXT_VERSIONS_BY_LANGUAGE: dict[tuple[Wording, Language], str] = {
    (Wording.ADULT, Language.ENGLISH): "adult-2",
    (Wording.YOUNG_PERSON, Language.ENGLISH): "young-person-3",
    (Wording.ADULT, Language.WELSH): "adult-cy-1",
    (Wording.YOUNG_PERSON, Language.WELSH): "young-person-cy-1",
    (Wording.EASY_READ, Language.ENGLISH): "easy-read-1",
    (Wording.EASY_READ, Language.WELSH): "easy-read-cy-1",
}
# The English versions, by wording.
TEXT_VERSIONS: dict[Wording, str] = {
    wording: version
    for (wording, language), version in TEXT_VERSIONS_BY_LANGUAGE.items()
    if language is Language.ENGLISH
}
_TEMPLATES: dict[Wording, str] = {
    Wording.ADULT: "pages/family/information_adult.html",
    Wording.YOUNG_PERSON: "pages/family/information_young_person.html",
    Wording.EASY_READ: "pages/family/information_easy_read.html",
}


@dataclass(frozen=True)
class InformationText:
    """The exact HTML a person is shown, and what the record keeps of it."""

    html: str
    version: str
    sha256: str
    language: str


@lru_cache(maxsize=len(Language))
def _environment(language: Language) -> Environment:
    # The pages' own environment shape, so the fingerprints of answers already given match.
    return page_environment(FileSystemLoader(TEMPLATE_DIR), language)


def compose_information_text(
    settings: Settings,
    *,
    wording: Wording,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    language: Language = Language.ENGLISH,
) -> InformationText:
    """The information for one person's wording in one language, as it stands now, and its
    fingerprint."""
    html = (
        _environment(language)
        .get_template(_TEMPLATES[wording])
        .render(
            observer_name=observer.name,
            observer_role=request.role,
            observer_organisation=request.organisation,
            purpose=request.purpose,
            conference_when=moment_in(language, conference.starts_at, on=True),
            venue=conference.venue,
            answer_by=moment_in(language, answers_needed_by(settings, conference)),
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
        )
    )
    return InformationText(
        html=html,
        version=TEXT_VERSIONS_BY_LANGUAGE[(wording, language)],
        sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        language=language.value,
    )
