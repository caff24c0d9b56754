"""JSON bodies of the API, kept apart from the `table=True` models."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from service.domain.conferences import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from service.web.http.fields import EmailText, LongText, RecordId, Reference, ShortText, Venue


class ApiModel(BaseModel):
    """Unknown fields are refused, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """A refusal, in one plain sentence."""

    detail: str


# Every JSON answer other than success has this shape; the schema says so once, for every call.
def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """The OpenAPI entries for the error answers a group of calls can give."""
    return {code: {"model": ErrorOut} for code in codes}


ERROR_RESPONSES = error_responses(401, 403, 404, 409, 422, 429)


class TokenIn(ApiModel):
    email: EmailText
    password: str = Field(min_length=1, max_length=200)
    # The six digits from the authenticator app, or a recovery code, for an account with a
    # second factor.
    one_time_code: str | None = Field(default=None, min_length=6, max_length=20)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: AwareDatetime


class ConferenceIn(ApiModel):
    reference: Reference
    kind: Literal["initial", "review"]
    starts_at: AwareDatetime
    duration_minutes: int = Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)
    venue: Venue
    open_to_observers: bool


class ConferenceRescheduleIn(ApiModel):
    starts_at: AwareDatetime
    venue: Venue | None = None
    confirm_short_notice: bool = False


class ConferencePublicOut(BaseModel):
    """What a trainee may know of a conference: nothing about the family."""

    id: int
    reference: str
    kind: str
    starts_at: AwareDatetime
    duration_minutes: int
    venue: str


class ConferenceOut(ConferencePublicOut):
    open_to_observers: bool
    cancelled: bool
    family_said_no: bool
    # The meeting id in the council's case-management system; null for one recorded by hand.
    external_id: str | None = None


class ConferenceSentIn(ApiModel):
    """A conference as the case-management system has it; its meeting id is in the address."""

    # Left out: a new conference takes its meeting id as its reference, and one already
    # recorded keeps the reference it has.
    reference: Reference | None = None
    kind: Literal["initial", "review"]
    starts_at: AwareDatetime
    duration_minutes: int = Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)
    venue: Venue
    open_to_observers: bool
    # A new time that leaves the family no time to answer is refused (409) unless this is true:
    # then the requests still waiting for answers lapse.
    confirm_short_notice: bool = False


class ImportCountsOut(BaseModel):
    """What a good file did: conferences recorded, changed, and found as they were."""

    created: int
    updated: int
    unchanged: int


class ImportProblemOut(BaseModel):
    # Numbered as a spreadsheet numbers them: the header is row 1. Null: about the whole file.
    row: int | None
    column: str | None
    problem: str


class ImportRefusedOut(BaseModel):
    """A file with problems: nothing in it was saved, and each problem is listed."""

    detail: str
    errors: list[ImportProblemOut] = Field(default_factory=list)


# How a person needs to be communicated with; an interpreter, BSL or an advocate means the
# person is asked in person, with that support.
CommunicationNeedName = Literal["easy_read", "large_print", "interpreter", "bsl", "advocate"]
CommunicationNeeds = list[CommunicationNeedName]


ContactChannelName = Literal["email", "sms", "letter", "in_person"]
AddressLines = Annotated[str, Field(max_length=300)]
Postcode = Annotated[str, Field(max_length=10)]


class FamilyMemberIn(ApiModel):
    name: ShortText
    relationship: ShortText
    email: EmailText | None = None
    is_child: bool
    date_of_birth: date | None = None
    has_parental_responsibility: bool = False
    sufficient_understanding: bool | None = None
    understanding_judged_by: ShortText | None = None
    contact_by_email: bool = True
    # "en" or "cy"; null while nobody knows.
    preferred_language: Literal["en", "cy"] | None = None
    communication_needs: CommunicationNeeds = Field(default_factory=list, max_length=5)
    # Required with "interpreter": the language they speak.
    interpreter_language: ShortText | None = None
    # How they are sent their link; when left out, contact_by_email says (email or in person).
    contact_channel: ContactChannelName | None = None
    # A UK mobile, for "sms"; the address lines (one a line) and postcode, for "letter".
    mobile_number: ShortText | None = None
    address_lines: AddressLines | None = None
    postcode: Postcode | None = None


