from datetime import timedelta

from drillhub.exercises.tables import Run, RunEvent


async def backdate(run_id: int, seconds: int) -> None:
    """As if the run had begun `seconds` earlier (tests only: the record is append-only). The run's
    created_at moves too, which tells every process that the run it keeps rebuilt is not this one, and
    so does its due_at, which the ticker reads."""
    earlier = timedelta(seconds=seconds)
    await RunEvent.update({RunEvent.at: RunEvent.at - earlier}).where(RunEvent.run == run_id)
    await Run.update({Run.created_at: Run.created_at - earlier}).where(Run.id == run_id)
    await Run.update({Run.due_at: Run.due_at - earlier}).where((Run.id == run_id) & Run.due_at.is_not_null())
