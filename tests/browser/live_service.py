"""The service run as a deployment would run it: `cpc-observers` in its own process, real SMTP."""

import itertools
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import httpx

from tests.browser.mail_capture import MailCatcher

LONDON = ZoneInfo("Europe/London")
CLI = Path(sys.executable).with_name("cpc-observers")
PASSWORD = "a long browser-test password"
QA_MAILBOX = "safeguarding-qa@council.example"
_conference_numbers = itertools.count(1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class FamilyMember:
    """Someone the QA Service recorded for a conference."""

    name: str
    relationship: str
    email: str
    young: bool


@dataclass(frozen=True)
class SeededConference:
    """A conference QA recorded through the API, with the family to be asked."""

    id: int
    reference: str
    starts_at: datetime
    family: tuple[FamilyMember, ...]


@dataclass
class LiveService:
    """The running service, its mailbox, and the staff accounts made with `create-user`."""

    base_url: str
    mail: MailCatcher
    log_path: Path
    env: dict[str, str]
    qa_email: str = "quinn.qa@council.example"
    trainee_email: str = "taylor.trainee@council.example"
    trainee_name: str = "Taylor Trainee"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def url(self, path: str) -> str:
        """The full address of a path on the service."""
        return f"{self.base_url}{path}"

    def api_token(self, email: str) -> str:
        """A bearer token from POST /api/v1/auth/token."""
        response = httpx.post(
            self.url("/api/v1/auth/token"), json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


def _cli(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [str(CLI), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"cpc-observers {args[0]} failed:\n{result.stderr}"


def create_user(service: "LiveService", email: str, name: str, role: str) -> None:
    """A staff account made as an administrator would, with `cpc-observers create-user`."""
    _cli(service.env, "create-user", "--email", email, "--name", name, "--role", role,
         "--password", PASSWORD)  # fmt: skip


def service_environment(*, database: Path, smtp_port: int, base_url: str) -> dict[str, str]:
    """The process environment: none of the caller's CPC_ settings, only these."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    env.update(
        {
            "CPC_ENV": "development",
            "CPC_SECRET_KEY": secrets.token_urlsafe(48),
            "CPC_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "CPC_BASE_URL": base_url,
            "CPC_SMTP_HOST": "127.0.0.1",
            "CPC_SMTP_PORT": str(smtp_port),
            "CPC_DISPATCH_INTERVAL_SECONDS": "0.2",
            "CPC_QA_MAILBOX": QA_MAILBOX,
            "CPC_MAIL_FROM": "observer-requests@council.example",
            "CPC_TRAINEE_EMAIL_DOMAINS": "council.example",
            "CPC_DEV_MAILBOX_DIR": str(database.parent / "mail"),
        }
    )
    return env


def start_service(
    workdir: Path, log_path: Path, extra_env: dict[str, str] | None = None
) -> LiveService:
    """Start SMTP, migrate, create QA and trainee accounts, and serve on a free port."""
    mail = MailCatcher(free_port())
    mail.start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = service_environment(
        database=workdir / "service.db", smtp_port=mail.port, base_url=base_url
    )
    env.update(extra_env or {})
    service = LiveService(base_url=base_url, mail=mail, log_path=log_path, env=env)
    try:
        _cli(env, "migrate")
        for email, name, role in (
            (service.qa_email, "Quinn Quality", "qa"),
            (service.trainee_email, service.trainee_name, "trainee"),
        ):
            _cli(env, "create-user", "--email", email, "--name", name, "--role", role,
                 "--password", PASSWORD)  # fmt: skip
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            service.process = subprocess.Popen(  # noqa: S603 - our own command line
                [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(service)
    except BaseException:
        stop_service(service)
        raise
    return service


def _wait_until_up(service: LiveService, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert service.process is not None
        if service.process.poll() is not None:
            raise AssertionError(f"the service stopped:\n{service.log_path.read_text()}")
        try:
            if httpx.get(service.url("/healthz"), timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the service did not start:\n{service.log_path.read_text()}")


def stop_service(service: LiveService) -> None:
    """Stop the service process (politely, then firmly) and the SMTP server."""
    process = service.process
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    service.mail.stop()


def conference_start(today: date | None = None) -> datetime:
    """10:00 London on the first working day at least four weeks after today."""
    day = (today or datetime.now(LONDON).date()) + timedelta(days=28)
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in bank_holidays:
        day += timedelta(days=1)
    return datetime.combine(day, clock_time(10, 0), tzinfo=LONDON)


def seed_conference(
    service: LiveService,
    label: str,
    needs: dict[str, list[str]] | None = None,
    reached: dict[str, dict[str, object]] | None = None,
) -> SeededConference:
    """QA records a conference, two parents and a 13-year-old through the JSON API; `needs`
    gives communication needs by relationship ("Father": ["easy_read"]), `reached` how a person
    is reached ("Father": {"contact_channel": "sms", "mobile_number": "07900 900123"})."""
    number = next(_conference_numbers)
    reference = f"CP-{label.upper()}-{number:03d}"
    starts_at = conference_start()
    headers = {"Authorization": f"Bearer {service.api_token(service.qa_email)}"}
    created = httpx.post(
        service.url("/api/v1/conferences"),
        headers=headers,
        json={
            "reference": reference,
            "kind": "initial",
            "starts_at": starts_at.isoformat(),
            "duration_minutes": 90,
            "venue": "Room 2, Civic Centre",
            "open_to_observers": True,
        },
    )
    assert created.status_code == 201, created.text
    conference_id = int(created.json()["id"])
    today = datetime.now(LONDON).date()
    tag = f"{label}{number}"
    family = (
        FamilyMember("Alexandra Zebedee", "Mother", f"mother.{tag}@family.example", False),
        FamilyMember("Jonathan Quixley", "Father", f"father.{tag}@family.example", False),
        FamilyMember("Samira Wolstenholme", "Daughter", f"daughter.{tag}@family.example", True),
    )
    for member in family:
        body: dict[str, object] = {
            "name": member.name,
            "relationship": member.relationship,
            "email": member.email,
            "is_child": member.young,
            "has_parental_responsibility": not member.young,
            "contact_by_email": True,
            "communication_needs": (needs or {}).get(member.relationship, []),
            **(reached or {}).get(member.relationship, {}),
        }
        if member.young:
            body |= {
                "date_of_birth": date(today.year - 13, 1, 1).isoformat(),
                "sufficient_understanding": True,
                "understanding_judged_by": "Priya Shah, social worker",
            }
        added = httpx.post(
            service.url(f"/api/v1/conferences/{conference_id}/family-members"),
            headers=headers,
            json=body,
        )
        assert added.status_code == 201, added.text
    return SeededConference(conference_id, reference, starts_at, family)
