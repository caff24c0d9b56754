"""A consistent copy of the SQLite database, made while the service keeps writing.

How the copy is made, and why: the backup opens one read transaction on the database and copies
every page with SQLite's online backup API (`sqlite3.Connection.backup`) inside it. The service
keeps its database in WAL mode, where a reader never blocks a writer, so the service goes on
writing while the copy is made, and everything it commits after the read transaction began stays
in the WAL, out of the copy. Without that transaction, SQLite restarts a stepped backup from the
first page whenever another connection writes, so on a busy service it might never finish;
`VACUUM INTO` would also take one snapshot, but cannot run inside a transaction we hold, so the
row counts could not be read at the same moment as the copy. Copying in steps keeps each read
short and lets tests write between them.
"""

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from service.store.database import is_sqlite

PAGES_PER_STEP = 1024
_BUSY_TIMEOUT_MS = 30_000
_README_SECTION = 'the README\'s "Backups and restore"'


class BackupRefused(Exception):
    """The backup was not started: the reason says what to do instead. Nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BackupFailed(Exception):
    """The copy could not be made or did not check out; nothing was left at the path asked for."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupReport:
    """What was copied: where to, how large, and each table's rows at the copy's moment."""

    path: Path
    size_bytes: int
    row_counts: dict[str, int]

    def describe(self) -> str:
        """Lines for the command line: only table names and numbers, never what the rows hold."""
        width = max((len(name) for name in self.row_counts), default=0)
        lines = [
            f"Backed up to {self.path} ({self.size_bytes:,} bytes).",
            "The copy passed SQLite's integrity check. Rows copied:",
        ]
        lines += [f"  {name:<{width}}  {count:>10,}" for name, count in self.row_counts.items()]
        return "\n".join(lines)


def sqlite_path(database_url: str) -> Path:
    """The file an SQLite database URL names; refused for PostgreSQL or an in-memory database."""
    if not is_sqlite(database_url):
        raise BackupRefused(
            "This service's database is PostgreSQL; `cpc-observers backup` copies SQLite only. "
            f"Back PostgreSQL up with pg_dump, as {_README_SECTION} shows. Nothing was written."
        )
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupRefused("An in-memory database cannot be backed up. Nothing was written.")
    return Path(name)


def _refuse_destination(destination: Path) -> None:
    if destination.exists() or destination.is_symlink():
        raise BackupRefused(
            f"{destination} already exists; a backup never replaces another. "
            "Choose a new name. Nothing was written."
        )
    if not destination.parent.is_dir():
        raise BackupRefused(
            f"The folder {destination.parent} does not exist. Create it, or choose another. "
            "Nothing was written."
        )


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts: dict[str, int] = {}
    for table in tables:
        query = f"SELECT count(*) FROM {_quoted(table)}"  # noqa: S608 - names from sqlite_master
        counts[table] = int(connection.execute(query).fetchone()[0])
    return counts


def _open_source(source: Path) -> sqlite3.Connection:
    if not source.is_file():
        raise BackupRefused(f"There is no database at {source}. Nothing was written.")
    # mode=rw: never create an empty database where the service's should be.
    connection = sqlite3.connect(
        f"file:{quote(str(source.resolve()))}?mode=rw", uri=True, isolation_level=None
    )
    connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    return connection


def _fsync(path: Path, *, directory: bool = False) -> None:
    descriptor = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_and_check(
    source: sqlite3.Connection,
    partial: Path,
    *,
    pages_per_step: int,
    between_steps: Callable[[], None] | None,
) -> dict[str, int]:
    source.execute("BEGIN")
    try:
        # The first read fixes the snapshot: these counts, and every page copied, are of it.
        counts = _row_counts(source)
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(
                copy,
                pages=pages_per_step,
                progress=(lambda *_: between_steps()) if between_steps else None,
                sleep=0,
            )
            source.execute("COMMIT")
            # A backup is one self-contained file: no WAL beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = [str(row[0]) for row in copy.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                raise BackupFailed(
                    f"The copy failed SQLite's integrity check ({'; '.join(verdict[:3])})."
                )
            copied = _row_counts(copy)
        finally:
            copy.close()
    finally:
        if source.in_transaction:
            source.execute("ROLLBACK")
    if copied != counts:
        raise BackupFailed("The copy does not hold the rows the database held when it began.")
    return copied


def _remove_partial(partial: Path) -> None:
    for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _move_into_place(partial: Path, destination: Path) -> None:
    # A hard link never replaces a file that appeared at the destination meanwhile (a rename
    # would); where the filesystem has no hard links, check and rename instead.
    try:
        os.link(partial, destination)
    except FileExistsError:
        raise BackupFailed(f"{destination} appeared while the copy was being made.") from None
    except OSError:
        if destination.exists():
            raise BackupFailed(f"{destination} appeared while the copy was being made.") from None
        os.replace(partial, destination)
    else:
        partial.unlink()
    _fsync(destination.parent, directory=True)


def back_up_sqlite(
    database_url: str,
    destination: Path,
    *,
    pages_per_step: int = PAGES_PER_STEP,
    between_steps: Callable[[], None] | None = None,
) -> BackupReport:
    """Copy the SQLite database to `destination`, a new file, while the service keeps running.

    The copy is written beside `destination` under a temporary name (readable only by the user
    who runs the backup), checked, and linked into place only once complete, so a failed or
    interrupted backup never leaves a partial file at `destination`. `between_steps` runs
    after each step of `pages_per_step` pages.
    """
    source_path = sqlite_path(database_url)
    _refuse_destination(destination)
    source = _open_source(source_path)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
        os.close(descriptor)
        partial = Path(name)
        try:
            counts = _copy_and_check(
                source, partial, pages_per_step=pages_per_step, between_steps=between_steps
            )
            _fsync(partial)
            _move_into_place(partial, destination)
        except sqlite3.Error as error:
            _remove_partial(partial)
            raise BackupFailed(f"The copy could not be made: {error}.") from error
        except BaseException:
            _remove_partial(partial)
            raise
    finally:
        source.close()
    return BackupReport(destination, destination.stat().st_size, counts)
