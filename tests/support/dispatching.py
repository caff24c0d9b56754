"""Running the service's dispatcher in a test until nothing is left to send."""

from service.dispatching import make_dispatcher
from service.settings import Settings
from service.store.database import Database
from tests.support.clock import FrozenClock


async def deliver_all(settings: Settings, database: Database, clock: FrozenClock) -> None:
    """Send everything due at the clock's time through the transport the settings choose."""
    dispatcher = make_dispatcher(settings, database, clock=clock)
    try:
        while await dispatcher.run_once():
            pass
    finally:
        await dispatcher.close()
