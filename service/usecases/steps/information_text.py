"""The information a family member reads before answering, with its version and fingerprint.

Composed here, on the use-case side, and only here: the page shows it, an answer records the
fingerprint of the text composed again when the answer is taken, and a family member's copy
of the record shows it again only while it is exactly what they saw. The web never says what
a person was shown; it passes back only the fingerprint its page carried, so a change made
while the page was open (the meeting moved, say) is caught.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class _Facts:
    """Every value the information is composed from: equal facts give the same text."""

    language: Language
    wording: Wording
    observer_name: str
    observer_role: str
    observer_organisation: str
    purpose: str
    starts_at: datetime
    venue: str
    answer_by: datetime
    qa_service_name: str
    qa_service_phone: str
    qa_service_email: str


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
    return _composed(
        _Facts(
            language=language,
            wording=wording,
            observer_name=observer.name,
            observer_role=request.role,
            observer_organisation=request.organisation,
            purpose=request.purpose,
            starts_at=conference.starts_at,
            venue=conference.venue,
            answer_by=answers_needed_by(settings, conference),
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
        )
    )


# The text is a pure function of its facts, so a person who opens their link and then answers
# has it composed once, not once for the page, again for the answer and again for each visit.
# A change to any fact (the meeting moved, say) is a new key, so the text is never stale.
@lru_cache(maxsize=1024)
def _composed(facts: _Facts) -> InformationText:
    html = (
        _environment(facts.language)
        .get_template(_TEMPLATES[facts.wording])
        .render(
            observer_name=facts.observer_name,
            observer_role=facts.observer_role,
            observer_organisation=facts.observer_organisation,
            purpose=facts.purpose,
            conference_when=moment_in(facts.language, facts.starts_at, on=True),
            venue=facts.venue,
            answer_by=moment_in(facts.language, facts.answer_by),
            qa_service_name=facts.qa_service_name,
            qa_service_phone=facts.qa_service_phone,
            qa_service_email=facts.qa_service_email,
        )
    )
    return InformationText(
        html=html,
        version=TEXT_VERSIONS_BY_LANGUAGE[(facts.wording, facts.language)],
        sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        language=facts.language.value,
    )
