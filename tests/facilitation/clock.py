from datetime import timedelta

from drillhub.exercises import service
from drillhub.exercises.tables import RunEvent


async def backdate(run_id: int, seconds: int) -> None:
    """As if the current scene had begun `seconds` earlier. Tests only: the record is append-only, which
    is why each process may keep the runs it rebuilt; those must be forgotten too."""
    await RunEvent.update({RunEvent.at: RunEvent.at - timedelta(seconds=seconds)}).where(RunEvent.run == run_id)
    service._REBUILT.clear()
