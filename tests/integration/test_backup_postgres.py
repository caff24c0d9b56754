"""The README's pg_dump and pg_restore commands: a PostgreSQL database restored whole.

Runs when TEST_DATABASE_URL names a PostgreSQL server and its client programs are installed.
"""

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support.background_writer import BackgroundWriter
from tests.support.command_line import cpc_observers
from tests.support.databases import PostgresTemplate


def _postgres_tool(name: str) -> str | None:
    return shutil.which(name, path=f"/usr/lib/postgresql/15/bin:{os.environ.get('PATH', '')}")


async def _postgres_counts(dsn: str) -> dict[str, int]:
    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return {
            row["tablename"]: await connection.fetchval(
                f'SELECT count(*) FROM "{row["tablename"]}"'
            )
            for row in tables
        }
    finally:
        await connection.close()


async def _run_sql(dsn: str, *statements: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _may(dsn: str, role: str, privilege: str) -> bool:
    connection = await asyncpg.connect(dsn)
    try:
        query = "SELECT has_table_privilege($1, 'audit_entry', $2)"
        return bool(await connection.fetchval(query, role, privilege))
    finally:
        await connection.close()


async def _rewrite_an_entry(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("UPDATE audit_entry SET action = 'rewritten'")
    finally:
        await connection.close()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL is not set up")
def test_the_readme_pg_dump_and_pg_restore_commands_round_trip(
    tmp_path: Path, database_url: str, postgres_template: PostgresTemplate
) -> None:
    tools = {name: _postgres_tool(name) for name in ("pg_dump", "createdb", "pg_restore")}
    if None in tools.values():
        pytest.skip(f"PostgreSQL's client programs are not installed: {tools}")
    writer = BackgroundWriter(database_url)
    for _ in range(5):
        writer.record_one()
    writer.stop()
    source = make_url(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    restored = source.set(database=f"{source.database}_restored")
    restored_url = restored.set(drivername="postgresql+asyncpg").render_as_string(False)
    postgres_template.copies.add(str(restored.database))  # dropped even if this test fails
    # The service's role, with the README's grants, exists on the server the dump returns to.
    role = f"cpc_backup_service_{os.getpid()}"
    asyncio.run(
        _run_sql(
            source.render_as_string(False),
            f"DROP ROLE IF EXISTS {role}",
            f"CREATE ROLE {role} LOGIN",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        )
    )
    dump = tmp_path / "cpc.dump"

    def run(*command: str) -> None:
        # PostgreSQL's own client programs, with arguments made here.
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr

    try:
        run(
            str(tools["pg_dump"]),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            source.render_as_string(False),
        )
        run(
            str(tools["createdb"]),
            f"--host={source.host}",
            f"--port={source.port}",
            f"--username={source.username}",
            str(restored.database),
        )
        run(
            str(tools["pg_restore"]),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={restored.render_as_string(False)}",
            str(dump),
        )

        counts = asyncio.run(_postgres_counts(source.render_as_string(False)))
        assert asyncio.run(_postgres_counts(restored.render_as_string(False))) == counts
        chain = cpc_observers("verify-audit", database_url=restored_url, cwd=tmp_path)
        assert chain.returncode == 0, chain.stdout + chain.stderr
        assert f"all {counts['audit_entry']} entries are unaltered" in chain.stdout
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            asyncio.run(_rewrite_an_entry(restored.render_as_string(False)))
        assert asyncio.run(_may(restored.render_as_string(False), role, "INSERT"))
        assert not asyncio.run(_may(restored.render_as_string(False), role, "TRUNCATE"))
    finally:
        postgres_template.drop(restored_url)
        asyncio.run(
            _run_sql(source.render_as_string(False), f"DROP OWNED BY {role}", f"DROP ROLE {role}")
        )
