"""The command line: clear messages and non-zero exits for bad input, and nothing written."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from service.cli import main
from service.settings import get_settings
from service.store.database import Database
from service.store.tables import AuditEntry, Conference, StaffUser


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the command line at this test's database."""
    monkeypatch.setenv("CPC_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def _count_staff(url: str) -> int:
    async def count() -> int:
        database = Database(url)
        try:
            async with database.read_session() as session:
                return int(await session.scalar(select(func.count()).select_from(StaffUser)) or 0)
        finally:
            await database.dispose()

    return asyncio.run(count())


def _create(*extra: str) -> int:
    return main(["create-user", "--name", "Pat QA", "--password", "a long enough password", *extra])


def test_create_user_makes_an_account(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "Pat@Council.example", "--role", "qa") == 0
    assert "Created the qa account for pat@council.example" in capsys.readouterr().out
    assert _count_staff(cli_database) == 1


def test_an_unknown_role_is_refused_and_nothing_is_written(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "pat@council.example", "--role", "boss") == 2
    assert "'boss' is not a role. Choose one of: trainee, qa, admin." in capsys.readouterr().err
    assert _count_staff(cli_database) == 0


def test_a_duplicate_email_is_refused(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "pat@council.example", "--role", "qa") == 0
    assert _create("--email", "PAT@council.example", "--role", "trainee") == 2
    assert "There is already an account for pat@council.example" in capsys.readouterr().err
    assert _count_staff(cli_database) == 1


def test_a_short_password_is_refused(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "create-user",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--role",
            "qa",
            "--password",
            "short",
        ]
    )
    assert code == 2
    assert "at least 12 characters" in capsys.readouterr().err
    assert _count_staff(cli_database) == 0


def test_verify_audit_exits_zero_when_the_chain_holds(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "pat@council.example", "--role", "qa") == 0
    assert main(["verify-audit"]) == 0
    assert "holds" in capsys.readouterr().out


def test_verify_audit_names_the_altered_entry(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "pat@council.example", "--role", "qa") == 0
    assert _create("--email", "sam@council.example", "--role", "trainee") == 0

    async def tamper() -> None:
        database = Database(cli_database)
        try:
            async with database.write_session() as session:
                if database.dialect == "postgresql":
                    await session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
                else:
                    await session.execute(text("DROP TRIGGER audit_entry_refuse_update"))
                first = await session.scalar(select(func.min(AuditEntry.id)))
                await session.execute(
                    text("UPDATE audit_entry SET details = '{}' WHERE id = :id"), {"id": first}
                )
                await session.commit()
        finally:
            await database.dispose()

    asyncio.run(tamper())
    assert main(["verify-audit"]) == 1
    assert "entry 1 was changed" in capsys.readouterr().out


def test_production_refuses_the_development_secret(
    cli_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CPC_ENV", "production")
    get_settings.cache_clear()
    assert main(["verify-audit"]) == 2
    assert "CPC_SECRET_KEY is still the development key" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["serve", "dispatch"])
def test_production_will_not_send_mail_without_a_mail_server(
    cli_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    # Without one, emails (names, live consent links) would sit in a folder nobody reads.
    monkeypatch.setenv("CPC_ENV", "production")
    monkeypatch.setenv("CPC_SECRET_KEY", "a-production-key-that-is-long-enough-0123456789")
    monkeypatch.setenv("CPC_AUDIT_KEY", "an-audit-key-kept-apart-from-the-secret-9876543210")
    monkeypatch.delenv("CPC_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    assert main([command]) == 2
    assert "CPC_SMTP_HOST is not set" in capsys.readouterr().err


def test_migrate_makes_a_new_database_and_demo_seeds_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("CPC_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert main(["migrate"]) == 0  # a second run finds nothing to do
        assert main(["demo"]) == 0
        shown = capsys.readouterr().out
        assert "Demo data is ready." in shown
        assert "/accessibility, /privacy and /cookies" in shown
        for account in ("qa@example.org", "trainee@example.org", "admin@example.org"):
            assert account in shown
        assert "Administrator: admin@example.org (at http://127.0.0.1:8000/admin)" in shown
        assert main(["demo"]) == 0
        again = capsys.readouterr().out
        assert "Demo data was already there." in again and "admin@example.org" in again
        assert _count_staff(url) == 3

        async def conferences() -> int:
            database = Database(url)
            try:
                async with database.read_session() as session:
                    return int(await session.scalar(select(func.count(Conference.id))) or 0)
            finally:
                await database.dispose()

        assert asyncio.run(conferences()) == 1
    finally:
        get_settings.cache_clear()


def test_verify_audit_prints_a_seal_that_later_finds_deleted_entries(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create("--email", "pat@council.example", "--role", "qa") == 0
    assert _create("--email", "sam@council.example", "--role", "trainee") == 0
    assert main(["verify-audit"]) == 0
    out = capsys.readouterr().out
    seal = out.strip().splitlines()[-1].removeprefix("seal: ")
    assert out.strip().splitlines()[-1].startswith("seal: 2:")
    assert main(["verify-audit", "--seal", seal]) == 0
    capsys.readouterr()

    async def delete_the_newest() -> None:
        database = Database(cli_database)
        try:
            async with database.write_session() as session:
                if database.dialect == "postgresql":
                    await session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
                else:
                    await session.execute(text("DROP TRIGGER audit_entry_refuse_delete"))
                await session.execute(text("DELETE FROM audit_entry WHERE id = 2"))
                await session.commit()
        finally:
            await database.dispose()

    asyncio.run(delete_the_newest())
    # The chain that is left holds on its own; only the seal kept outside shows the loss.
    assert main(["verify-audit"]) == 0
    capsys.readouterr()
    assert main(["verify-audit", "--seal", seal]) == 1
    assert "Entry 2, sealed earlier, is no longer in the record" in capsys.readouterr().out
    assert main(["verify-audit", "--seal", "not-a-seal"]) == 2
