"""QA sees whether the audit chain holds, from the same walk as `cpc-observers verify-audit`."""

from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from service import audit
from service.audit import AuditCheck, append_audit
from service.record.audit_watch import AuditChainWatch
from service.store.database import Database
from service.store.tables import AuditEntry
from tests.integration.test_audit_log import _tamper
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request
from tests.support.factories import NOW
from tests.support.scenario import build_world
from tests.support.web import form_post, sign_in


async def test_the_request_page_says_the_record_holds(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert (
        "The audit record was checked at 10:00am: its 5 entries up to then are unaltered." in page
    )
    assert "being checked now" not in page


async def _entries(database: Database) -> int:
    async with database.read_session() as session:
        return len((await session.scalars(select(AuditEntry))).all())


async def test_a_page_showing_newer_entries_than_the_last_check_checks_them_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    page = f"/qa/requests/{request_id}"
    assert "its 5 entries up to then are unaltered" in (await client.get(page)).text
    # Within the minute the last check is kept for, the request gains entries of its own.
    withdrawn = await form_post(client, f"{page}/withdraw", f"{page}/withdraw", {})
    assert withdrawn.status_code == 303
    now_held = await _entries(database)
    assert now_held > 5
    after = (await client.get(page)).text
    assert f"its {now_held} entries up to then are unaltered" in after
    assert "being checked now" not in after


async def test_entries_the_last_check_did_not_reach_are_named_not_vouched_for(
    app: FastAPI, client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    # A walk that has not finished by the time the page is written.
    watch = AuditChainWatch(database.read_session, clock=clock, first_wait_seconds=0.0)
    app.state.audit_chain_watch = watch
    await watch.state()
    while watch._walk is not None:
        await watch._walk
    await sign_in(client, world.qa_email)
    page = f"/qa/requests/{request_id}"
    await form_post(client, f"{page}/withdraw", f"{page}/withdraw", {})
    newest = await _entries(database)
    shown = (await client.get(page)).text
    assert "its 5 entries up to then are unaltered" in shown
    assert f"record entry {newest}" in shown
    assert f"Entry {newest} of this request&#39;s record was written since and is" in shown
    assert "being checked now: reload the page in a moment to see the result." in shown
    while watch._walk is not None:
        await watch._walk
    reloaded = (await client.get(page)).text
    assert f"its {newest} entries up to then are unaltered" in reloaded
    assert "being checked now" not in reloaded


async def test_the_request_page_names_the_first_altered_entry(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await _tamper(database, "UPDATE audit_entry SET actor_id = '99' WHERE id = 2")
    await sign_in(client, world.qa_email)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert "The audit record has been altered: entry 2 was changed after it was written." in page
    assert "That entry is part of this request&#39;s record." in page
    copy = (await client.get(f"/qa/requests/{request_id}/record")).text
    assert "The audit record has been altered: entry 2" in copy


class _Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _add_entry(database: Database) -> None:
    async with database.write_session() as session:
        await append_audit(session, now=NOW, actor_kind="system", actor_id=None, action="step")
        await session.commit()


async def test_the_chain_is_walked_again_only_once_the_last_walk_is_a_minute_old(
    database: Database,
) -> None:
    ticks, clock = _Ticks(), FrozenClock(NOW)
    watch = AuditChainWatch(database.read_session, clock=clock, monotonic=ticks)
    await _add_entry(database)
    first = await watch.state()
    assert first.check is not None and first.check.entries_checked == 1
    await _add_entry(database)
    ticks.now = 59.0
    assert await watch.state() is first
    ticks.now = 61.0
    assert await watch.state() is first  # the stale result, while a fresh walk runs behind it
    while watch._walk is not None:
        await watch._walk
    fresh = await watch.state()
    assert fresh.check is not None and fresh.check.entries_checked == 2


async def test_the_first_view_does_not_wait_long_for_a_slow_walk(database: Database) -> None:
    watch = AuditChainWatch(
        database.read_session,
        clock=FrozenClock(NOW),
        first_wait_seconds=0.0,
    )
    state = await watch.state()
    assert state.check is None and state.checked_at is None
    while watch._walk is not None:
        await watch._walk
    assert (await watch.state()).checked_at == datetime.fromisoformat(NOW.isoformat())


async def _walk_again(watch: AuditChainWatch, ticks: _Ticks) -> AuditCheck:
    ticks.now += 61.0
    await watch.state()
    while watch._walk is not None:
        await watch._walk
    check = (await watch.state()).check
    assert check is not None
    return check


async def test_each_walk_carries_on_from_the_last_and_still_sees_its_last_entry_change(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = _Ticks()
    watch = AuditChainWatch(database.read_session, clock=FrozenClock(NOW), monotonic=ticks)
    for _ in range(3):
        await _add_entry(database)
    assert (await _walk_again(watch, ticks)).entries_checked == 3
    hashed: list[int] = []
    real_hash = audit.compute_entry_hash

    def counting(entry: AuditEntry, key: bytes) -> str:
        hashed.append(entry.id or 0)
        return real_hash(entry, key)

    await _add_entry(database)
    await _add_entry(database)
    monkeypatch.setattr(audit, "compute_entry_hash", counting)
    again = await _walk_again(watch, ticks)
    assert (again.holds, again.entries_checked) == (True, 5)
    assert hashed == [3, 4, 5], "the last entry seen, then only the entries added since"
    await _tamper(database, "UPDATE audit_entry SET actor_id = '99' WHERE id = 5")
    broken = await _walk_again(watch, ticks)
    assert not broken.holds and broken.first_altered_id == 5
