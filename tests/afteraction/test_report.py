from types import SimpleNamespace

import pytest

from drillhub.afteraction.report import (
    ReportInput,
    drafted_analysis,
    finalize_report,
    open_report,
    report_data,
    save_report,
)
from drillhub.afteraction.reportdata import CapabilityResult, ObservationNote, TargetResult
from drillhub.afteraction.tables import Report
from drillhub.errors import Conflict, Invalid
from tests.afteraction.conftest import RESCUE, actor


async def test_the_report_data_from_what_was_recorded(played):
    data = await report_data(played.session.id)
    assert data.decision_count == 5 and data.expected_rate == 2 / 3  # boats votes: no expected action
    first, team = data.decision_points
    assert first.title == "The bridge gives way" and first.count == 3
    assert first.distribution == {
        "perimeter": {_agency(data, played, "patrol"): 1},
        "throw-lines": {_agency(data, played, "fire"): 1}, "wait": {_agency(data, played, "dispatch"): 1}}
    assert [c.id for c in first.choices if c.expected] == ["perimeter", "throw-lines", "tone-out"]
    assert team.distribution == {"boats-now": {_agency(data, played, "patrol"): 1, _agency(data, played, "fire"): 1}}
    assert team.expected_rate is None
    assert sum(a.count for a in data.agencies) == 4  # the three players and the attendee, not the staff
    rescue = next(c for c in data.capabilities if c.capability == RESCUE)
    assert rescue.rating == "S" and rescue.targets[0].rating == "M"
    assert rescue.targets[0].observations[0].note == "Dispatch held the call for two minutes."
    feedback = data.feedback
    assert feedback.count == 2 and feedback.themes == [("radio", 3)]
    structured, realistic = feedback.statements[:2]
    assert (structured.average, structured.distribution) == (4.5, [0, 0, 0, 1, 1])
    assert (realistic.answered, realistic.average) == (1, 4.0)
    kinds = [row.kind for row in data.timeline]
    assert kinds.count("scene") == 3 and "team decision" in kinds
    assert data.timeline[-1].text == "Ending: Everyone out of the water"


def _agency(data, played, role) -> str:
    person = played.players[role]
    return next(p.agency for p in data.participants if p.name == person.name)


async def test_versions_draft_final_and_a_new_version(played):
    first = await open_report(played.session.id, actor(played.lead_evaluator))
    assert first.version == 1 and first.status == "draft" and "5 decisions were recorded; 67% of the players' own were the expected action" in first.executive_summary
    assert " was a tabletop exercise (TTX) held from " in first.executive_summary  # HSEEP's spelling, not "(ttx)"
    assert "Major strengths: Mass Search and Rescue Operations (S)." in first.executive_summary
    assert "Primary areas for improvement: Dispatch held the call for two minutes." in first.executive_summary
    lead = played.lead_evaluator
    assert first.points_of_contact.startswith(f"Lead evaluator: {lead.name}, ") and lead.email in first.points_of_contact
    rescue = next(a for a in first.analysis if a["capability"] == RESCUE)
    assert rescue["improvements"] == "Dispatch held the call for two minutes."  # its target was rated M
    with pytest.raises(Conflict):
        await open_report(played.session.id, actor(played.lead_evaluator))
    with pytest.raises(Invalid):
        await save_report(played.session.id, 1, ReportInput(handling=" ", executive_summary=""))
    edited = await save_report(played.session.id, 1, ReportInput(
        handling="LAW ENFORCEMENT SENSITIVE", executive_summary="Edited summary", capability=(RESCUE,),
        strengths=("Fast lines",), improvements=("Dispatch delay",), analysis=("Root cause: one call-taker",)))
    assert edited.analysis == [{"capability": RESCUE, "strengths": "Fast lines", "improvements": "Dispatch delay",
                                "analysis": "Root cause: one call-taker"}]
    final = await finalize_report(played.session.id, 1, actor(played.lead_evaluator))
    assert final.status == "final" and final.snapshot["decision_count"] == 5 and final.snapshot["actions"] == []
    with pytest.raises(Conflict):
        await save_report(played.session.id, 1, ReportInput(handling="X", executive_summary="Y"))
    second = await open_report(played.session.id, actor(played.lead_evaluator))
    assert (second.version, second.status, second.executive_summary) == (2, "draft", "Edited summary")
    assert await Report.count().where(Report.session == played.session.id) == 2


