"""Static files under names that change with their content, so browsers may keep them a year.

`family.css` is served as `/static/family.3f2a9c1d0b.css`: a changed file gets a new name, so a
browser never asks again for one it has and never keeps an old one. A family's repeat visit then
costs one request, the page itself. Templates ask `static_url("family.css")` for the name, worked
out once, when the service starts, from the files the package ships. The plain names still work,
without the year-long caching, for anything that kept one.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from service.package_files import static_folder

# A year, the longest HTTP caches honour; `immutable` spares even a reload's revalidation.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"

# Ten hex digits: a clash between two versions of one file is as good as impossible.
_FINGERPRINT_LENGTH = 10


def fingerprinted_name(name: str, content: bytes) -> str:
    """The name with a digest of the content before its extension: `family.3f2a9c1d0b.css`."""
    digest = hashlib.sha256(content).hexdigest()[:_FINGERPRINT_LENGTH]
    path = Path(name)
    return f"{path.stem}.{digest}{path.suffix}"


@dataclass(frozen=True)
class StaticNames:
    """Each static file's fingerprinted name, and the way back."""

    folder: Path
    fingerprinted: Mapping[str, str]
    original: Mapping[str, str]

    @classmethod
    def of_folder(cls, folder: Path) -> "StaticNames":
        """The names of the files in a folder, read and digested now."""
        fingerprinted = {
            file.name: fingerprinted_name(file.name, file.read_bytes())
            for file in sorted(folder.iterdir())
            if file.is_file()
        }
        original = {hashed: name for name, hashed in fingerprinted.items()}
        return cls(folder=folder, fingerprinted=fingerprinted, original=original)

    def url(self, name: str) -> str:
        """The address a page links to; a name the package does not ship is a mistake."""
        try:
            return f"/static/{self.fingerprinted[name]}"
        except KeyError:
            raise LookupError(f"no static file {name!r} in {self.folder}") from None


@cache
def shipped_static_names() -> StaticNames:
    """The names of the static files the package ships, worked out once a process."""
    return StaticNames.of_folder(static_folder())


def static_url(name: str) -> str:
    """The fingerprinted address of a shipped static file, for templates."""
    return shipped_static_names().url(name)


class FingerprintedStaticFiles(StaticFiles):
    """Serves each file under its fingerprinted name, kept for a year, and its plain name."""

    def __init__(self, names: StaticNames) -> None:
        super().__init__(directory=names.folder)
        self.names = names

    async def get_response(self, path: str, scope: Scope) -> Response:
        original = self.names.original.get(path)
        if original is None:
            return await super().get_response(path, scope)
        response = await super().get_response(original, scope)
        response.headers["Cache-Control"] = IMMUTABLE_CACHE
        return response
