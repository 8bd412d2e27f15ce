from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.enrolment.service import enrol_people, mark_attendance
from drillhub.exercises.tables import Run
from drillhub.facilitation.service import assign, join, open_run
from drillhub.scenarios.service import add_upload
from drillhub.scheduling.tables import Session, SessionStaff
from tests.conftest import SCENARIO_FILES


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
