"""What the QA pages share: id paths, status tags, and errors shown the GOV.UK way."""

from contextlib import AbstractAsyncContextManager

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from service.domain.errors import DomainError
from service.domain.states import RequestStatus
from service.domain.transitions import status_label
from service.web.http.app_state import database_of
from service.web.http.errors import status_for
from service.web.http.forms import NO_FIELD, FieldError

# Each status's colour; its words come from the one table both sides share.
_TAG_COLOURS: dict[RequestStatus, str] = {
    RequestStatus.SUBMITTED: "govuk-tag--blue",
    RequestStatus.SEEKING_CONSENT: "govuk-tag--light-blue",
    RequestStatus.CONFIRMED: "govuk-tag--green",
    RequestStatus.COMPLETED: "govuk-tag--grey",
    RequestStatus.DECLINED: "govuk-tag--red",
    RequestStatus.NOT_GOING_AHEAD: "govuk-tag--orange",
    RequestStatus.LAPSED: "govuk-tag--yellow",
    RequestStatus.WITHDRAWN: "govuk-tag--grey",
    RequestStatus.CANCELLED: "govuk-tag--grey",
}


def status_tag(status: str) -> dict[str, str]:
    """The govukTag parameters for a request status."""
    known = RequestStatus(status)
    return {"text": status_label(known), "classes": _TAG_COLOURS[known]}


def fresh_read(request: Request) -> AbstractAsyncContextManager[AsyncSession]:
    """A new read session: on SQLite the page's own keeps the snapshot it began with, so after
    a refusal (perhaps because someone else just acted) it could show the state before theirs."""
    return database_of(request).read_session()


def domain_field_error(error: DomainError, form_fields: dict[str, str] | None = None) -> FieldError:
    """A domain refusal placed beside the input it names; `form_fields` maps the domain's
    name for an input to the form's where they differ (a date split into day, month, year)."""
    if error.field is None:
        return FieldError(NO_FIELD, error.message)
    return FieldError((form_fields or {}).get(error.field, error.field), error.message)


def refusal_status(error: DomainError) -> int:
    """409 when the state forbids the action, 422 when the input broke a rule."""
    status = status_for(error)
    return status if status in (409, 422) else 422


def sort_errors(errors: list[FieldError], order: list[str]) -> list[FieldError]:
    """Errors in the order their fields appear on the page."""
    position = {name: index for index, name in enumerate(order)}
    return sorted(errors, key=lambda e: position.get(e.field, len(order)))


def raw_values(form: FormData, names: list[str], *, limit: int = 4000) -> dict[str, str]:
    """What the person typed, to show again beside the errors."""
    values: dict[str, str] = {}
    for name in names:
        # A group of checkboxes sends its name once per box ticked: kept comma-separated.
        given = ",".join(value for value in form.getlist(name) if isinstance(value, str))
        values[name] = given[:limit]
    return values
