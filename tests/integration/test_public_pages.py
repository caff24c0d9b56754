"""The accessibility statement, privacy notice and cookies page, the footer that links to them,
and "Exit this page" on the family's pages."""

import ast
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from service.auth import SESSION_COOKIE
from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from service.web.http.csrf import CSRF_COOKIE
from service.web.pages.family.language_choice import LANGUAGE_COOKIE_PREFIX
from service.web.pages.staff.council_sign_in import FLOW_COOKIE
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import build_world
from tests.support.web import sign_in

SERVICE = Path(__file__).resolve().parents[2] / "service"
PUBLIC_PAGES = ["/accessibility", "/privacy", "/cookies"]
EXIT_URL = "https://www.example.org/weather-today"
# Every set_cookie in service/, by its first argument as written, and the name it sets.
COOKIES_SET_IN_CODE = {
    "CSRF_COOKIE": CSRF_COOKIE,
    "SESSION_COOKIE": SESSION_COOKIE,
    "FLOW_COOKIE": FLOW_COOKIE,
    "_cookie_name(invitation_id)": f"{LANGUAGE_COOKIE_PREFIX}<number>",
}


@pytest.fixture
async def council(
    settings: Settings, database: Database, clock: FrozenClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The service as a council has set it up, pages and all."""
    configured = settings.model_copy(
        update={
            "organisation_name": "Bryncoed County Council",
            "accessibility_contact_email": "access@bryncoed.example",
            "accessibility_last_checked": date(2026, 10, 5),
            "data_protection_officer_email": "dpo@bryncoed.example",
            "mail_body_retention_days": 45,
            "exit_page_url": EXIT_URL,
        }
    )
    app = create_app(configured, database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _exit_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"[^>]*govuk-exit-this-page__button', html)


def _footer(html: str) -> str:
    return html[html.index('<footer class="govuk-template__footer">') :]


async def _consent_path(client: httpx.AsyncClient, database: Database, settings: Settings) -> str:
    request_id = await approved_request(client, await build_world(database))
    return next(iter((await consent_paths(database, settings, request_id)).values()))


async def test_the_accessibility_statement_is_filled_from_the_settings(
    council: httpx.AsyncClient,
) -> None:
    page = await council.get("/accessibility")
    assert page.status_code == 200
    assert "<title>Accessibility statement – Observer requests</title>" in page.text
    for shown in [
        "Bryncoed County Council runs it",
        'href="mailto:access@bryncoed.example"',
        "01234 567890",
        "Bryncoed County Council last checked the service on Monday 5 October 2026.",
        "WCAG 2.2 level A and AA",
        "axe-core",
        "JavaScript on and with it off",
        "What we have not checked yet",
        "tested it with screen readers",
        "Equality Advisory and Support Service",
    ]:
        assert shown in page.text, shown


async def test_without_a_date_the_statement_says_the_council_has_not_checked_it_yet(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    page = await client.get("/accessibility")
    assert "Example Council has not yet checked the service itself." in page.text
    # Without an accessibility contact of its own, people are sent to the QA Service.
    assert f'href="mailto:{settings.qa_mailbox}"' in page.text


async def test_the_privacy_notice_names_the_controller_the_law_the_retention_and_the_ico(
    council: httpx.AsyncClient,
) -> None:
    page = await council.get("/privacy")
    assert page.status_code == 200
    for shown in [
        "Bryncoed County Council is responsible for it",
        "data controller",
        'href="mailto:dpo@bryncoed.example"',
        "Article 6(1)(e)",
        "Article 9(2)(g)",
        "Article 9(2)(h)",
        "Data Protection Act 2018, Schedule 1, paragraph 18",
        "deleted 45 days after the meeting",
        "This service never shows them your name, your contact details or your answer.",
        "subject access request",
        "https://ico.org.uk/make-a-complaint/",
        "0303 123 1113",
    ]:
        assert shown in page.text, shown
    # GOV.UK Notify is named only where the council sends through it.
    assert "GOV.UK Notify" not in page.text


async def test_the_privacy_notice_names_gov_uk_notify_when_it_sends_for_the_council(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    texting = settings.model_copy(
        update={
            "notify_api_key": "key",
            "notify_sms_template_id": "template",
            "notify_callback_token": "token",
        }
    )
    transport = httpx.ASGITransport(app=create_app(texting, database, clock=clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/privacy")
    assert "GOV.UK Notify, run by the government, sends our texts and letters" in page.text


def _cookies_set_in_code() -> set[str]:
    found = set()
    for source in SERVICE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "set_cookie"
            ):
                first = node.args[0] if node.args else node.keywords[0].value
                found.add(ast.unparse(first))
    return found


async def test_the_cookies_page_lists_every_cookie_the_code_sets(
    client: httpx.AsyncClient,
) -> None:
    assert _cookies_set_in_code() == set(COOKIES_SET_IN_CODE), (
        "a cookie was added or renamed: list it on the cookies page and in COOKIES_SET_IN_CODE"
    )
    page = await client.get("/cookies")
    assert page.status_code == 200
    for name in COOKIES_SET_IN_CODE.values():
        assert f"<code>{name.replace('<', '&lt;').replace('>', '&gt;')}</code>" in page.text
    for lasts in ["After 180 days", "after 8 hours at most", "or after 10 minutes"]:
        assert lasts in page.text, lasts
    assert "so we do not ask you to accept them" in page.text
    assert "cookie-banner" not in page.text


async def test_every_cookie_a_family_member_and_staff_are_given_is_on_the_cookies_page(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    given: set[str] = set()
    client.event_hooks["response"] = [
        lambda response: _collect(response, given)  # type: ignore[list-item]
    ]
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    await client.get(f"{path}?lang=cy")
    await answer(client, path, "yes")
    assert {SESSION_COOKIE, CSRF_COOKIE} <= given
    assert any(name.startswith(LANGUAGE_COOKIE_PREFIX) for name in given)
    listed = (await client.get("/cookies")).text
    for name in given:
        shown = re.sub(r"\d+$", "&lt;number&gt;", name)
        assert f"<code>{shown}</code>" in listed, name


async def _collect(response: httpx.Response, names: set[str]) -> None:
    for header in response.headers.get_list("set-cookie"):
        names.add(header.split("=", 1)[0])


async def test_every_page_links_to_the_three_pages_in_its_footer(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = await _consent_path(client, database, settings)
    family_page = await client.get(path)
    await sign_in(client, (await build_world(database)).qa_email)
    staff_page = await client.get("/qa")
    sign_in_page = await client.get("/sign-in")
    for page in (family_page, staff_page, sign_in_page):
        assert page.status_code == 200
        footer = _footer(page.text)
        assert 'href="/accessibility">Accessibility statement</a>' in footer
        assert 'href="/privacy">Privacy notice</a>' in footer
        assert 'href="/cookies">Cookies</a>' in footer
    # A Welsh page's footer opens the pages in Welsh, and carries nothing else.
    welsh = _footer((await client.get(f"{path}?lang=cy")).text)
    assert 'href="/accessibility?lang=cy">Datganiad hygyrchedd</a>' in welsh
    assert 'href="/privacy?lang=cy">Hysbysiad preifatrwydd</a>' in welsh
    assert 'href="/cookies?lang=cy">Cwcis</a>' in welsh


async def test_the_pages_open_in_welsh_when_asked(client: httpx.AsyncClient) -> None:
    for path, heading in [
        ("/accessibility", "Datganiad hygyrchedd"),
        ("/privacy", "Hysbysiad preifatrwydd"),
        ("/cookies", "Cwcis"),
    ]:
        page = await client.get(f"{path}?lang=cy")
        assert page.status_code == 200
        assert '<html lang="cy"' in page.text
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page.text
        assert 'href="?lang=en"' in page.text
    assert "Gadael y dudalen hon" in (await client.get("/privacy?lang=cy")).text


async def test_exit_this_page_is_on_the_family_pages_and_leads_to_the_setting(
    council: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = await _consent_path(council, database, settings)
    nothing_chosen = await answer(council, path, "")
    saved = await answer(council, path, "yes")
    pages = {
        "consent": await council.get(path),
        "nothing chosen": nothing_chosen,
        "answer saved": await council.get(saved.headers.get("location", path)),
        "bad link": await council.get("/consent/not-a-real-link"),
        "bad short link": await council.get("/a/AAAA-BBBB-CCCC"),
        **{public: await council.get(public) for public in PUBLIC_PAGES},
    }
    for name, page in pages.items():
        assert _exit_links(page.text) == [EXIT_URL], name
        assert 'rel="nofollow noreferrer"' in page.text, name
        assert 'data-module="govuk-exit-this-page"' in page.text, name
    assert "There is a problem" in nothing_chosen.text
    assert "Your answer is saved" in pages["answer saved"].text
    # The consent page still passes nothing on, to the exit page or anywhere else.
    assert pages["consent"].headers["referrer-policy"] == "no-referrer"


async def test_staff_pages_have_no_exit_this_page(
    council: httpx.AsyncClient, database: Database
) -> None:
    sign_in_page = await council.get("/sign-in")
    await sign_in(council, (await build_world(database)).qa_email)
    for page in (sign_in_page, await council.get("/qa"), await council.get("/qa/conferences")):
        assert page.status_code == 200
        assert "govuk-exit-this-page" not in page.text
        assert EXIT_URL not in page.text


def test_the_exit_page_must_be_a_web_address() -> None:
    with pytest.raises(ValidationError, match="CPC_EXIT_PAGE_URL"):
        Settings(exit_page_url="javascript:alert(1)")
    assert Settings(exit_page_url="https://www.example.org/").exit_page_url
