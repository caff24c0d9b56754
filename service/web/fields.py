"""Input field types shared by the API and the forms: bounded, trimmed, free of NUL bytes."""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

MAX_ID = 2**31 - 1  # the database's integer ids; anything larger cannot exist


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no person types one: refuse it plainly here rather
    # than let the database fail later.
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    AfterValidator(_no_control_characters),
]
Venue = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_no_control_characters),
]
EmailText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_no_control_characters),
]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
