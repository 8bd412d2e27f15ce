import os

from drillhub.offload import in_background_process


async def test_background_work_runs_in_another_process_only_when_a_core_is_idle():
    assert await in_background_process(os.getpid) != os.getpid()
    assert await in_background_process(os.sched_getscheduler, 0) == os.SCHED_IDLE
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the server itself keeps its priority
