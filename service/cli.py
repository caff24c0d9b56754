"""The `cpc-observers` command line: serve, migrate, create-user, dispatch, verify-audit, demo
and backup."""

import argparse
import asyncio
import getpass
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from service.audit import Seal, check_seal, seal_of, verify_audit_chain
from service.dispatching import mail_server_problem, run_dispatcher
from service.domain.errors import DomainError
from service.logs import configure_logging
from service.serving import serve
from service.settings import Settings, get_settings
from service.store.backup import BackupFailed, BackupRefused, back_up_sqlite
from service.store.database import Database, is_sqlite
from service.store.migrate import upgrade_database
from service.usecases.demo_data import DemoAccounts, seed_demo
from service.usecases.staff_accounts import create_staff_user


def _ensure_sqlite_folder(database_url: str) -> None:
    if is_sqlite(database_url) and ":///" in database_url:
        path = database_url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    _ensure_sqlite_folder(settings.database_url)
    upgrade_database(settings.database_url)
    print("The database is up to date.")
    return 0


def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Password again: ") != password:
            print("The two passwords are different. Nothing was created.", file=sys.stderr)
            return 2

    async def create() -> None:
        database = Database(settings.database_url, audit_key=settings.audit_key)
        try:
            async with database.write_session() as session:
                user = await create_staff_user(
                    session,
                    now=datetime.now(UTC),
                    email=args.email,
                    name=args.name,
                    role=args.role,
                    password=password,
                )
            print(f"Created the {user.role} account for {user.email}.")
        finally:
            await database.dispose()

    asyncio.run(create())
    return 0


def _verify_audit(settings: Settings, args: argparse.Namespace) -> int:
    try:
        witness = Seal.parse(args.seal) if args.seal else None
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2

    async def check() -> int:
        database = Database(settings.database_url, audit_key=settings.audit_key)
        try:
            async with database.read_session() as session:
                result = await verify_audit_chain(session)
                problem = await check_seal(session, witness) if witness else None
        finally:
            await database.dispose()
        print(result.describe())
        if problem:
            print(problem)
        seal = seal_of(result)
        if seal is not None:
            print(f"seal: {seal}")
        return 0 if result.holds and problem is None else 1

    return asyncio.run(check())


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    try:
        report = back_up_sqlite(settings.database_url, Path(args.path))
    except (BackupRefused, BackupFailed) as problem:
        print(problem.message, file=sys.stderr)
        return 2 if isinstance(problem, BackupRefused) else 1
    except KeyboardInterrupt:
        print(f"The backup was stopped; nothing was written at {args.path}.", file=sys.stderr)
        return 130
    print(report.describe())
    return 0


def _demo(settings: Settings, _args: argparse.Namespace) -> int:
    async def seed() -> DemoAccounts:
        database = Database(settings.database_url, audit_key=settings.audit_key)
        try:
            async with database.write_session() as session:
                return await seed_demo(session, settings=settings, now=datetime.now(UTC))
        finally:
            await database.dispose()

    accounts = asyncio.run(seed())
    print("Demo data is ready." if accounts.created else "Demo data was already there.")
    print(f"  Sign in at {settings.base_url}/sign-in")
    print(f"  QA Service:    {accounts.qa_email}")
    print(f"  Trainee:       {accounts.trainee_email}")
    print(f"  Administrator: {accounts.admin_email} (at {settings.base_url}/admin)")
    print(f"  Password (all three): {accounts.password}")
    if settings.is_development and not settings.smtp_host:
        print(f"  Emails the service sends appear at {settings.base_url}/dev/mail")
    print(f"  Every footer links to {settings.base_url}/accessibility, /privacy and /cookies")
    return 0


def _refuse_without_mail_server(settings: Settings) -> bool:
    problem = mail_server_problem(settings)
    if problem is not None:
        print(f"Configuration problem: {problem}", file=sys.stderr)
    return problem is not None


def _dispatch(settings: Settings, _args: argparse.Namespace) -> int:
    if _refuse_without_mail_server(settings):
        return 2
    configure_logging(settings.log_format)

    async def run() -> None:
        database = Database(settings.database_url, audit_key=settings.audit_key)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        try:
            await run_dispatcher(settings, database, stop)
        finally:
            await database.dispose()

    asyncio.run(run())
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    if settings.dispatch_in_process and _refuse_without_mail_server(settings):
        return 2

    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpc-observers",
        description="Trainee observers at child protection conferences, with the family's consent.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema up to date")
    create_user = commands.add_parser("create-user", help="create a staff account")
    create_user.add_argument("--email", required=True)
    create_user.add_argument("--name", required=True)
    create_user.add_argument("--role", required=True, help="trainee, qa or admin")
    create_user.add_argument("--password", help="prompted for when left out")
    verify = commands.add_parser("verify-audit", help="check that no audit entry was altered")
    verify.add_argument(
        "--seal",
        metavar="ID:HEX",
        help="a seal printed or emailed earlier: also check that entry still holds that digest",
    )
    commands.add_parser("demo", help="seed demo staff, a conference and a family (once)")
    backup = commands.add_parser(
        "backup", help="copy the SQLite database to a new file while the service runs"
    )
    backup.add_argument("path", metavar="PATH", help="the new file; never an existing one")
    commands.add_parser("dispatch", help="send the outbox and run the scheduled jobs")
    serve = commands.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (more than one: PostgreSQL only)"
    )
    return parser


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "migrate": _migrate,
    "create-user": _create_user,
    "verify-audit": _verify_audit,
    "serve": _serve,
    "demo": _demo,
    "dispatch": _dispatch,
    "backup": _backup,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as error:
        for problem in error.errors():
            print(f"Configuration problem: {problem['msg']}", file=sys.stderr)
        return 2
    try:
        return _COMMANDS[args.command](settings, args)
    except DomainError as error:
        print(f"{error.message} Nothing was changed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
