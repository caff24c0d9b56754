"""Plain sentences for a printed record: how the request ended, and what each email was."""

from notifications.outbox import DeliveryStatus
from service.domain.conferences import ChairCheck
from service.domain.states import RequestStatus
from service.languages import ENGLISH_WORDS, N_, Words
from service.record.load import RequestRecord
from service.store.record_queries import EmailState

S = RequestStatus
_FOR_QA: dict[RequestStatus, str] = {
    S.SUBMITTED: "Waiting for the QA Service to decide. The family has not been asked.",
    S.DECLINED: "Declined by the QA Service, so the family was not asked.",
    S.SEEKING_CONSENT: "The family is being asked. Nothing is decided yet.",
    S.CONFIRMED: (
        "Everyone asked agreed, so the observation is going ahead. The chair asks the family "
        "again at the start of the conference."
    ),
    S.NOT_GOING_AHEAD: "Not going ahead: someone asked said no.",
    S.LAPSED: (
        "Closed without going ahead: not everyone had answered by the deadline, and no answer "
        "is never taken as a yes."
    ),
    S.WITHDRAWN: "Withdrawn, so the observation did not happen.",
    S.CANCELLED: "The conference was cancelled, so the observation did not happen.",
    S.COMPLETED: "The trainee observed the conference, after the chair asked the family again.",
}
# A family member's copy never says why an observation stopped when the reason would tell them
# what someone else in the family answered, or that they did not answer.
_FOR_READER: dict[RequestStatus, str] = {
    S.SUBMITTED: N_("The QA Service has not yet decided whether to ask the family."),
    S.DECLINED: N_("The QA Service decided not to go ahead with the request, so nobody was asked."),
    S.SEEKING_CONSENT: N_("Answers are still being collected. Nothing is decided yet."),
    S.CONFIRMED: N_(
        "The observation is arranged. The chair of the conference asks again at the start, "
        "and anyone can still say no then."
    ),
    S.NOT_GOING_AHEAD: N_("The observation did not go ahead."),
    S.LAPSED: N_("The observation did not go ahead."),
    S.WITHDRAWN: N_("The request was withdrawn, so the observation did not happen."),
    S.CANCELLED: N_("The conference was cancelled, so the observation did not happen."),
    S.COMPLETED: N_("The trainee observed the conference."),
}
_FAMILY_WITHDREW = N_("At the start of the conference, the family said no, so it did not go ahead.")

# Why someone was not asked, as the domain's rules say it (service/domain/consent.py): listed
# here so a family member's copy can give the reason in their language.
NO_REASON_RECORDED = N_("no reason was recorded")
NOT_ASKED_REASONS = (
    N_("an adult without parental responsibility"),
    N_("not judged to have sufficient understanding to decide"),
    N_("nobody has yet judged whether they have sufficient understanding to decide"),
    NO_REASON_RECORDED,
)

_TEMPLATES = {
    "family_invitation": "Invitation to the family member",
    "family_invitation_young_person": "Invitation to the young person",
    "family_reminder": "Reminder to the family member",
    "family_reminder_young_person": "Reminder to the young person",
    "family_answer_receipt": "Receipt for an answer, to the family member",
    "qa_new_request": "New request, to the QA Service",
    "qa_outcome": "Outcome, to the QA Service",
    "qa_chair_check_due": "Chair's check due, to the QA Service",
    "qa_undeliverable": "An email could not be delivered, to the QA Service",
    "trainee_request_received": "Request received, to the trainee",
    "trainee_request_decided": "Decision, to the trainee",
    "trainee_outcome": "Outcome, to the trainee",
    "calendar_invite": "Calendar invite",
    "calendar_cancel": "Calendar cancellation",
}
_STATES = {
    DeliveryStatus.PENDING: "Waiting to be sent",
    DeliveryStatus.SENDING: "Being sent",
    DeliveryStatus.SENT: "Sent",
    DeliveryStatus.TEMPORARY_FAILURE: "Trying again",
    DeliveryStatus.PERMANENT_FAILURE: "Could not be delivered",
}


def outcome_sentence(record: RequestRecord, *, for_reader: bool, say: Words = ENGLISH_WORDS) -> str:
    """How the request stands or ended, in one or two sentences (a family member's in their
    language)."""
    request = record.row.request
    status = RequestStatus(request.status)
    if status is S.NOT_GOING_AHEAD and request.chair_check == ChairCheck.FAMILY_WITHDREW.value:
        return say(_FAMILY_WITHDREW)
    return say(_FOR_READER[status]) if for_reader else _FOR_QA[status]


def email_words(email: EmailState) -> tuple[str, str]:
    """What an email was, and what became of it."""
    what = _TEMPLATES.get(email.template, email.template.replace("_", " ").capitalize())
    try:
        state = _STATES[DeliveryStatus(email.status)]
    except ValueError:
        state = email.status
    return what, state
