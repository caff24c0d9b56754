"""The family member form: a person's recorded details as the form shows them, and the form
read back into details, with every problem found at once."""

from datetime import date

from starlette.datastructures import FormData

from service.domain.contact import ContactChannel
from service.languages import parse_language
from service.phone_numbers import shown_mobile_number
from service.store.tables import FamilyMember
from service.usecases.family_member_details import FamilyMemberDetails
from service.web.http.forms import FieldError, parse_form
from service.web.pages.qa.forms import (
    FAMILY_MESSAGES,
    FamilyMemberForm,
    missing_child_judgement,
    parse_date,
    understanding,
)


def values_of(member: FamilyMember) -> dict[str, str]:
    """The form's boxes filled in with what is recorded."""
    born = member.date_of_birth
    judged = member.sufficient_understanding
    return {
        "name": member.name,
        "relationship": member.relationship,
        "email": member.email or "",
        "child_or_adult": "child" if member.is_child else "adult",
        "date_of_birth-day": str(born.day) if born else "",
        "date_of_birth-month": str(born.month) if born else "",
        "date_of_birth-year": str(born.year) if born else "",
        "has_parental_responsibility": "yes" if member.has_parental_responsibility else "no",
        "sufficient_understanding": "not_judged" if judged is None else ("yes" if judged else "no"),
        "understanding_judged_by": member.understanding_judged_by or "",
        "do_not_email": "" if member.contact_by_email else "yes",
        "preferred_language": member.preferred_language or "unknown",
        "communication_needs": member.communication_needs,
        "interpreter_language": member.interpreter_language or "",
        "contact_channel": member.contact_channel,
        "mobile_number": shown_mobile_number(member.mobile_number) if member.mobile_number else "",
        "address_lines": member.address_lines or "",
        "postcode": member.postcode or "",
    }


def _details(form: FamilyMemberForm, date_of_birth: date | None) -> FamilyMemberDetails:
    return FamilyMemberDetails(
        name=form.name,
        relationship=form.relationship,
        email=form.email,
        is_child=form.child_or_adult == "child",
        date_of_birth=date_of_birth,
        has_parental_responsibility=form.has_parental_responsibility == "yes",
        sufficient_understanding=understanding(form),
        understanding_judged_by=form.understanding_judged_by,
        contact_by_email=form.do_not_email is None,
        preferred_language=parse_language(form.preferred_language),
        communication_needs=",".join(form.communication_needs),
        interpreter_language=form.interpreter_language,
        contact_channel=ContactChannel(form.contact_channel) if form.contact_channel else None,
        mobile_number=form.mobile_number,
        address_lines=form.address_lines,
        postcode=form.postcode,
    )


def read_family_form(form: FormData) -> tuple[FamilyMemberDetails | None, list[FieldError]]:
    parsed = parse_form(FamilyMemberForm, form, FAMILY_MESSAGES)
    born = parse_date(form, "date_of_birth", what="the date of birth", required=False)
    errors = parsed.errors + born.errors
    if parsed.value is not None:
        errors += missing_child_judgement(parsed.value)
    if parsed.value is None or errors:
        return None, errors
    return _details(parsed.value, born.value if isinstance(born.value, date) else None), []
