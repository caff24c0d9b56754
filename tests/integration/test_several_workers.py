"""`serve --workers 2` and one `dispatch` process on one PostgreSQL database, through a journey.

The trainee asks, QA approves, both parents answer yes through their emailed links, and the
calendar invites reach QA and the observer: every step through the two workers, every email
through the dispatcher and a real SMTP server. /metrics, asked of whichever worker answers, adds
up all three processes (prometheus-client's multiprocess mode): the requests the test made and
the emails the SMTP server took are counted exactly. On SQLite, several workers are refused.
"""

import asyncio
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from service.store.database import Database
from tests.browser.live_service import CLI, free_port
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.consent import information_sha256
from tests.support.factories import TEST_PASSWORD, make_conference, make_family_member, make_staff
from tests.support.scenario import request_body
from tests.support.web import csrf_from

METRICS_TOKEN = "a-metrics-token-for-the-worker-test"
QA_MAILBOX = "qa@council.example"
postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


@dataclass
class Deployment:
    """The two-worker service, its dispatcher, the SMTP server and their logs."""

    url: str
    smtp: SmtpServer
    serve_log: Path
    dispatch_log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """One request on a fresh connection, so the workers share the load."""
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=30)

    def metrics(self) -> str:
        """A scrape of /metrics, from whichever worker takes it."""
        response = self.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert response.status_code == 200, response.text
        return response.text

    def log_lines(self) -> list[dict[str, object]]:
        """The workers' JSON log lines."""
        lines = self.serve_log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def _environment(database_url: str, port: int, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    metrics_folder = tmp_path / "metrics"
    metrics_folder.mkdir()
    env.update(
        {
            "CPC_ENV": "development",
            "CPC_DATABASE_URL": database_url,
            "CPC_BASE_URL": f"http://127.0.0.1:{port}",
            "CPC_SMTP_HOST": "127.0.0.1",
            "CPC_SMTP_PORT": str(smtp_port),
            "CPC_DISPATCH_IN_PROCESS": "false",
            "CPC_DISPATCH_INTERVAL_SECONDS": "0.2",
            "CPC_DISPATCH_REPORT_INTERVAL_SECONDS": "0.5",
            "CPC_QA_MAILBOX": QA_MAILBOX,
            "CPC_MAIL_FROM": "observers@council.example",
            "CPC_TRAINEE_EMAIL_DOMAINS": "council.example",
            "CPC_METRICS_TOKEN": METRICS_TOKEN,
            "CPC_LOG_FORMAT": "json",
            "CPC_DEV_MAILBOX_DIR": str(tmp_path / "mail"),
            # The web workers and the dispatcher share one folder, so /metrics adds up all three.
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
        }
    )
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own command line, fixed arguments
            [str(CLI), *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _until(condition: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """Two web workers and a dispatcher on this test's PostgreSQL database."""
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    env = _environment(database_url, port, smtp.port, tmp_path)
    serve_log, dispatch_log = tmp_path / "serve.log", tmp_path / "dispatch.log"
    processes = [
        _start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"], env,
               serve_log),
        _start(["dispatch"], env, dispatch_log),
    ]  # fmt: skip
    running = Deployment(f"http://127.0.0.1:{port}", smtp, serve_log, dispatch_log)

    def answers() -> bool:
        assert all(p.poll() is None for p in processes), serve_log.read_text()
        try:
            return running.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    try:
        _until(answers, "both workers and the dispatcher to be ready")
        yield running
    finally:
        for process in processes:
            _stop(process)
        smtp.stop()
    for log in (serve_log, dispatch_log):
        assert "Traceback" not in log.read_text(), log.read_text()


def _links_to(smtp: SmtpServer, address: str) -> list[str]:
    found = []
    for received in list(smtp.handler.received):
        if address in received.recipients:
            body = received.message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            found += re.findall(r"https?://\S+/consent/[A-Za-z0-9._~-]+", text)
    return found


def _answer_yes(link: str) -> None:
    with httpx.Client(timeout=30) as person:
        page = person.get(link)
        assert page.status_code == 200, page.text
        answered = person.post(
            link,
            data={"decision": "yes", "csrf_token": csrf_from(page.text),
                  "text_sha256": information_sha256(page.text)},
        )  # fmt: skip
        assert answered.status_code in (200, 303), answered.text


def _sum(exposition: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in exposition.splitlines():
        sample = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if sample:
            found = dict(re.findall(r'(\w+)="([^"]*)"', sample.group(1) or ""))
            if all(found.get(key) == value for key, value in labels.items()):
                total += float(sample.group(2))
    return total


def _journey(
    deployment: Deployment, qa_email: str, trainee_email: str, conference_id: int | None,
    parent_emails: list[str],
) -> None:  # fmt: skip
    """Ask, approve, both parents say yes, invites go out; then the metrics add up."""

    def token(email: str) -> dict[str, str]:
        response = httpx.post(f"{deployment.url}/api/v1/auth/token",
                              json={"email": email, "password": TEST_PASSWORD})  # fmt: skip
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    asked = httpx.post(f"{deployment.url}/api/v1/observation-requests",
                       json=request_body(conference_id), headers=token(trainee_email))  # fmt: skip
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    approved = httpx.post(f"{deployment.url}/api/v1/observation-requests/{request_id}/approve",
                          headers=token(qa_email))  # fmt: skip
    assert approved.status_code == 200, approved.text

    for email in parent_emails:
        _until(lambda email=email: _links_to(deployment.smtp, email), f"the link to {email}")
        _answer_yes(_links_to(deployment.smtp, email)[0])

    def status() -> str:
        response = deployment.get(f"/api/v1/observation-requests/{request_id}",
                                  headers=token(trainee_email))  # fmt: skip
        return str(response.json()["status"])

    _until(lambda: status() == "confirmed", "the request to be confirmed")
    for invited in (QA_MAILBOX, trainee_email):
        _until(lambda who=invited: any(who in r.recipients and b"text/calendar" in r.content
                                       for r in list(deployment.smtp.handler.received)),
               f"the calendar invite to {invited}")  # fmt: skip

    # The metrics add up every process: requests made here, emails the SMTP server took.
    before = _sum(deployment.metrics(), "cpc_http_requests_total", route="/healthz")
    made = 0
    while made < 2000:
        made += 1
        assert deployment.get("/healthz").status_code == 200
        pids = {line["process"] for line in deployment.log_lines()
                if str(line.get("message", "")).startswith("GET /healthz")}  # fmt: skip
        if made >= 40 and len(pids) >= 2:
            break
    assert len(pids) == 2, "one worker answered every request"
    after = deployment.metrics()
    assert _sum(after, "cpc_http_requests_total", route="/healthz") == before + made
    sent = len(deployment.smtp.handler.received)
    _until(lambda: _sum(deployment.metrics(), "cpc_deliveries_total", result="sent") >= sent,
           "the dispatcher's deliveries in the metrics")  # fmt: skip
    assert _sum(deployment.metrics(), "cpc_deliveries_total", result="sent") == sent
    assert _sum(after, "cpc_consent_answers_total", answer="yes") == 2


@postgres_only
async def test_two_workers_and_a_dispatcher_carry_a_journey_and_count_it_once(
    deployment: Deployment, database: Database
) -> None:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        trainee = await make_staff(session)
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=40)
        conference = await make_conference(session, starts_at=starts)
        parents = [
            await make_family_member(session, conference_id=conference.id, relationship=who)
            for who in ("Mother", "Father")
        ]
        await session.commit()
    await asyncio.to_thread(_journey, deployment, qa.email, trainee.email, conference.id,
                            [parent.email or "" for parent in parents])  # fmt: skip


def test_several_workers_are_refused_on_sqlite(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    env["CPC_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'one-writer.db'}"
    refused = subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [str(CLI), "serve", "--workers", "2"], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "Several worker processes need PostgreSQL" in refused.stderr
    assert not (tmp_path / "one-writer.db").exists()
