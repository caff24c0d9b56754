"""The languages a family can read the service in, and the message catalogue for each.

English is the language the code and templates are written in; Welsh comes from the catalogue
in `service/translations/cy/`, kept as a .po file in the repository and compiled by `make`
(`make translations`). A missing compiled catalogue is an error, never a silent fall back to
English: a Welsh reader would otherwise be shown English with no one noticing.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from gettext import NullTranslations

from babel.dates import format_date, format_datetime
from babel.support import Translations
from jinja2 import BaseLoader, ChainableUndefined, Environment, select_autoescape

from notifications.emails import install_translations
from service.domain.times import LONDON, format_day, format_moment, london_day
from service.package_files import translations_folder

DOMAIN = "messages"


class Language(StrEnum):
    """A language the family's pages, emails and printed copies come in."""

    ENGLISH = "en"
    WELSH = "cy"


class CatalogueMissing(RuntimeError):
    """The compiled catalogue for a language is not there: run `make translations`."""


@lru_cache(maxsize=len(Language))
def translations(language: Language) -> NullTranslations:
    """The messages of one language (English needs none: its words are the message ids)."""
    if language is Language.ENGLISH:
        return NullTranslations()
    loaded = Translations.load(translations_folder(), [language.value], domain=DOMAIN)
    if not isinstance(loaded, Translations):
        raise CatalogueMissing(
            f"The {language.value} catalogue is not compiled: run `make translations`."
        )
    return loaded


def parse_language(value: object) -> Language | None:
    """The language a value names ("en" or "cy"), or None for anything else."""
    try:
        return Language(str(value).strip().lower()) if value else None
    except ValueError:
        return None


def languages_to_write(preferred: Language | None, *, welsh_offered: bool) -> tuple[Language, ...]:
    """The languages a message to one person is written in, in the order they come.

    A person's own language when it is known; otherwise Welsh then English where the council
    offers Welsh (the Welsh Language Standards ask for both at once, Welsh first, until the
    person has chosen), and English elsewhere.
    """
    if preferred is not None:
        return (preferred,)
    return (Language.WELSH, Language.ENGLISH) if welsh_offered else (Language.ENGLISH,)


def moment_in(language: Language, moment: datetime, *, on: bool = False) -> str:
    """An instant in London time, in words of this language ("... at 10:00am", "... am 10:00").

    Welsh writes the day in lower case mid-sentence, and says "on Tuesday" by mutating the day
    itself ("ddydd Mawrth") rather than with a word for "on": `on=True` gives that form, for
    sentences like "the meeting is on ...". English needs no such change.
    """
    if language is Language.ENGLISH:
        return format_moment(moment)
    words = format_datetime(
        moment.astimezone(LONDON), "EEEE d MMMM y 'am' HH:mm", locale=language.value
    )
    words = words[:1].lower() + words[1:]
    return f"d{words}" if on and words.startswith("dydd") else words


def day_in(language: Language, value: datetime | date) -> str:
    """A day, taken in London for an instant, in words of this language."""
    day = london_day(value) if isinstance(value, datetime) else value
    if language is Language.ENGLISH:
        return format_day(day)
    return format_date(day, "EEEE d MMMM y", locale=language.value)


def N_(message: str) -> str:
    """Mark a message kept in a table to be translated where it is used, with `Words`."""
    return message


@dataclass(frozen=True)
class Words:
    """The words of one language for sentences made in Python: `say("Sent on %(when)s.",
    when=say.moment(sent_at))`. `make translations-extract` finds every `say("...")`."""

    language: Language = Language.ENGLISH

    def __call__(self, message: str, /, **values: object) -> str:
        text = translations(self.language).gettext(message)
        return text % values if values else text

    def moment(self, value: datetime, *, on: bool = False) -> str:
        """An instant, as this language writes it."""
        return moment_in(self.language, value, on=on)


ENGLISH_WORDS = Words()


def page_environment(
    loader: BaseLoader, language: Language, *, auto_reload: bool = False
) -> Environment:
    """The Jinja environment every page, and the information text inside the family's page, is
    rendered with: the same escaping and whitespace, so the information text composed on its
    own is byte for byte the one the page shows, and the words of one language."""
    environment = Environment(
        loader=loader,
        undefined=ChainableUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
        extensions=["jinja2.ext.i18n"],
    )
    install_translations(environment, translations(language))
    return environment
