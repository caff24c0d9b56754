"""The HTTP scenarios: the consent page, recording an answer, and QA's request list.

Both apps run at once, each in its own uvicorn process (one worker, uvloop, httptools); the
load goes to one at a time, so the idle one costs nothing. The client runs in this process.
"""

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from service.links import make_consent_token
from service.settings import Environment, Settings
from service.store.migrate import upgrade_database
from service.web.http.csrf import masked
from tests.perf.comparing import (
    ARRIVAL_SECONDS,
    ARRIVALS_PER_SECOND,
    Pair,
    Side,
    compare,
    measure,
)
from tests.perf.load import encode_request, run_load
from tests.perf.phone import measure_family_page
from tests.perf.seed import Seeded, seed_service
from tests.perf.servers import HOST, Server, uvicorn_app

SECRET_KEY = "benchmark-secret-key-" + "x" * 40
AUDIT_KEY = "benchmark-audit-key-" + "y" * 40
_INFORMATION = re.compile(r"<!-- information:start -->(.*?)<!-- information:end -->", re.S)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class HttpPlan:
    """How much data and how many requests."""

    finished: int = 100_000
    open_requests: int = 1_000
    page_requests: int = 5_000
    answer_requests: int = 2_000
    list_requests: int = 1_000
    single_client_requests: int = 100
    warm_up: int = 200
    # No run goes on past this, so `make bench` keeps to its few minutes however slow a page is.
    budget_seconds: float = 6.0


def service_settings(database_url: str) -> Settings:
    """The settings the service process runs with (and signs links with)."""
    return Settings(
        env=Environment.PRODUCTION,
        secret_key=SECRET_KEY,
        audit_key=AUDIT_KEY,
        database_url=database_url,
        dispatch_in_process=False,
        # The QA officer signs in with a password alone: the lists are what is measured.
        require_mfa=False,
    )


def service_env(settings: Settings) -> dict[str, str]:
    """The same settings as CPC_ variables for the service process."""
    return {
        "CPC_ENV": settings.env.value,
        "CPC_SECRET_KEY": settings.secret_key,
        "CPC_AUDIT_KEY": settings.audit_key,
        "CPC_DATABASE_URL": settings.database_url,
        # Measured on its own (mail_bench); here it would compete with the pages for the core.
        "CPC_DISPATCH_IN_PROCESS": "false",
        "CPC_REQUIRE_MFA": "false",
    }


def _cookies(response: httpx.Response) -> dict[str, str]:
    # Production cookies are Secure, so a cookie jar would not send them back over plain http.
    return {name: value for name, value in response.cookies.items()}


