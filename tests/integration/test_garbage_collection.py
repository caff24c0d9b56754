"""A running service leaves what starting it made out of the collector's full passes."""

import gc
import weakref

import httpx

from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app


class _Cycle:
    """Garbage only the collector can free: it refers to itself."""

    def __init__(self) -> None:
        self.itself = self


def _tracked(candidate: object) -> bool:
    # The collector's generations, without the frozen objects it leaves out of every pass.
    return any(tracked is candidate for tracked in gc.get_objects())


async def test_startup_objects_are_left_out_while_the_service_runs(
    settings: Settings, database: Database
) -> None:
    app = create_app(settings, database)
    garbage = _Cycle()
    gone = weakref.ref(garbage)
    del garbage
    assert _tracked(app.router)
    async with app.router.lifespan_context(app):
        assert gone() is None, "garbage made while starting is collected, not kept for good"
        assert not _tracked(app.router)
        assert gc.get_freeze_count() > 0
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/healthz")).status_code == 200
    assert gc.get_freeze_count() == 0
    assert _tracked(app.router), "given back to the collector once the service stops"
