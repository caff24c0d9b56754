"""Keeping the garbage collector's full passes short while the service runs.

A started service holds some 200,000 objects that live as long as its process: modules, routes,
templates, translation catalogues, the database's metadata. Python's full collection walks
every one of them each time it runs, and it runs every few hundred requests. Measured in the
service under `make bench`, each pass took 110 to 135 ms, and every request in flight waited.
Moved out of the collector's sight once started, the objects are still freed when nothing
refers to them; a full pass then walks only what serving made since.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def startup_objects_left_out_of_collections() -> Iterator[None]:
    """While the service runs, its full collections skip what starting it made."""
    # Collected first, so no garbage made while starting is kept for good.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        # Given back when the app stops, so a process that starts many (the tests) frees them.
        gc.unfreeze()
