"""A coordinator's preview of a scenario version, played as one role (or every role) before it is published.

Nothing is stored: the page's address holds the moves made so far, and each request replays them through
the same self-paced play as a real run (player_decides, player_continues), with a record kept in memory.
So a draft plays in its preview exactly as an officer playing alone will play it once published.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from drillhub.errors import Conflict, Forbidden
from drillhub.exercises.service import (
    Played,
    RehearsalRecord,
    player_continues,
    player_decides,
    roles_to_play,
    time_runs_out,
)
from drillhub.exercises.tables import Run
from drillhub.scenarios import engine
from drillhub.scenarios.engine import EngineError
from drillhub.scenarios.service import compiled_text
from drillhub.scenarios.tables import ScenarioVersion

CONTINUE = "continue"  # the move past a scene where none of the player's roles decides; else "role:choice"
TIME_OUT = "time-out"  # the decision's time limit runs out: what a real run does when nobody decides in time


@dataclass
class Rehearsal:
    played: Played
    moves: list[str]  # the moves replayed, in order
    refused: str = ""  # why the move after them was not played


def moves_of(text: str) -> list[str]:
    return [move for move in text.split(".") if move]


async def rehearsed(version: ScenarioVersion, role: str, moves: list[str], person_id: int) -> Rehearsal:
    """The version played by this person as `role` ("all": every role), through `moves`; stopped at the
    first move that play refuses (a stale or edited address), saying why."""
    compiled = compiled_text(version.source_text)
    roles = roles_to_play(compiled, role)
    now = datetime.now(UTC)
    played = Played(run=Run(scenario=version.id, mode=Run.Mode.self_paced, status=Run.Status.running),
                    compiled=compiled, state=engine.start(compiled), step=0, node_started_at=now, last_seq=0,
                    roles_of={person_id: roles}, agency_of={person_id: None})
    record = RehearsalRecord(played)
    await record.start(person=person_id, data={"roles": roles})
    await record.close()
    kept = moves[:4 * len(roles) * (len(compiled.nodes) + 1)]  # the simulator's longest run: enough for loops
    for index, move in enumerate(kept):
        try:
            if played.state.ended:
                raise Conflict("the run has ended.")
            if move == CONTINUE:
                await player_continues(played, record, person_id)
            elif move == TIME_OUT:
                decision = engine.current_decision(compiled, played.state)
                if decision is None or decision.time_limit is None:
                    raise Conflict("this scene has no time limit.")
                await time_runs_out(played, record)
            else:
                held, _, choice = move.partition(":")
                await player_decides(played, record, held, choice, "", person_id)
        except (Conflict, Forbidden) as refused:
            return Rehearsal(played, moves[:index], refused.message)
        except EngineError as refused:
            return Rehearsal(played, moves[:index], str(refused))
        await record.close()
    return Rehearsal(played, kept)
