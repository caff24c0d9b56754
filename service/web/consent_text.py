"""The information a family member reads before answering, and its version and fingerprint.

The exact HTML shown is hashed, so the record can prove what each person was told.
"""

import hashlib
from dataclasses import dataclass

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from service.domain.consent import Wording
from service.domain.times import format_moment
from service.settings import Settings
from service.store.tables import Conference, ObservationRequest, StaffUser
from service.usecases.family_answers import TextShown

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


@dataclass(frozen=True)
class InformationText:
    """The rendered information and the record of it."""

    html: Markup
    shown: TextShown


def information_text(
    templates: Jinja2Templates,
    settings: Settings,
    *,
    wording: Wording,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    answer_by: str,
) -> InformationText:
    """Render the information for one person's wording and fingerprint it."""
    html = templates.env.get_template(_TEMPLATES[wording]).render(
        observer_name=observer.name,
        observer_role=request.role,
        observer_organisation=request.organisation,
        purpose=request.purpose,
        conference_when=format_moment(conference.starts_at),
        venue=conference.venue,
        answer_by=answer_by,
        qa_service_name=settings.qa_service_name,
        qa_service_phone=settings.qa_service_phone,
        qa_service_email=settings.qa_mailbox,
    )
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return InformationText(
        html=Markup(html),  # noqa: S704 - rendered by an autoescaping template
        shown=TextShown(version=TEXT_VERSIONS[wording], sha256=digest, language="en"),
    )
