"""How a family member needs to be communicated with, and what that asks of the service.

The good practice guidance on working with parents with a learning disability (2021) puts
accessible information and support to answer first. A person who needs an interpreter, a
British Sign Language interpreter or an advocate is asked in person with that support rather
than sent a link to read alone, and their answer records the support they had.
"""

from collections.abc import Iterable
from enum import StrEnum

from service.domain.errors import InvalidInput

MAX_INTERPRETER_LANGUAGE_LENGTH = 100


class CommunicationNeed(StrEnum):
    """One way a person needs information given or their answer supported."""

    EASY_READ = "easy_read"
    LARGE_PRINT = "large_print"
    INTERPRETER = "interpreter"
    BSL = "bsl"
    ADVOCATE = "advocate"


# Support that a person must be given in the room (or on the call) when they are asked.
SUPPORT_IN_PERSON = frozenset(
    {CommunicationNeed.INTERPRETER, CommunicationNeed.BSL, CommunicationNeed.ADVOCATE}
)

_NEED_WORDS = {
    CommunicationNeed.EASY_READ: "Easy Read",
    CommunicationNeed.LARGE_PRINT: "Large print",
    CommunicationNeed.INTERPRETER: "An interpreter",
    CommunicationNeed.BSL: "A British Sign Language interpreter",
    CommunicationNeed.ADVOCATE: "An advocate",
}
_SUPPORT_WORDS = {
    CommunicationNeed.INTERPRETER: "with an interpreter",
    CommunicationNeed.BSL: "with a British Sign Language interpreter",
    CommunicationNeed.ADVOCATE: "with their advocate",
}


def parse_needs(
    values: Iterable[str], *, field: str = "communication_needs"
) -> frozenset[CommunicationNeed]:
    """The needs named, or InvalidInput for a name that is not one."""
    needs = set()
    for value in values:
        try:
            needs.add(CommunicationNeed(value.strip()))
        except ValueError:
            raise InvalidInput(
                "Choose from Easy Read, large print, an interpreter, a British Sign Language "
                "interpreter and an advocate.",
                field=field,
            ) from None
    return frozenset(needs)


def stored_needs(needs: Iterable[CommunicationNeed]) -> str:
    """The needs as one column value, in a fixed order so equal sets store equally."""
    return ",".join(sorted(need.value for need in needs))


def needs_from_storage(value: str | None) -> frozenset[CommunicationNeed]:
    """The needs a column value holds (the empty string for none)."""
    return parse_needs(part for part in (value or "").split(",") if part)


def checked_interpreter_language(
    needs: frozenset[CommunicationNeed], interpreter_language: str | None
) -> str | None:
    """The interpreter's language, required with an interpreter and kept only then."""
    if CommunicationNeed.INTERPRETER not in needs:
        return None
    language = " ".join((interpreter_language or "").split())
    if not language:
        raise InvalidInput(
            "Enter the language the interpreter speaks.", field="interpreter_language"
        )
    if len(language) > MAX_INTERPRETER_LANGUAGE_LENGTH:
        raise InvalidInput(
            f"Enter the language in {MAX_INTERPRETER_LANGUAGE_LENGTH} characters or fewer.",
            field="interpreter_language",
        )
    return language


def support_in_person(needs: Iterable[CommunicationNeed]) -> frozenset[CommunicationNeed]:
    """The support a person must have when they are asked, which means asking in person."""
    return frozenset(needs) & SUPPORT_IN_PERSON


def _ordered(needs: Iterable[CommunicationNeed]) -> list[CommunicationNeed]:
    chosen = set(needs)
    return [need for need in CommunicationNeed if need in chosen]


def needs_in_words(
    needs: Iterable[CommunicationNeed], interpreter_language: str | None
) -> list[str]:
    """Each need as QA reads it: "Easy Read", "An interpreter (Polish)"..."""
    words = []
    for need in _ordered(needs):
        said = _NEED_WORDS[need]
        if need is CommunicationNeed.INTERPRETER and interpreter_language:
            said = f"{said} ({interpreter_language})"
        words.append(said)
    return words


def support_in_words(support: Iterable[CommunicationNeed], interpreter_language: str | None) -> str:
    """The support an answer was given with, as the record says it ("with their advocate")."""
    parts = []
    for need in _ordered(support_in_person(support)):
        said = _SUPPORT_WORDS[need]
        if need is CommunicationNeed.INTERPRETER and interpreter_language:
            said = f"{said} ({interpreter_language})"
        parts.append(said)
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""


def check_support_given(
    needed: Iterable[CommunicationNeed],
    given: Iterable[CommunicationNeed],
    *,
    interpreter_language: str | None,
) -> None:
    """Refuse with InvalidInput an answer recorded without the support the person needs: it
    would not be their informed answer."""
    missing = support_in_person(needed) - set(given)
    if missing:
        said = support_in_words(missing, interpreter_language)
        raise InvalidInput(
            f"This person is to be asked {said}. Tick the support they had, or ask them again "
            "with it.",
            field="support_used",
        )