async def sign_in_qa(client: httpx.AsyncClient, seeded: Seeded) -> dict[str, str]:
    """The QA officer's cookies after signing in through the real form."""
    page = await client.get("/sign-in")
    cookies = _cookies(page)
    csrf = _CSRF.search(page.text)
    assert csrf, "the sign-in page has no CSRF field"
    signed_in = await client.post(
        "/sign-in",
        data={"email": seeded.qa_email, "password": seeded.qa_password, "csrf_token": csrf[1]},
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    assert signed_in.status_code == 303, signed_in.text[:500]
    return {**cookies, **_cookies(signed_in)}


def information_sha256(html: str) -> str:
    """The fingerprint of the information block, as the form sends it back."""
    match = _INFORMATION.search(html)
    assert match, "the consent page has no information block"
    return hashlib.sha256(match.group(1).encode("utf-8")).hexdigest()


async def run_http_round(
    *, database_url: str, bare_write_url: str, workdir: Path, plan: HttpPlan, log: Any
) -> tuple[list[Pair], dict[str, Any]]:
    """Seed one database, start the service and the bare app on it, run every HTTP scenario;
    then a family's first visit on a slow phone network."""
    now = datetime.now(UTC)
    log(f"  migrating and seeding {plan.finished:,} finished, {plan.open_requests:,} open")
    await asyncio.to_thread(upgrade_database, database_url)
    arrivals = round(ARRIVALS_PER_SECOND * ARRIVAL_SECONDS)
    # Answers for the service and, separately, for the same-work floor.
    answerable = max(plan.page_requests, 2 * (plan.answer_requests + plan.warm_up + arrivals))
    seeded = await seed_service(
        database_url,
        finished=plan.finished,
        open_requests=plan.open_requests,
        answerable=answerable,
        now=now,
    )
    settings = service_settings(database_url)
    with uvicorn_app(
        "service.web.app:create_app", env=service_env(settings), log=workdir / "service.log"
    ) as service:
        base = f"http://{HOST}:{service.port}"
        host = f"{HOST}:{service.port}"

        def link(invitation: tuple[int, str]) -> str:
            token = make_consent_token(settings, invitation_id=invitation[0], nonce=invitation[1])
            return f"/consent/{token}"

        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            qa_cookies = await sign_in_qa(client, seeded)
            sample = await client.get(link(seeded.page_invitations[0]))
            assert sample.status_code == 200, sample.text[:500]
            text_sha256 = information_sha256(sample.text)
            qa_page = await client.get("/qa", headers=_cookie_header(qa_cookies))
            assert qa_page.status_code == 200, qa_page.text[:500]
            assert "Next page" in qa_page.text, "the list should fill more than one page"
        page_bytes, list_bytes = len(sample.content), len(qa_page.content)
        bare_env = {
            "BARE_WRITE_URL": bare_write_url,
            "BARE_LIST_URL": database_url,
            "BARE_PAGE_BYTES": str(page_bytes),
            "BARE_LIST_BYTES": str(list_bytes),
        }
        with (
            uvicorn_app(
                "tests.perf.bare_app:create_bare_app", env=bare_env, log=workdir / "bare.log"
            ) as bare,
            uvicorn_app(
                "tests.perf.same_work_app:create_same_work_app",
                env=service_env(settings),
                log=workdir / "same_work.log",
            ) as same,
        ):
            bare_host, same_host = f"{HOST}:{bare.port}", f"{HOST}:{same.port}"
            async with httpx.AsyncClient(base_url=f"http://{bare_host}", timeout=30) as client:
                bare_page_bytes = len((await client.get("/page/x")).content)
                bare_list_bytes = len((await client.get("/list")).content)
            async with httpx.AsyncClient(base_url=f"http://{same_host}", timeout=30) as client:
                same_page = await client.get(link(seeded.page_invitations[0]))
                assert same_page.status_code == 200, same_page.text[:500]
                assert information_sha256(same_page.text) == text_sha256, "not the same page"
                same_list = await client.get("/qa", headers=_cookie_header(qa_cookies))
                assert same_list.status_code == 200, same_list.text[:500]
                assert same_list.text.count("<tr") == qa_page.text.count("<tr"), "not the same list"
            sizes = {
                "service_bytes": page_bytes,
                "bare_bytes": bare_page_bytes,
                "same_work_bytes": len(same_page.content),
            }
            pairs = []
            log("  consent page")
            invitations = seeded.page_invitations
            paths = [link(invitations[i % len(invitations)]) for i in range(plan.page_requests)]
            pages = [encode_request("GET", path, host=host) for path in paths]
            bare_pages = [
                encode_request("GET", "/page/" + path.split("/")[-1], host=bare_host)
                for path in paths
            ]
            same_pages = [encode_request("GET", path, host=same_host) for path in paths]
            warm = slice(None, plan.warm_up)
            pairs.append(
                await compare(
                    "consent page",
                    Side(service, pages, pages[warm]),
                    Side(bare, bare_pages, bare_pages[warm]),
                    same_work=Side(same, same_pages, same_pages[warm]),
                    budget=plan.budget_seconds,
                    extra=sizes,
                )
            )

            csrf = secrets.token_urlsafe(24)
            log("  consent page, one client, alone and beside four sign-ins")
            pairs[-1].extra["beside_sign_ins"] = await _beside_sign_ins(
                service, pages, host=host, csrf=csrf, seeded=seeded, plan=plan
            )

            log("  answer POST")

            def answer(target: str, path: str) -> bytes:
                return encode_request(
                    "POST",
                    path,
                    host=target,
                    cookies={"cpc_csrf": csrf},
                    form={
                        "csrf_token": masked(csrf),
                        "text_sha256": text_sha256,
                        "decision": "yes",
                        "comment": "",
                    },
                )

            # Each answer can be given once: the service and the same-work floor, which both
            # record real answers, get their own people, in turn warm-up, timed and steady.
            per_app = plan.warm_up + plan.answer_requests + arrivals
            answering = seeded.answer_invitations
            ours, theirs = answering[:per_app], answering[per_app : 2 * per_app]
            posts = [answer(host, link(i)) for i in ours]
            bare_posts = [answer(bare_host, "/insert/" + link(i).split("/")[-1]) for i in ours]
            same_posts = [answer(same_host, link(i)) for i in theirs]
            timed = slice(plan.warm_up, plan.warm_up + plan.answer_requests)
            steady = slice(timed.stop, None)

            def side(server: Server, requests: list[bytes]) -> Side:
                return Side(server, requests[timed], requests[warm], requests[steady])

            pairs.append(
                await compare(
                    "answer POST",
                    side(service, posts),
                    side(bare, bare_posts),
                    same_work=side(same, same_posts),
                    budget=plan.budget_seconds,
                )
            )

            for status in ("submitted", "finished"):
                log(f"  QA request list ({status})")
                lists = [
                    encode_request("GET", f"/qa?status={status}", host=host, cookies=qa_cookies)
                ] * plan.list_requests
                bare_lists = [
                    encode_request("GET", f"/list?status={status}", host=bare_host)
                ] * plan.list_requests
                same_lists = [
                    encode_request(
                        "GET", f"/qa?status={status}", host=same_host, cookies=qa_cookies
                    )
                ] * plan.list_requests
                pair = await compare(
                    f"QA list ({status})",
                    Side(service, lists, lists[:50]),
                    Side(bare, bare_lists, bare_lists[:50]),
                    same_work=Side(same, same_lists, same_lists[:50]),
                    budget=plan.budget_seconds,
                    extra={"service_bytes": list_bytes, "bare_bytes": bare_list_bytes},
                )
                one = plan.single_client_requests
                budget = plan.budget_seconds / 3
                single = await measure(service, lists[:one], concurrency=1, budget_seconds=budget)
                bare_single = await measure(
                    bare, bare_lists[:one], concurrency=1, budget_seconds=budget
                )
                pair.extra["one_client"] = {
                    "service": single.summary(),
                    "bare": bare_single.summary(),
                }
                pairs.append(pair)
        log("  a family's first visit on Slow 3G")
        family_page = await measure_family_page(base + link(seeded.page_invitations[-1]))
    return pairs, family_page


async def _beside_sign_ins(
    service: Server,
    pages: list[bytes],
    *,
    host: str,
    csrf: str,
    seeded: Seeded,
    plan: HttpPlan,
) -> dict[str, Any]:
    """A family's consent page, one at a time, alone and while four people sign in at once.

    Each sign-in checks an argon2 hash (a large fraction of a second of CPU, on purpose); the
    page should not wait for it.
    """
    one, budget = plan.single_client_requests, plan.budget_seconds / 2
    alone = await measure(service, pages[:one], concurrency=1, budget_seconds=budget)
    sign_in = encode_request(
        "POST",
        "/sign-in",
        host=host,
        cookies={"cpc_csrf": csrf},
        form={"csrf_token": csrf, "email": seeded.qa_email, "password": seeded.qa_password},
    )
    signing_in = asyncio.create_task(
        run_load(HOST, service.port, [sign_in] * 10_000, concurrency=4, budget_seconds=budget + 1)
    )
    await asyncio.sleep(0.5)  # all four are under way
    beside = await measure(service, pages[one : 2 * one], concurrency=1, budget_seconds=budget)
    sign_ins = await signing_in
    assert set(sign_ins.statuses) == {303}, sign_ins.statuses
    return {
        "alone": alone.summary(),
        "beside_four_sign_ins": beside.summary(),
        "sign_ins": sign_ins.summary(),
    }


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