async def test_without_runs_the_overview_names_the_course_s_scenario(exercise):
    from drillhub.exercises.tables import Run

    await Run.delete().where(Run.id == exercise.run.id)
    data = await report_data(exercise.session.id)
    assert [s.title for s in data.scenarios] == ["Footbridge collapse at the river festival"]
    assert data.mission_areas == ["response"] and data.decision_count == 0


async def test_defaults_on_time_out_and_the_facilitators_choice_are_decisions_marked_so(exercise):
    from drillhub.afteraction.evaluation import linkable_events
    from drillhub.afteraction.exports import export
    from drillhub.exercises.service import decide, load
    from drillhub.exercises.ticker import tick
    from drillhub.facilitation.service import facilitator_action, start
    from tests.facilitation.clock import backdate

    ex, players = exercise, exercise.players
    await start(ex.run.id, actor(ex.facilitator))
    for role, choice in (("patrol", "perimeter"), ("fire", "throw-lines")):
        await decide(ex.run.id, 0, role, choice, "", players[role].id, actor(players[role]))
    await backdate(ex.run.id, 200)
    await tick(await load(ex.run.id))  # dispatch said nothing in three minutes: the default, 'wait'
    await facilitator_action(ex.run.id, "confirm", actor(ex.facilitator), choice="boats-staged")

    data = await report_data(ex.session.id)
    assert (data.decision_count, data.own_count) == (3, 2)
    assert "3 decisions were recorded (1 not a player's own: defaults on time-out or stand-ins)" in \
        (await open_report(ex.session.id, actor(ex.lead_evaluator))).executive_summary
    first = data.decision_points[0]
    assert (first.count, first.own_count, first.expected_rate) == (3, 2, 1.0)
    assert any(row.text == "Unified command: Stage the boats and rescue from the bank (facilitator)"
               for row in data.timeline)
    body, _ = await export(ex.session.id, "decisions.csv")
    header, *rows = body.splitlines()
    assert "made_by" in header.split(",")
    dispatch = next(row for row in rows if ",wait," in row)
    assert "default on time-out" in dispatch and "False" in dispatch
    assert any("911 shift supervisor chose Wait for more information (default on time-out)" in label
               for _, label in await linkable_events(ex.session.id))


def test_the_draft_files_each_observation_where_its_evaluator_said_it_belongs():
    def observed(note, kind):
        return ObservationNote(at="2026-11-30T10:00:00+00:00", by="Owen Pryor", task="", note=note, kind=kind)

    data = SimpleNamespace(capabilities=[CapabilityResult(capability=RESCUE, rating="", targets=[TargetResult(
        target="Lines to the water", objective="", tasks=[], rating="S", observations=[
            observed("Radio dead spots on the east bank", "improvement"),  # rated S, yet an area for improvement
            observed("Perimeter set in four minutes", "strength"), observed("Sunny day", "note"),
            observed("Made before kinds were kept", "")])])])
    [drafted] = drafted_analysis(data)
    assert drafted["improvements"] == "Radio dead spots on the east bank"
    assert drafted["strengths"] == "Perimeter set in four minutes\nMade before kinds were kept"  # the old way: by rating


def test_the_summary_counts_in_words_that_agree():
    from drillhub.wording import counted

    assert (counted(1, "participant"), counted(2, "participant"), counted(0, "player")) == (
        "1 participant", "2 participants", "0 players")
