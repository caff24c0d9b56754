"""What the app factory keeps on `app.state`, read back with its type."""

from collections.abc import Callable
from datetime import datetime

from fastapi import Request
from fastapi.templating import Jinja2Templates

from service.languages import Language
from service.settings import Settings
from service.store.database import Database


def settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def database_of(request: Request) -> Database:
    """The app's database."""
    database: Database = request.app.state.database
    return database


def clock_now(request: Request) -> datetime:
    """The current time; tests replace `app.state.clock` to freeze it."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def templates_in(request: Request, language: Language = Language.ENGLISH) -> Jinja2Templates:
    """The page renderer for one language (staff pages and printed records are English)."""
    templates: dict[Language, Jinja2Templates] = request.app.state.templates_by_language
    return templates[language]
