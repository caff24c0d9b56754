"""Reading HTML forms into validated models, with GOV.UK-style messages for each field."""

from dataclasses import dataclass
from typing import Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

Model = TypeVar("Model", bound=BaseModel)


NO_FIELD = ""  # an error about the whole action rather than one field: the summary only


@dataclass(frozen=True)
class FieldError:
    """One problem, tied to the field it is about (the error summary links to it)."""

    field: str
    text: str

    @property
    def href(self) -> str:
        """The link from the error summary to the field."""
        return f"#{self.field.replace('_', '-')}"


@dataclass
class FormResult(Generic[Model]):
    """A parsed form, or the errors to show next to its fields."""

    value: Model | None
    errors: list[FieldError]

    def summary(self) -> list[dict[str, str]]:
        """The error summary's items."""
        return error_summary(self.errors)

    def by_field(self) -> dict[str, str]:
        """The first message for each field, for the field's own error message."""
        return field_messages(self.errors)


def error_summary(errors: list[FieldError]) -> list[dict[str, str]]:
    """The error summary's items; an error about no one field has no link."""
    return [
        {"text": e.text, "href": e.href} if e.field != NO_FIELD else {"text": e.text}
        for e in errors
    ]


def field_messages(errors: list[FieldError]) -> dict[str, str]:
    """The first message for each field, shown beside it."""
    messages: dict[str, str] = {}
    for error in errors:
        if error.field != NO_FIELD:
            messages.setdefault(error.field, error.text)
    return messages


def error_context(errors: list[FieldError]) -> dict[str, object]:
    """The template values that show a list of errors."""
    return {"errors": error_summary(errors), "field_errors": field_messages(errors)}


def form_to_dict(form: FormData, lists: frozenset[str] = frozenset()) -> dict[str, object]:
    """A form's fields, with empty strings left out so they count as missing; the fields named
    in `lists` (a group of checkboxes) keep every value ticked, the rest their last."""
    values: dict[str, object] = {name: [] for name in lists}
    for key, value in form.multi_items():
        if not isinstance(value, str) or value.strip() == "":
            continue
        gathered = values.get(key)
        if key in lists and isinstance(gathered, list):
            gathered.append(value)
        else:
            values[key] = value
    return values


def _is_list(annotation: object) -> bool:
    return get_origin(annotation) is list or any(_is_list(arg) for arg in get_args(annotation))


def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name for name, field in model.model_fields.items() if _is_list(field.annotation)
    )


def parse_form(model: type[Model], form: FormData, messages: dict[str, str]) -> FormResult[Model]:
    """Validate a form; every invalid field gets its message from `messages`."""
    try:
        return FormResult(model.model_validate(form_to_dict(form, _list_fields(model))), [])
    except ValidationError as error:
        errors: list[FieldError] = []
        seen: set[str] = set()
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "form"
            if field in seen:
                continue
            seen.add(field)
            errors.append(FieldError(field, messages.get(field, "Check this answer.")))
        return FormResult(None, errors)
