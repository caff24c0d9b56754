"""The files the service ships beside its code: templates, migrations, static assets, catalogues.

They are package data, found through `importlib.resources`, so the service works the same from a
checkout, an editable install or an installed wheel. Each is a real folder on disk (wheels install
unzipped), which Jinja2's loaders, Alembic and the static file server need.
"""

import atexit
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

_kept_open = ExitStack()
atexit.register(_kept_open.close)


@cache
def package_folder(*parts: str) -> Path:
    """The folder `service/<parts>` as a path on disk, for the life of the process."""
    resource = files("service").joinpath(*parts)
    return _kept_open.enter_context(as_file(resource))


def template_folder() -> Path:
    """Pages, emails, letters and printed records."""
    return package_folder("templates")


def migrations_folder() -> Path:
    """Alembic's script location."""
    return package_folder("migrations")


def static_folder() -> Path:
    """The compiled GOV.UK Frontend assets and the service's own styles."""
    return package_folder("web", "static")


def translations_folder() -> Path:
    """The message catalogues (Welsh), compiled from their .po files."""
    return package_folder("translations")
