"""The Jinja2 environment for pages and its filters for dates and times in UK local time."""

from datetime import date, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
)

from service.domain.communication import needs_from_storage, needs_in_words, support_in_words
from service.domain.times import format_day, format_moment, london_day
from service.languages import Language, day_in, moment_in, page_environment
from service.phone_numbers import shown_mobile_number
from service.settings import TEMPLATE_DIR
from service.web.http.static_files import static_url


def london_date(value: datetime | date) -> str:
    """A day as "Tuesday 8 December 2026", taken in Europe/London for an instant."""
    return format_day(london_day(value) if isinstance(value, datetime) else value)


def london_datetime(value: datetime) -> str:
    """An instant as "Tuesday 8 December 2026 at 10:00am" in Europe/London."""
    return format_moment(value)


def needs_words(stored: str, interpreter_language: str | None = None) -> list[str]:
    """A person's recorded communication needs, as QA reads them."""
    return needs_in_words(needs_from_storage(stored), interpreter_language)


def support_words(stored: str, interpreter_language: str | None = None) -> str:
    """The support a person must have when asked ("with their advocate"), or ""."""
    return support_in_words(needs_from_storage(stored), interpreter_language)


def make_templates(
    *,
    template_dir: Path | None = None,
    auto_reload: bool = False,
    language: Language = Language.ENGLISH,
) -> Jinja2Templates:
    """The page renderer: the service's templates first, then GOV.UK Frontend's macros.

    One renderer a language: `{% trans %}` and `_()` in a template give that language's words
    (the family's pages are in English or Welsh; staff pages are English only), and dates are
    written in it. `auto_reload` picks up edited templates without a restart, at the cost of
    checking every template file's time on every page; only development wants that.
    """
    loader = ChoiceLoader(
        [
            FileSystemLoader(template_dir or TEMPLATE_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = page_environment(loader, language, auto_reload=auto_reload)
    env.globals["page_language"] = language.value
    env.globals["static_url"] = static_url
    env.filters["london_datetime"] = lambda value: moment_in(language, value)
    # The same instant after "on" ("ddydd Mawrth ..." in Welsh).
    env.filters["on_london_datetime"] = lambda value: moment_in(language, value, on=True)
    env.filters["london_date"] = lambda value: day_in(language, value)
    env.filters["needs_words"] = needs_words
    env.filters["support_words"] = support_words
    env.filters["mobile_number"] = shown_mobile_number
    return Jinja2Templates(env=env)
