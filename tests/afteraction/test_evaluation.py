from datetime import UTC, datetime

import pytest

from drillhub.afteraction.evaluation import (
    ObservationInput,
    RatingInput,
    TargetInput,
    delete_target,
    linkable_events,
    list_observations,
    list_targets,
    rate,
    rating_board,
    record_observation,
    save_target,
    seed_targets,
)
from drillhub.afteraction.tables import Rating, Report
from drillhub.audit.tables import AuditEvent
from drillhub.errors import Conflict, Invalid
from drillhub.exercises.service import load
from drillhub.facilitation.service import facilitator_action, start
from tests.afteraction.conftest import actor

COORDINATION = "Operational Coordination"
RESCUE = "Mass Search and Rescue Operations"


async def test_the_first_eeg_comes_from_the_scenario_objectives(exercise):
    assert await seed_targets(exercise.session.id) == 2
    targets = await list_targets(exercise.session.id)
    assert [(t["capability"], t["objective"]) for t in targets] == [
        (COORDINATION, "Establish unified command within 15 minutes."), (RESCUE, "Start water rescue safely.")]
    assert targets[1]["critical_tasks"] == ["Dispatch fire and EMS"]  # the expected action of the inject testing it
    with pytest.raises(Conflict):
        await seed_targets(exercise.session.id)


async def test_targets_are_checked_edited_and_deleted(exercise):
    with pytest.raises(Invalid) as invalid:
        await save_target(exercise.session.id, None, TargetInput(capability="Pizza", target=" "))
    assert set(invalid.value.errors) == {"capability", "target"}
    target = await save_target(exercise.session.id, None, TargetInput(
        objective="Command", capability=COORDINATION, target="Unified command post in 15 min",
        critical_tasks="Name an incident commander\n\n  Set up a command post  \n"))
    await save_target(exercise.session.id, target, TargetInput(capability=COORDINATION, target="In 10 min",
                                                               critical_tasks="Name an incident commander"))
    [row] = await list_targets(exercise.session.id)
    assert row["target"] == "In 10 min" and row["critical_tasks"] == ["Name an incident commander"]
    await delete_target(exercise.session.id, target)
    assert await list_targets(exercise.session.id) == []


async def test_observations_tie_to_a_task_and_an_inject_or_decision(exercise):
    await seed_targets(exercise.session.id)
    rescue = (await list_targets(exercise.session.id))[1]
    await start(exercise.run.id, actor(exercise.facilitator))
    await facilitator_action(exercise.run.id, "release", actor(exercise.facilitator), inject_id="first-call")
    played = await load(exercise.run.id)
    choices = await linkable_events(exercise.session.id)
    inject_link = next(value for value, label in choices if "phone from Caller" in label)
    observation = await record_observation(exercise.session.id, exercise.evaluator.id, ObservationInput(
        concerns=f"{rescue['id']}:Dispatch fire and EMS", link=inject_link, note="Dispatch sent both at once.", kind="strength"),
        "America/Chicago")
    assert (observation.run, observation.task) == (exercise.run.id, "Dispatch fire and EMS")
    earlier = await record_observation(exercise.session.id, exercise.lead_evaluator.id, ObservationInput(
        observed_at="2020-01-01T10:00", note="Briefing started late.", kind="improvement"),
        "America/Chicago")
    assert earlier.observed_at == datetime(2020, 1, 1, 16, 0, tzinfo=UTC)
    listed = await list_observations(exercise.session.id)
    assert [row["note"] for row in listed] == ["Dispatch sent both at once.", "Briefing started late."]
    assert listed[0]["capability"] == RESCUE
    assert played.step == 0


@pytest.mark.parametrize(("data", "field"), [
    (ObservationInput(note=" "), "note"),
    (ObservationInput(concerns="999", note="x"), "concerns"),
    (ObservationInput(concerns="1:Not a task", note="x"), "concerns"),
    (ObservationInput(link="1:999", note="x"), "link"),
    (ObservationInput(observed_at="2999-01-01T10:00", note="x"), "observed_at"),
    (ObservationInput(observed_at="noon", note="x"), "observed_at"),
    (ObservationInput(note="x"), "kind"),  # the evaluator says what it shows
    (ObservationInput(note="x", kind="verdict"), "kind"),
])
async def test_bad_observations_are_refused(exercise, data, field):
    await seed_targets(exercise.session.id)  # target 1 is the first
    with pytest.raises(Invalid) as invalid:
        await record_observation(exercise.session.id, exercise.evaluator.id, data, "America/Chicago")
    assert field in invalid.value.errors


async def test_each_evaluator_rates_and_the_lead_reconciles(exercise):
    await seed_targets(exercise.session.id)
    command = (await list_targets(exercise.session.id))[0]
    by_target = RatingInput(capability=COORDINATION, target=str(command["id"]), value="S")
    await rate(exercise.session.id, exercise.evaluator.id, by_target, False, actor(exercise.evaluator))
    await rate(exercise.session.id, exercise.evaluator.id, RatingInput(capability=COORDINATION, target=str(command["id"]),
                                                                       value="M"), False, actor(exercise.evaluator))
    await rate(exercise.session.id, exercise.lead_evaluator.id, by_target, False, actor(exercise.lead_evaluator))
    with pytest.raises(Invalid) as invalid:
        await rate(exercise.session.id, exercise.evaluator.id, RatingInput(
            capability=COORDINATION, value="P", reconciled="yes"), False, actor(exercise.evaluator))
    assert set(invalid.value.errors) == {"reconciled"}
    await rate(exercise.session.id, exercise.lead_evaluator.id, RatingInput(
        capability=COORDINATION, value="S", reconciled="yes"), True, actor(exercise.lead_evaluator))
    board = {(line.capability, line.target["id"] if line.target else None): line
             for line in await rating_board(exercise.session.id)}
    target_line = board[(COORDINATION, command["id"])]
    assert sorted(value for value, _ in target_line.by_evaluator.values()) == ["M", "S"] and target_line.reconciled == ""
    assert board[(COORDINATION, None)].reconciled == "S"
    assert await Rating.count() == 3
    assert await AuditEvent.exists().where(AuditEvent.action == "eeg.reconcile")


@pytest.mark.parametrize(("data", "field"), [
    (RatingInput(capability="Planning", value="P"), "capability"),  # not evaluated in this exercise
    (RatingInput(capability=RESCUE, value="X"), "value"),
    (RatingInput(capability=RESCUE, target="999", value="P"), "target"),
])
async def test_bad_ratings_are_refused(exercise, data, field):
    await seed_targets(exercise.session.id)
    with pytest.raises(Invalid) as invalid:
        await rate(exercise.session.id, exercise.evaluator.id, data, True, actor(exercise.evaluator))
    assert field in invalid.value.errors


async def test_the_evaluation_is_closed_once_the_report_is_final(exercise):
    now = datetime.now(UTC)
    await Report.insert(Report(session=exercise.session.id, version=1, status="final", handling="FOUO",
                               points_of_contact="", executive_summary="", created_at=now, updated_at=now))
    with pytest.raises(Conflict):
        await record_observation(exercise.session.id, exercise.evaluator.id, ObservationInput(note="late", kind="note"),
                                 "America/Chicago")
    with pytest.raises(Conflict):
        await seed_targets(exercise.session.id)
