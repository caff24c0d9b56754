"""`cpc-observers backup`: a consistent copy of the SQLite database while the service writes.

The backups run on SQLite files of their own, whichever database the suite runs on. The copy
is restored as the README says (the file copied into place), and must hold the rows the
database held at the copy's moment, an unbroken audit chain, and the newest schema.
"""

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from service.store.backup import back_up_sqlite
from service.store.migrate import alembic_config
from tests.support.background_writer import BackgroundWriter
from tests.support.command_line import cpc_observers


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def row_counts(path: Path) -> dict[str, int]:
    """Each table's rows in an SQLite file, read as one snapshot."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
        }


def _printed_counts(output: str) -> dict[str, int]:
    rows = output.split("Rows copied:", 1)[1]
    return {
        name: int(count.replace(",", ""))
        for name, count in re.findall(r"^\s+(\w+)\s+([\d,]+)$", rows, re.MULTILINE)
    }


def _schema_version(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


@pytest.fixture
def service_database(tmp_path: Path, sqlite_template: Path) -> Path:
    """The service's SQLite file, migrated, in a folder of its own."""
    path = tmp_path / "service" / "cpc-observers.db"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def writer(service_database: Path) -> Iterator[BackgroundWriter]:
    """QA recording conferences in the service's database."""
    background = BackgroundWriter(_url(service_database))
    for _ in range(20):
        background.record_one()
    yield background
    background.stop()


def test_a_backup_taken_while_the_service_writes_restores_whole(
    tmp_path: Path, service_database: Path, writer: BackgroundWriter
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    writer.keep_recording()
    before = row_counts(service_database)
    backup = cpc_observers(
        "backup", str(backups / "monday.db"), database_url=_url(service_database), cwd=tmp_path
    )
    after = row_counts(service_database)
    writer.stop()

    assert backup.returncode == 0, backup.stderr
    assert "passed SQLite's integrity check" in backup.stdout
    assert "Bea Backup" not in backup.stdout and "Zebedee" not in backup.stdout
    assert after["audit_entry"] > before["audit_entry"], "nothing was written meanwhile"
    assert sorted(path.name for path in backups.iterdir()) == ["monday.db"]

    # Restored as the README says: the file copied into place for a stopped service.
    restored = tmp_path / "restored" / "cpc-observers.db"
    restored.parent.mkdir()
    shutil.copyfile(backups / "monday.db", restored)
    copied = row_counts(restored)
    assert _printed_counts(backup.stdout) == copied
    for table, count in copied.items():
        assert before[table] <= count <= after[table], table
    assert copied["audit_entry"] == copied["conference"] - 1  # build_world's has no entry

    chain = cpc_observers("verify-audit", database_url=_url(restored), cwd=tmp_path)
    assert chain.returncode == 0, chain.stdout + chain.stderr
    assert f"all {copied['audit_entry']} entries are unaltered" in chain.stdout

    head = ScriptDirectory.from_config(alembic_config(_url(restored))).get_current_head()
    assert _schema_version(restored) == head
    migrated = cpc_observers("migrate", database_url=_url(restored), cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert _schema_version(restored) == head
    assert row_counts(restored) == copied


def test_what_is_written_while_the_pages_are_copied_stays_out_of_the_copy(
    tmp_path: Path, service_database: Path, writer: BackgroundWriter
) -> None:
    at_start = row_counts(service_database)
    steps = 0

    def commit_a_conference() -> None:
        nonlocal steps
        steps += 1
        writer.record_one()

    report = back_up_sqlite(
        _url(service_database),
        tmp_path / "copy.db",
        pages_per_step=2,
        between_steps=commit_a_conference,
    )

    assert steps > 10
    assert row_counts(service_database)["conference"] == at_start["conference"] + steps
    assert report.row_counts == at_start == row_counts(tmp_path / "copy.db")
    chain = cpc_observers("verify-audit", database_url=_url(tmp_path / "copy.db"), cwd=tmp_path)
    assert chain.returncode == 0, chain.stdout + chain.stderr
    assert f"all {at_start['audit_entry']} entries are unaltered" in chain.stdout


def test_a_postgresql_database_is_sent_to_pg_dump(tmp_path: Path) -> None:
    result = cpc_observers(
        "backup",
        str(tmp_path / "copy.db"),
        database_url="postgresql+asyncpg://cpc@127.0.0.1:1/cpc",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "Backups and restore" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_replaced(tmp_path: Path, service_database: Path) -> None:
    earlier = tmp_path / "earlier.db"
    earlier.write_bytes(b"last week's backup")
    result = cpc_observers(
        "backup", str(earlier), database_url=_url(service_database), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert earlier.read_bytes() == b"last week's backup"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["earlier.db", "service"]


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path, service_database: Path) -> None:
    result = cpc_observers(
        "backup",
        str(tmp_path / "nowhere" / "copy.db"),
        database_url=_url(service_database),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_copy_that_fails_half_way_leaves_nothing_behind(
    tmp_path: Path, service_database: Path
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()

    def fail() -> None:
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        back_up_sqlite(
            _url(service_database), backups / "copy.db", pages_per_step=4, between_steps=fail
        )
    assert list(backups.iterdir()) == []


def test_a_file_that_is_not_a_database_fails_and_leaves_nothing(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_bytes(b"not a database " * 512)
    backups = tmp_path / "backups"
    backups.mkdir()
    result = cpc_observers(
        "backup", str(backups / "copy.db"), database_url=_url(not_a_database), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "could not be made" in result.stderr
    assert list(backups.iterdir()) == []
