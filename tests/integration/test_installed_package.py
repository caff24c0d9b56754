"""The service as a council installs it: the built wheel in a fresh virtual environment.

The wheel is built from this checkout, installed with pip into a new environment outside it,
and run from an empty folder that holds nothing of the checkout: `migrate`, `demo` and `serve`
on the embedded defaults. A QA page and a family member's consent page are then fetched over
real HTTP, so templates, migrations, static files and the Welsh catalogue must all have come
from the package itself. It runs once, on SQLite: the wheel is the same for either database.
"""

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from notifications.mailbox import list_mailbox, read_mailbox_message
from service.usecases.demo_data import DEMO_PASSWORD, DEMO_QA_EMAIL, DEMO_TRAINEE_EMAIL
from tests.browser.live_service import free_port
from tests.conftest import POSTGRES_URL
from tests.support.web import csrf_from

CHECKOUT = Path(__file__).resolve().parents[2]
# A file of each kind the service reads from disk at run time.
PACKAGE_DATA = (
    "service/templates/pages/layout.html",
    "service/templates/emails/family_invitation.txt",
    "service/templates/letters/letter.css",
    "service/migrations/alembic.ini",
    "service/migrations/env.py",
    "service/migrations/versions/0001_initial.py",
    "service/web/static/application.css",
    "service/web/static/family.css",
    "service/translations/cy/LC_MESSAGES/messages.mo",
)

pytestmark = pytest.mark.skipif(
    bool(POSTGRES_URL), reason="the installed wheel is checked once, on its SQLite defaults"
)


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed commands built by this test
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel` builds from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
          str(CHECKOUT)], cwd=out)  # fmt: skip
    (built,) = out.glob("cpc_observers-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment, outside the checkout, with the wheel installed by pip."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    # Without pip inside (Debian may leave out ensurepip); this environment's pip installs into it.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
          "--quiet", str(wheel)], cwd=venv.parent)  # fmt: skip
    return venv


def _clean_environment(workdir: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CPC_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["CPC_BASE_URL"] = f"http://127.0.0.1:{port}"
    env["HOME"] = str(workdir)
    return env


def test_the_wheel_carries_every_file_the_service_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"the wheel leaves out {missing}"
    assert not any(name.startswith(("tests/", "service/migrations/__init__")) for name in names)


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The installed service migrated, seeded and serving, run from an empty folder."""
    workdir = tmp_path / "council"
    workdir.mkdir()
    port = free_port()
    env = _clean_environment(workdir, port)
    cli = str(installed / "bin" / "cpc-observers")
    where = _run([str(installed / "bin" / "python"), "-c",
                  "import service, json; print(json.dumps(service.__file__))"],
                 cwd=workdir, env=env)  # fmt: skip
    assert Path(json.loads(where)).is_relative_to(installed), "ran the checkout, not the wheel"
    assert "up to date" in _run([cli, "migrate"], cwd=workdir, env=env)
    assert "Demo data is ready" in _run([cli, "demo"], cwd=workdir, env=env)
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - the installed command, fixed arguments
        [cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        yield base_url, workdir
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the installed service stopped while starting"
        try:
            if httpx.get(f"{base_url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the installed service did not start within 30 seconds")


def _demo_consent_link(workdir: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        mailbox = workdir / "var" / "mail"
        for entry in list_mailbox(mailbox):
            message = read_mailbox_message(mailbox, entry.id)
            if message and message.to == "jordan.smith@example.com":
                return next(link for link in message.links if "/consent/" in link)
        time.sleep(0.2)
    raise AssertionError("no consent link reached the local mailbox")


def test_the_installed_wheel_migrates_seeds_and_serves_qa_and_family_pages(
    served: tuple[str, Path],
) -> None:
    base_url, workdir = served
    with httpx.Client(base_url=base_url) as qa:
        page = qa.get("/sign-in")
        signed_in = qa.post(
            "/sign-in",
            data={
                "email": DEMO_QA_EMAIL,
                "password": DEMO_PASSWORD,
                "csrf_token": csrf_from(page.text),
            },
        )
        assert signed_in.status_code == 303, signed_in.text
        conferences = qa.get("/qa/conferences")
        assert conferences.status_code == 200
        assert "DEMO-0001" in conferences.text
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', conferences.text)
        assert stylesheet and qa.get(stylesheet.group(1)).status_code == 200

    with httpx.Client(base_url=base_url) as trainee:
        token = trainee.post(
            "/api/v1/auth/token",
            json={"email": DEMO_TRAINEE_EMAIL, "password": DEMO_PASSWORD},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        (conference,) = trainee.get("/api/v1/conferences", headers=headers).json()
        asked = trainee.post(
            "/api/v1/observation-requests",
            headers=headers,
            json={
                "conference_id": conference["id"],
                "role": "Student social worker",
                "organisation": "Children's Services",
                "purpose": "I want to learn how families are heard at these meetings.",
                "supervisor_name": "Sam Supervisor",
                "supervisor_email": "supervisor@example.org",
                "confidentiality_acknowledged": True,
            },
        )
        assert asked.status_code == 201, asked.text

    with httpx.Client(base_url=base_url) as qa_api:
        token = qa_api.post(
            "/api/v1/auth/token",
            json={"email": DEMO_QA_EMAIL, "password": DEMO_PASSWORD},
        ).json()["access_token"]
        approved = qa_api.post(
            f"/api/v1/observation-requests/{asked.json()['id']}/approve",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert approved.status_code == 200, approved.text

    consent = httpx.get(_demo_consent_link(workdir), follow_redirects=True)
    assert consent.status_code == 200
    assert "observe" in consent.text
    # In Welsh, from the catalogue compiled into the package.
    welsh = httpx.get(_demo_consent_link(workdir), params={"lang": "cy"}, follow_redirects=True)
    assert welsh.status_code == 200
    assert 'lang="cy"' in welsh.text
    assert "arsylwi" in welsh.text
