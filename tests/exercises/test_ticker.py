"""Each worker's ticker does a run's timed work when its due_at comes, once, whoever gets there first."""

import asyncio
from datetime import UTC, datetime

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.enrolment.service import enrol_people
from drillhub.exercises.service import load, start_self_paced
from drillhub.exercises.tables import Run, RunEvent
from drillhub.exercises.ticker import tick_due_runs
from drillhub.facilitation.service import assign, facilitator_action, join, open_run, start
from tests.facilitation.clock import backdate


async def due_in(run_id: int) -> float | None:
    due = (await Run.select(Run.due_at).where(Run.id == run_id).first())["due_at"]
    return None if due is None else (due - datetime.now(UTC)).total_seconds()


async def started_run(make_session, make_person) -> tuple[int, Actor]:
    session = await make_session()
    facilitator = await make_person(roles=("facilitator",))
    patrol = await make_person()
    await enrol_people(session.id, [patrol.id], ANONYMOUS)
    as_facilitator = Actor(facilitator.id, facilitator.email)
    run = await open_run(session.id, "bridge-collapse", as_facilitator)
    await join(run.join_code, patrol.id)
    await assign(run.id, patrol.id, "patrol", as_facilitator)
    assert await due_in(run.id) is None  # nothing is timed in the lobby
    await start(run.id, as_facilitator)
    return run.id, as_facilitator


async def test_injects_and_time_limits_are_done_when_due_once_by_whichever_ticker(bridge, make_session, make_person):
    run_id, as_facilitator = await started_run(make_session, make_person)
    assert 28 < await due_in(run_id) <= 30  # the first inject at +0:30
    assert await tick_due_runs() == 0
    await backdate(run_id, 35)
    await asyncio.gather(tick_due_runs(), tick_due_runs())  # two workers at once
    injects = [e["data"]["inject"] for e in (await load(run_id)).events if e["kind"] == "inject"]
    assert injects == ["first-call"]
    assert 80 < await due_in(run_id) <= 85  # the next, at +2:00
    await facilitator_action(run_id, "pause", as_facilitator)
    assert await due_in(run_id) is None  # a paused clock has nothing due
    await facilitator_action(run_id, "resume", as_facilitator)
    await backdate(run_id, 3 * 60)
    await tick_due_runs()
    played = await load(run_id)
    assert played.step == 1 and played.state.node == "chaos"  # the 3:00 limit ran out: the defaults were taken
    assert await RunEvent.count().where((RunEvent.run == run_id) & (RunEvent.kind == "timeout")) == 1
    assert await due_in(run_id) is None  # chaos has no time limit and no injects


async def test_a_timed_decision_alone_runs_out_without_the_page_open(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "patrol", Actor(player.id, player.email))
    assert 175 < await due_in(run.id) <= 180
    await backdate(run.id, 3 * 60 + 5)
    assert await tick_due_runs() == 1
    played = await load(run.id)
    assert played.step == 1 and played.run.status == "running"
    by = {e["role"]: (e["data"] or {}).get("by") for e in played.events if e["kind"] == "decision"}
    assert by == {"patrol": "timeout", "fire": "stand_in", "dispatch": "stand_in"}
    assert await due_in(run.id) is None  # chaos: the patrol reads it, nothing timed

