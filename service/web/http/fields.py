"""Input field types shared by the API and the forms: bounded, trimmed, free of NUL bytes and
of characters nobody can see."""

import unicodedata
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

MAX_ID = 2**31 - 1  # the database's integer ids; anything larger cannot exist


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no person types one: refuse it plainly here rather
    # than let the database fail later.
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


_KEPT_CONTROLS = frozenset("\t\n\r\x00")  # NUL stays, to be refused below in plain words


def without_invisible_characters(value: str) -> str:
    """The text without zero-width, direction-changing and other invisible characters.

    They let text shown to a family read differently from what was typed (a right-to-left
    override turns "gpj.exe" into "exe.jpg"), or hide a word from a check; nobody needs them
    in a name, a role or a reason.
    """
    return "".join(
        char
        for char in value
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in ("Cf", "Cc", "Co", "Cs")
    )


def _visible(value: object) -> object:
    return without_invisible_characters(value) if isinstance(value, str) else value


Visible = BeforeValidator(_visible)
ShortText = Annotated[
    str,
    Visible,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
Reference = Annotated[
    str,
    Visible,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    AfterValidator(_no_control_characters),
]
Venue = Annotated[
    str,
    Visible,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    Visible,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_no_control_characters),
]
EmailText = Annotated[
    str,
    Visible,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_no_control_characters),
]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A record's id in an address, such as /qa/requests/{request_id}.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
