"""Seconds of CPU work (a whole session's certificates, say) in a worker process that only uses idle CPU.

A thread would not do for work this long: it holds the GIL for most of the time, so the worker's event
loop, and every request it serves, would wait in turn. A process runs beside the loop, and with Linux's
SCHED_IDLE policy it gets a core only when no request wants it. anyio keeps the processes for reuse (per
uvicorn worker, one per core at most) and ends them when idle.
"""

import os
from collections.abc import Callable
from typing import TypeVar

import anyio.to_process

T = TypeVar("T")


async def in_background_process(work: Callable[..., T], *args) -> T:
    """`work(*args)` in a worker process at idle priority; `work` and its arguments must pickle (a
    module-level function and plain data)."""
    return await anyio.to_process.run_sync(_when_idle, work, *args)


def _when_idle(work: Callable[..., T], *args) -> T:
    # the worker process's own priority: it only ever runs batch work
    if hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    else:  # not Linux (a developer's Mac): the lowest ordinary priority
        os.setpriority(os.PRIO_PROCESS, 0, 19)
    return work(*args)
