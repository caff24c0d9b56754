"""Fuzzing the JSON API from its own OpenAPI schema: nothing a client sends gets a server error,
and every answer matches the schema. Deterministic (derandomised) and bounded.

schemathesis calls the app in-process (ASGI) on one event loop of its own, so the app opens its
database there; the world is seeded beforehand through a separate connection that is then closed.
"""

import asyncio
import itertools
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import response_schema_conformance

from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from tests.integration.conftest import START
from tests.support.clock import FrozenClock
from tests.support.databases import PostgresTemplate
from tests.support.factories import TEST_PASSWORD
from tests.support.scenario import World, build_world, request_body

MAX_EXAMPLES = 50
REPORT = Path(__file__).resolve().parents[1] / "browser" / "artefacts" / "api-fuzz.json"
_sent: Counter[str] = Counter()
_copies = itertools.count()


@dataclass(frozen=True)
class FuzzTarget:
    """The loaded schema of an app on its own seeded database, and a bearer token per role."""

    schema: schemathesis.BaseSchema
    tokens: dict[str, str]


async def _seed(url: str) -> World:
    database = Database(url)
    try:
        return await build_world(database)
    finally:
        await database.dispose()


def _call(target: schemathesis.BaseSchema, method: str, path: str, **kwargs: Any) -> Any:
    """One ordinary call through schemathesis's own ASGI client, so it uses the app's loop."""
    response = target[path][method].Case(**kwargs).call()
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


@pytest.fixture(scope="module")
def fuzz_database_url(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    postgres_template: PostgresTemplate | None,
) -> Iterator[str]:
    """One fresh migrated database for the whole file: state builds up across operations."""
    if postgres_template is not None:
        url = postgres_template.copy(f"fuzz{os.getpid()}_{next(_copies)}")
        yield url
        postgres_template.drop(url)
        return
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def fuzz_target(
    fuzz_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzTarget]:
    """The app with a world in it: QA, trainees, conferences, one request asked, one approved."""
    world = asyncio.run(_seed(fuzz_database_url))
    app_settings = Settings(
        database_url=fuzz_database_url,
        base_url="http://testserver",
        dev_mailbox_dir=tmp_path_factory.mktemp("fuzz-mail"),
        dispatch_in_process=False,
        qa_mailbox="qa@council.example",
        mail_from="observers@council.example",
        trainee_email_domains=["council.example"],
        bad_link_limit=10_000,
    )
    app = create_app(app_settings, clock=FrozenClock(START))  # opens its database on first use
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    loaded.config.generation.update(
        modes=list(GenerationMode), max_examples=MAX_EXAMPLES, deterministic=True
    )
    # A second token per role is the one `DELETE /api/v1/auth/token` may end, so that the
    # operations fuzzed after it still run signed in.
    tokens = {
        f"{role}{spare}": _call(
            loaded,
            "POST",
            "/api/v1/auth/token",
            body={"email": email, "password": TEST_PASSWORD},
        )["access_token"]
        for role, email in (("qa", world.qa_email), ("trainee", world.trainee_email))
        for spare in ("", SPARE)
    }
    as_qa = {"Authorization": f"Bearer {tokens['qa']}"}
    as_trainee = {"Authorization": f"Bearer {tokens['trainee']}"}
    asked = _call(
        loaded,
        "POST",
        "/api/v1/observation-requests",
        body=request_body(world.conference_id),
        headers=as_trainee,
    )
    _call(loaded, "POST", "/api/v1/observation-requests/{request_id}/approve",
          path_parameters={"request_id": asked["id"]}, headers=as_qa)  # fmt: skip
    second = _call(
        loaded,
        "POST",
        "/api/v1/conferences",
        headers=as_qa,
        body={
            "reference": "CP-FUZZ-2",
            "kind": "review",
            "starts_at": "2027-01-11T10:00:00+00:00",
            "duration_minutes": 60,
            "venue": "Room 4, Civic Centre",
            "open_to_observers": True,
        },
    )
    _call(
        loaded,
        "POST",
        "/api/v1/conferences/{conference_id}/family-members",
        path_parameters={"conference_id": second["id"]},
        headers=as_qa,
        body={"name": "Robin Fuzz", "relationship": "Carer", "email": "robin@family.example",
              "is_child": False, "has_parental_responsibility": True},
    )  # fmt: skip
    _call(loaded, "POST", "/api/v1/observation-requests", headers=as_trainee,
          body=request_body(second["id"]))  # fmt: skip
    yield FuzzTarget(schema=loaded, tokens=tokens)
    shutdown_lifespans()  # the app closes its database connections
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"max_examples": MAX_EXAMPLES, "cases_sent": dict(_sent)}))


class _CaseCount:
    """Prints how many cases were sent, for the issue note."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if _sent:
            terminalreporter.section("API fuzzing (schemathesis)")
            terminalreporter.write_line(
                f"{sum(_sent.values())} cases sent to {len(OPERATIONS)} operations "
                f"({', '.join(f'{n} as {role}' for role, n in sorted(_sent.items()))}), "
                f"at most {MAX_EXAMPLES} per operation and role"
            )


@pytest.fixture(scope="module", autouse=True)
def case_count(request: pytest.FixtureRequest) -> None:
    """Register the printout once."""
    if not request.config.pluginmanager.has_plugin("api-fuzz-count"):
        request.config.pluginmanager.register(_CaseCount(), "api-fuzz-count")


def _operations() -> list[tuple[str, str]]:
    # Read at collection time from an app that never opens its database.
    offline = create_app(
        Settings(
            database_url="sqlite+aiosqlite:////nonexistent/never-opened.db",
            dispatch_in_process=False,
        )
    )
    paths: dict[str, dict[str, Any]] = offline.openapi()["paths"]
    return [(method.upper(), path) for path, methods in paths.items() for method in methods]


OPERATIONS = _operations()
SPARE = "-spare"


# schemathesis's own pytest loader (`schemathesis.pytest.from_fixture`) breaks on pytest 9 (it
# sets `request.node._nodeid`), so each operation runs through Hypothesis here directly.
@pytest.mark.parametrize("role", ["qa", "trainee"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_api_call_gets_a_server_error_or_an_answer_outside_its_schema(
    fuzz_target: FuzzTarget, method: str, path: str, role: str
) -> None:
    operation = fuzz_target.schema[path][method]
    cases = st.one_of([operation.as_strategy(mode) for mode in GenerationMode])
    ends_its_token = (method, path) == ("DELETE", "/api/v1/auth/token")
    token = fuzz_target.tokens[f"{role}{SPARE}" if ends_its_token else role]
    authorization = {"Authorization": f"Bearer {token}"}

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=authorization)
        _sent[role] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    send()
