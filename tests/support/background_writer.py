"""QA recording conferences through the service's use case, from a thread of its own.

Each conference is one transaction: the conference row and its audit entry, chained with the
audit key the command line uses by default. Tests ask for one conference at a time (and wait for
its commit) or for a steady stream until they stop it.
"""

import asyncio
import itertools
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from datetime import timedelta
from typing import TypeVar

from service.store.database import Database
from service.usecases.conferences import record_conference
from tests.support.factories import NOW, make_staff
from tests.support.scenario import build_world

T = TypeVar("T")
_references = itertools.count(1)


class BackgroundWriter:
    """A QA officer recording conferences on one database, from an event loop in a thread."""

    def __init__(self, database_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._database = self._call(self._open(database_url))
        self._qa_id = self._call(self._prepare())
        self._stopping = threading.Event()
        self._stream: Future[None] | None = None
        self.recorded = 0

    def _call(self, work: Coroutine[object, object, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    async def _open(self, database_url: str) -> Database:
        return Database(database_url)

    async def _prepare(self) -> int:
        await build_world(self._database)
        async with self._database.write_session() as session:
            qa = await make_staff(session, role="qa", name="Bea Backup")
            await session.commit()
            assert qa.id is not None
            return qa.id

    async def _record(self) -> None:
        async with self._database.write_session() as session:
            await record_conference(
                session,
                now=NOW,
                qa_user_id=self._qa_id,
                reference=f"CP-BK-{next(_references):06d}",
                kind="initial",
                starts_at=NOW + timedelta(days=28),
                duration_minutes=90,
                venue="Room 3, Civic Centre",
                open_to_observers=True,
            )
        self.recorded += 1

    def record_one(self) -> None:
        """Record one conference and wait until it is committed."""
        self._call(self._record())

    async def _keep_recording(self) -> None:
        while not self._stopping.is_set():
            await self._record()
            await asyncio.sleep(0.002)

    def keep_recording(self) -> None:
        """Record conference after conference until `stop`."""
        self._stream = asyncio.run_coroutine_threadsafe(self._keep_recording(), self._loop)

    def stop(self) -> None:
        """Finish the stream (raising what it raised), close the database and the thread."""
        if self._loop.is_closed():
            return
        self._stopping.set()
        try:
            if self._stream is not None:
                self._stream.result(timeout=60)
        finally:
            self._call(self._database.dispose())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