class FamilyMemberPatchIn(ApiModel):
    """Only the fields given change; the rest stay as recorded."""

    name: ShortText | None = None
    relationship: ShortText | None = None
    email: EmailText | None = None
    is_child: bool | None = None
    date_of_birth: date | None = None
    has_parental_responsibility: bool | None = None
    sufficient_understanding: bool | None = None
    understanding_judged_by: ShortText | None = None
    contact_by_email: bool | None = None
    preferred_language: Literal["en", "cy"] | None = None
    communication_needs: CommunicationNeeds | None = Field(default=None, max_length=5)
    interpreter_language: ShortText | None = None
    contact_channel: ContactChannelName | None = None
    mobile_number: ShortText | None = None
    address_lines: AddressLines | None = None
    postcode: Postcode | None = None


class FamilyMemberOut(BaseModel):
    id: int
    conference_id: int
    name: str
    relationship: str
    email: str | None
    is_child: bool
    date_of_birth: date | None
    has_parental_responsibility: bool
    sufficient_understanding: bool | None
    understanding_judged_by: str | None
    contact_by_email: bool
    preferred_language: Literal["en", "cy"] | None
    communication_needs: CommunicationNeeds
    interpreter_language: str | None
    contact_channel: ContactChannelName
    mobile_number: str | None
    address_lines: str | None
    postcode: str | None

    @field_validator("communication_needs", mode="before")
    @classmethod
    def _split_stored_needs(cls, value: object) -> object:
        # Stored as one comma-separated column.
        return [part for part in value.split(",") if part] if isinstance(value, str) else value


class CreatedOut(BaseModel):
    id: int


class ObservationRequestIn(ApiModel):
    conference_id: RecordId
    role: ShortText
    organisation: ShortText
    purpose: LongText
    supervisor_name: ShortText
    supervisor_email: EmailText
    confidentiality_acknowledged: bool


class DeclineIn(ApiModel):
    reason: LongText


class ChairCheckIn(ApiModel):
    outcome: Literal["observed", "family_withdrew"]


class StatusOut(BaseModel):
    id: int
    status: str


class RequestTraineeOut(BaseModel):
    """The trainee's view: the outcome only, never who in the family said what."""

    id: int
    status: str
    status_description: str
    conference: ConferencePublicOut
    role: str
    organisation: str
    purpose: str
    created_at: AwareDatetime
    # Why QA declined it, in the words the trainee was given (the request page shows them too);
    # null unless declined.
    decline_reason: str | None
    # What the one asking may do to the request through this API now: any of approve,
    # decline, withdraw, chair_check (the same rule the pages and the use cases follow).
    allowed_actions: list[str]


class FamilyAnswerOut(BaseModel):
    family_member_id: int
    name: str
    relationship: str
    asked_in_person: bool
    answer: Literal["yes", "no"] | None
    answered_at: AwareDatetime | None
    # False once QA removed the person or changed their details so they need not be asked:
    # their answer stays in the record but no longer counts.
    still_asked: bool


class RequestQaOut(RequestTraineeOut):
    observer_name: str
    observer_email: str
    supervisor_name: str
    supervisor_email: str
    confidentiality_acknowledged: bool
    consent_deadline: AwareDatetime
    chair_check: str | None
    family: list[FamilyAnswerOut]


class OutcomeOut(BaseModel):
    """One observer request's outcome: facts only, never a family member's name or answer."""

    # The meeting id in the case-management system; null for a conference recorded by hand.
    external_id: str | None
    conference_id: int
    conference_reference: str
    request_id: int
    status: str
    # True once the chair's check on the day recorded that the observation took place.
    observed: bool
    # When the request's outcome last changed.
    changed_at: AwareDatetime
    # The whole record, for QA (signing in needed).
    record_url: str


class OutcomesOut(BaseModel):
    """A page of outcomes, oldest change first."""

    items: list[OutcomeOut]
    # The next page's address (changed_since and after_id set), or null on the last page.
    next: str | None
