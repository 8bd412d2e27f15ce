"""Pausing Python's cycle collector around work that builds many short-lived objects and no cycles.

Reading a large scenario and playing it through create hundreds of thousands of dicts, tuples and
states; each few thousand of them set off a collection that finds nothing to free. Pausing it makes the
checker and the simulator about a quarter faster (docs/performance.md); memory is still freed by
reference counting, and whatever cycles there are are collected when it resumes. The pause is the
whole process's: in the web server, other requests' cycles wait too, for the half second a check takes.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
