"""Everything a family member reads, in plain words: readability and no unexplained jargon.

The visible text of each family-facing page (inside <main>: no header, footer, scripts or hidden
fields) and of each family email (its plain-text body) is scored with textstat 0.7.3's
Flesch-Kincaid grade. Each heading, paragraph, list item, label or line counts as one sentence,
as it reads; addresses and links are left out, since nobody reads them as words.

Limits: grade 9 for the adult wording, grade 6 for the young person's wording, and grade 6 for text
both read (bad links, closed requests, the answer receipt), because a 13-year-old reads them too.
"""

import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import textstat
import time_machine
from sqlalchemy import select
from sqlmodel import col

from notifications.outbox import OutboxMessage
from service.settings import Settings
from service.store.database import Database
from service.usecases.scheduled_jobs import run_scheduled_jobs
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.factories import NOW
from tests.support.scenario import World, build_world
from tests.support.web import api_token

GRADE_LIMITS = {"adult": 6.0, "young person": 4.0, "both": 4.0, "easy read": 3.0}
REPORT = Path(__file__).resolve().parents[1] / "browser" / "artefacts" / "plain-language.json"
# Acronyms match as written; phrases in any case. None may appear in what a family reads.
JARGON_ACRONYMS = ["CPC", "ICPC", "RCPC", "QA", "IRO", "LADO"]
JARGON_PATTERNS = [
    r"\bs\.?\s?47\b",
    r"\bsection\s+47\b",
    r"\bsafeguarding\s+partners?\b",
    r"\bcore\s+groups?\b",
    r"\bstrategy\s+(discussion|meeting)s?\b",
    r"\bmulti[-\s]?agency\b",
]
_ADDRESSES = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")
_BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "legend", "label", "div", "dt", "dd", "td", "th",
    "button", "caption", "summary", "blockquote",
}  # fmt: skip


@dataclass(frozen=True)
class Scored:
    """One family-facing text and its score."""

    name: str
    reader: str
    grade: float
    sentences: int
    words: int
    text: str


_scores: list[Scored] = []


class _VisibleText(HTMLParser):
    """The text inside <main> (or the whole body when there is none), one unit per block."""

    def __init__(self, *, main_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = 0 if main_only else 1
        self.skipping = 0
        self.units: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside += 1
        if tag in ("script", "style", "template", "noscript", "title"):
            self.skipping += 1
        if tag in _BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "noscript", "title"):
            self.skipping -= 1
        if tag in _BLOCKS:
            self._flush()
        if tag == "main":
            self._flush()
            self.inside -= 1

    def handle_data(self, data: str) -> None:
        if self.inside > 0 and self.skipping == 0:
            self.current.append(data)

    def _flush(self) -> None:
        unit = " ".join(" ".join(self.current).split())
        self.current = []
        if unit:
            self.units.append(unit)


def _as_sentences(units: list[str]) -> str:
    cleaned = [" ".join(_ADDRESSES.sub(" ", unit).split()) for unit in units]
    kept = [unit for unit in cleaned if re.search(r"[A-Za-z]", unit)]
    return " ".join(unit if unit[-1] in ".?!" else f"{unit.rstrip(':')}." for unit in kept)


def page_text(html: str) -> str:
    """The readable text of a page: its <main>, one sentence per block."""
    parser = _VisibleText(main_only=True)
    parser.feed(html)
    parser.close()
    assert parser.units, "the page has no <main> text"
    return _as_sentences(parser.units)


def email_text(body: str) -> str:
    """The readable text of a plain-text email: one sentence per line."""
    lines = [line.strip().removeprefix("- ") for line in body.splitlines()]
    return _as_sentences([line for line in lines if line])


def jargon_in(text: str) -> list[str]:
    """Every unexplained acronym or jargon phrase found in `text`."""
    found = [word for word in JARGON_ACRONYMS if re.search(rf"\b{word}\b", text)]
    found += [m.group(0) for p in JARGON_PATTERNS for m in re.finditer(p, text, re.I)]
    return found


def check_plainly_written(texts: dict[str, tuple[str, str]]) -> None:
    """Score each text (name -> (reader, text)); fail naming every text over its limit."""
    problems = []
    for name, (reader, text) in texts.items():
        grade = float(textstat.flesch_kincaid_grade(text))
        _scores.append(
            Scored(
                name=name,
                reader=reader,
                grade=grade,
                sentences=int(textstat.sentence_count(text)),
                words=int(textstat.lexicon_count(text)),
                text=text,
            )
        )
        if grade > GRADE_LIMITS[reader]:
            problems.append(f"{name}: grade {grade} > {GRADE_LIMITS[reader]} for {reader}\n{text}")
        if jargon := jargon_in(text):
            problems.append(f"{name}: jargon {jargon}\n{text}")
    assert not problems, "\n\n".join(problems)


class _ScoreReport:
    """Prints the scores at the end of the run, for the issue note."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not _scores:
            return
        terminalreporter.section("plain language (Flesch-Kincaid grade, textstat 0.7.3)")
        for score in _scores:
            terminalreporter.write_line(
                f"{score.grade:5.1f}  (limit {GRADE_LIMITS[score.reader]:.0f}, {score.reader}, "
                f"{score.sentences} sentences, {score.words} words)  {score.name}"
            )


@pytest.fixture(scope="module", autouse=True)
def score_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect the scores; print them at the end and keep them beside the browser artefacts."""
    manager = request.config.pluginmanager
    if not manager.has_plugin("plain-language-scores"):
        manager.register(_ScoreReport(), "plain-language-scores")
    yield
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps([asdict(s) for s in _scores], indent=2))


