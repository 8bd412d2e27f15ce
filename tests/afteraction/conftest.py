from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from drillhub.afteraction.evaluation import ObservationInput, RatingInput, rate, record_observation, seed_targets
from drillhub.afteraction.feedback import FeedbackInput, submit_feedback
from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.enrolment.service import enrol_people, mark_attendance
from drillhub.exercises.tables import Run
from drillhub.exercises.service import decide
from drillhub.facilitation.service import assign, confirm_as_lead, facilitator_action, join, open_run, start
from drillhub.scenarios.service import add_upload
from drillhub.scheduling.tables import Session, SessionStaff
from tests.conftest import SCENARIO_FILES


RESCUE = "Mass Search and Rescue Operations"


def actor(person) -> Actor:
    return Actor(person_id=person.id, label=person.email)


@dataclass
class Exercise:
    session: Session
    run: Run
    facilitator: object
    lead_evaluator: object
    evaluator: object
    players: dict  # role -> person, each of their own agency, joined to the run
    attendee: object  # marked attended, never joined the run


@pytest.fixture
async def exercise(app, make_session, make_course, make_person, make_agency) -> Exercise:
    """A session with a facilitator, a lead and a second evaluator, three players from three agencies
    in a run of the bridge scenario, and one more person who attended without playing."""
    await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
    now = datetime.now(UTC)
    session = await make_session(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3),
                                 course=await make_course(scenarios=["bridge-collapse"]))
    facilitator = await make_person(roles=("facilitator",))
    lead, evaluator = await make_person(roles=("evaluator",)), await make_person(roles=("evaluator",))
    await SessionStaff.insert(SessionStaff(session=session.id, person=facilitator.id, role="facilitator"),
                              SessionStaff(session=session.id, person=lead.id, role="evaluator", lead=True),
                              SessionStaff(session=session.id, person=evaluator.id, role="evaluator"))
    players = {role: await make_person(agency=await make_agency()) for role in ("patrol", "fire", "dispatch")}
    attendee = await make_person()
    await enrol_people(session.id, [*(p.id for p in players.values()), attendee.id], ANONYMOUS)
    await mark_attendance(session.id, {attendee.id: "attended"}, ANONYMOUS)
    run = await open_run(session.id, "bridge-collapse", actor(facilitator))
    for role, person in players.items():
        await join(run.join_code, person.id)
        await assign(run.id, person.id, role, actor(facilitator))
    return Exercise(session, run, facilitator, lead, evaluator, players, attendee)


@pytest.fixture
async def played(exercise):
    """The bridge played to its good ending: dispatch waits (not the expected action), then the team
    votes to launch the boats and the fire lead confirms. Two feedback forms, one observation, ratings."""
    ex, players = exercise, exercise.players
    await start(ex.run.id, actor(ex.facilitator))
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "wait")]:
        await decide(ex.run.id, 0, role, choice, f"{role} reasons", players[role].id, actor(players[role]))
    await facilitator_action(ex.run.id, "advance", actor(ex.facilitator), step=0)
    for role in ("patrol", "fire"):
        await decide(ex.run.id, 1, role, "boats-now", "", players[role].id, actor(players[role]))
    await confirm_as_lead(ex.run.id, 1, "boats-now", players["fire"].id, actor(players["fire"]))
    await facilitator_action(ex.run.id, "advance", actor(ex.facilitator), step=1)
    await submit_feedback(ex.session.id, players["fire"].id, FeedbackInput(
        exercise_role="player", strengths=("Radio discipline",), improvements=("Radio channel was crowded",),
        ratings=("5", "4", "", "", "", "", "", "2")))
    await submit_feedback(ex.session.id, players["patrol"].id, FeedbackInput(
        exercise_role="player", comments="More radio training", ratings=("4", "", "", "", "", "", "", "4")))
    await seed_targets(ex.session.id)
    await record_observation(ex.session.id, ex.evaluator.id, ObservationInput(
        concerns="2:Dispatch fire and EMS", note="Dispatch held the call for two minutes.", kind="improvement"),
        "America/Chicago")
    await rate(ex.session.id, ex.lead_evaluator.id, RatingInput(capability=RESCUE, target="2", value="M",
                                                                reconciled="yes"), True, actor(ex.lead_evaluator))
    await rate(ex.session.id, ex.lead_evaluator.id, RatingInput(capability=RESCUE, value="S", reconciled="yes"),
               True, actor(ex.lead_evaluator))
    return ex
