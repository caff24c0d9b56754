"""The Jinja2 environment for pages and its filters for dates and times in UK local time."""

from datetime import date, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)

from service.domain.times import format_day, format_moment, london_day
from service.settings import TEMPLATE_DIR

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def london_date(value: datetime | date) -> str:
    """A day as "Tuesday 8 December 2026", taken in Europe/London for an instant."""
    return format_day(london_day(value) if isinstance(value, datetime) else value)


def london_datetime(value: datetime) -> str:
    """An instant as "Tuesday 8 December 2026 at 10:00am" in Europe/London."""
    return format_moment(value)


def make_templates(
    *, template_dir: Path | None = None, auto_reload: bool = False
) -> Jinja2Templates:
    """The page renderer: the service's templates first, then GOV.UK Frontend's macros.

    `auto_reload` picks up edited templates without a restart, at the cost of checking every
    template file's time on every page; only development wants that.
    """
    loader = ChoiceLoader(
        [
            FileSystemLoader(template_dir or TEMPLATE_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(
        loader=loader,
        undefined=ChainableUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.filters["london_datetime"] = london_datetime
    env.filters["london_date"] = london_date
    return Jinja2Templates(env=env)