@pytest.fixture
async def world(database: Database) -> AsyncIterator[World]:
    """Two parents and a 13-year-old; the trainee's purpose is written plainly."""
    yield await build_world(database)


async def _links(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> tuple[int, dict[str, str]]:
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    mother, father, daughter = world.family_ids
    return request_id, {"mother": paths[mother], "father": paths[father], "young": paths[daughter]}


async def test_the_consent_pages_read_plainly_for_adults_and_for_young_people(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    _, links = await _links(client, database, settings, world)
    texts = {
        "consent page (adult)": ("adult", page_text((await client.get(links["mother"])).text)),
        "consent page (young person)": (
            "young person",
            page_text((await client.get(links["young"])).text),
        ),
    }
    page = await client.get(links["mother"])
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    sha = re.search(r'name="text_sha256" value="([^"]+)"', page.text)
    assert csrf and sha
    empty = await client.post(
        links["mother"], data={"csrf_token": csrf.group(1), "text_sha256": sha.group(1)}
    )
    assert empty.status_code == 422
    texts["consent page, nothing chosen (adult)"] = ("adult", page_text(empty.text))
    for who, reader in (("mother", "adult"), ("young", "young person")):
        saved = await answer(client, links[who], "yes")
        if saved.status_code == 303:
            saved = await client.get(saved.headers["location"])
        assert "Your answer is saved" in saved.text
        texts[f"answer saved: yes ({reader})"] = (reader, page_text(saved.text))
    check_plainly_written(texts)


async def test_the_pages_after_someone_says_no_read_plainly(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    _, links = await _links(client, database, settings, world)
    said_no = await answer(client, links["father"], "no")
    if said_no.status_code == 303:
        said_no = await client.get(said_no.headers["location"])
    assert "You said no" in said_no.text
    inactive = await client.get(links["young"])
    assert "This request has ended" in inactive.text
    check_plainly_written(
        {
            "you said no": ("both", page_text(said_no.text)),
            "request has ended": ("both", page_text(inactive.text)),
        }
    )


async def test_the_pages_for_links_that_no_longer_work_read_plainly(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    clock: FrozenClock,
    world: World,
) -> None:
    _, links = await _links(client, database, settings, world)
    tampered = links["mother"][:-2] + ("AA" if not links["mother"].endswith("AA") else "BB")
    bad = await client.get(tampered)
    assert bad.status_code == 404
    with time_machine.travel(NOW + timedelta(days=200), tick=False):
        expired = await client.get(links["mother"])
    assert expired.status_code == 410
    too_many = bad
    while too_many.status_code != 429:
        too_many = await client.get(tampered)
    clock.set(NOW + timedelta(days=28, minutes=5))
    started = await client.get(links["young"])
    assert "The meeting has started" in started.text
    check_plainly_written(
        {
            "link does not work": ("both", page_text(bad.text)),
            "link has expired": ("both", page_text(expired.text)),
            "too many tries": ("both", page_text(too_many.text)),
            "meeting has started": ("both", page_text(started.text)),
        }
    )


async def _emails(database: Database, template: str) -> list[OutboxMessage]:
    async with database.read_session() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(col(OutboxMessage.template) == template)
        )
        return list(rows.all())


async def test_the_family_emails_read_plainly(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    _, links = await _links(client, database, settings, world)
    deadline = NOW + timedelta(days=25, hours=7)  # Friday 17:00 before Monday's conference
    await run_scheduled_jobs(database.writer, settings=settings, now=deadline - timedelta(hours=2))
    await answer(client, links["mother"], "yes")
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": (NOW + timedelta(days=30)).isoformat()},
        headers=qa,
    )
    assert moved.status_code == 200, moved.text
    await answer(client, links["father"], "no")
    texts: dict[str, tuple[str, str]] = {}
    for template, reader in (
        ("family_invitation", "adult"),
        ("family_invitation_young_person", "young person"),
        ("family_reminder", "adult"),
        ("family_reminder_young_person", "young person"),
        ("family_answer_receipt", "both"),
        ("family_conference_moved", "both"),
    ):
        messages = await _emails(database, template)
        assert messages, f"no {template} email was sent"
        for number, message in enumerate(messages, start=1):
            assert message.body_text is not None
            name = f"email {template}" + (f" #{number}" if len(messages) > 1 else "")
            texts[name] = (reader, email_text(message.body_text))
            assert not jargon_in(message.subject), message.subject
    check_plainly_written(texts)


async def test_the_easy_read_page_and_emails_read_at_grade_three(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    father = world.family_ids[1]
    chosen = await client.patch(
        f"/api/v1/family-members/{father}", json={"communication_needs": ["easy_read"]}, headers=qa
    )
    assert chosen.status_code == 200, chosen.text
    _, links = await _links(client, database, settings, world)
    page = await client.get(links["father"])
    assert "app-easy-read" in page.text
    deadline = NOW + timedelta(days=25, hours=7)
    await run_scheduled_jobs(database.writer, settings=settings, now=deadline - timedelta(hours=2))
    texts = {"consent page (Easy Read)": ("easy read", page_text(page.text))}
    for template in ("family_invitation_easy_read", "family_reminder_easy_read"):
        (message,) = await _emails(database, template)
        assert message.body_text is not None
        texts[f"email {template}"] = ("easy read", email_text(message.body_text))
        assert not jargon_in(message.subject), message.subject
    check_plainly_written(texts)
