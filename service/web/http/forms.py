"""Reading HTML forms into validated models, with GOV.UK-style messages for each field."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

Model = TypeVar("Model", bound=BaseModel)


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
        return [{"text": e.text, "href": e.href} for e in self.errors]

    def by_field(self) -> dict[str, str]:
        """The first message for each field, for the field's own error message."""
        messages: dict[str, str] = {}
        for error in self.errors:
            messages.setdefault(error.field, error.text)
        return messages


def form_to_dict(form: FormData) -> dict[str, object]:
    """A form's fields, with empty strings left out so they count as missing."""
    values: dict[str, object] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and value.strip() != "":
            values[key] = value
    return values


def parse_form(model: type[Model], form: FormData, messages: dict[str, str]) -> FormResult[Model]:
    """Validate a form; every invalid field gets its message from `messages`."""
    try:
        return FormResult(model.model_validate(form_to_dict(form)), [])
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
