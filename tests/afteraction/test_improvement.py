from datetime import date

import pytest

from drillhub.afteraction.improvement import (
    ActionInput,
    actions_verified_by,
    add_action,
    list_actions,
    propose_follow_up,
    track_action,
)
from drillhub.afteraction.tables import CorrectiveAction
from drillhub.auth.service import SignedInUser
from drillhub.errors import Forbidden, Invalid
from drillhub.scheduling.tables import Session
from tests.afteraction.conftest import RESCUE, actor


def user(person, *roles, supervised=()) -> SignedInUser:
    return SignedInUser(session_id=0, person_id=person.id, name=person.name, email=person.email, agency_id=person.agency,
                        agency_name="", roles=frozenset(roles), supervised_agency_ids=frozenset(supervised), flashes=())


def action_input(agency, **values) -> ActionInput:
    return ActionInput(**{"capability": RESCUE, "issue": "Dispatch held the call", "action": "Call-taker drill",
                          "element": "training", "agency": str(agency), "contact": "Lt. Ray",
                          "start_on": "2026-01-05", "due_on": "2026-03-01", **values})


async def test_corrective_actions_are_checked(exercise):
    with pytest.raises(Invalid) as invalid:
        await add_action(exercise.session.id, ActionInput(capability="Cooking", element="luck", agency="999",
                                                          start_on="2026-03-01", due_on="2026-01-01"), [RESCUE],
                         actor(exercise.lead_evaluator))
    assert set(invalid.value.errors) == {"capability", "issue", "action", "element", "agency", "due_on"}


async def test_the_responsible_agency_tracks_its_actions_and_overdue_ones_stand_out(exercise, make_person):
    dispatch_agency, fire_agency = exercise.players["dispatch"].agency, exercise.players["fire"].agency
    late = await add_action(exercise.session.id, action_input(dispatch_agency), [RESCUE], actor(exercise.lead_evaluator))
    later = await add_action(exercise.session.id, action_input(dispatch_agency, due_on="2027-06-01"), [RESCUE],
                             actor(exercise.lead_evaluator))
    await add_action(exercise.session.id, action_input(fire_agency), [RESCUE], actor(exercise.lead_evaluator))
    supervisor = await make_person(roles=("supervisor",))
    theirs = user(supervisor, "supervisor", supervised=[dispatch_agency])
    listed = await list_actions(theirs, today=date(2026, 11, 21))
    assert [(row["id"], row["overdue"]) for row in listed] == [(late, True), (later, False)]
    await track_action(late, "completed", "Drill held 3 Feb", theirs, actor(supervisor))
    assert (await list_actions(theirs, today=date(2026, 11, 21)))[0]["id"] == later  # done: no longer overdue
    row = await CorrectiveAction.select().where(CorrectiveAction.id == late).first()
    assert (row["status"], row["updated_by"]) == ("completed", supervisor.id)
    fire_action = next(r for r in await list_actions(user(supervisor, "admin")) if r["agency"] == fire_agency)
    with pytest.raises(Forbidden):
        await track_action(fire_action["id"], "completed", "", theirs, actor(supervisor))
    with pytest.raises(Invalid):
        await track_action(later, "forgotten", "", theirs, actor(supervisor))


async def test_one_click_proposes_a_follow_up_session_of_the_same_course(exercise):
    action = await add_action(exercise.session.id, action_input(exercise.players["fire"].agency), [RESCUE],
                              actor(exercise.lead_evaluator))
    follow_up = await propose_follow_up(action, actor(exercise.lead_evaluator))
    session = await Session.objects().where(Session.id == follow_up).first()
    assert session.status == "draft" and session.course == exercise.session.course
    assert (await CorrectiveAction.select().where(CorrectiveAction.id == action).first())["follow_up"] == follow_up
    [verified] = await actions_verified_by(follow_up)
    assert (verified["id"], verified["action"], verified["session"]) == (action, "Call-taker drill", exercise.session.id)


async def test_the_follow_up_sessions_page_names_the_action_it_verifies(client, exercise, make_person):
    from tests.support import sign_in

    action = await add_action(exercise.session.id, action_input(exercise.players["fire"].agency), [RESCUE],
                              actor(exercise.lead_evaluator))
    follow_up = await propose_follow_up(action, actor(exercise.lead_evaluator))
    coordinator = await make_person(roles=("coordinator",))
    await sign_in(client, coordinator.email)
    page = (await client.get(f"/sessions/{follow_up}")).text
    assert "Verifies corrective actions" in page and "<strong>Call-taker drill</strong>" in page
    assert f'href="/sessions/{exercise.session.id}/report"' in page


async def test_each_update_is_kept_in_the_actions_history(exercise, make_person):
    agency = exercise.players["dispatch"].agency
    action = await add_action(exercise.session.id, action_input(agency), [RESCUE], actor(exercise.lead_evaluator))
    supervisor = await make_person(roles=("supervisor",), name="Sgt. Ames")
    theirs = user(supervisor, "supervisor", supervised=[agency])
    await track_action(action, "in_progress", "Radios ordered", theirs, actor(supervisor))
    await track_action(action, "in_progress", "Radios delivered", theirs, actor(supervisor))
    await track_action(action, "completed", "", theirs, actor(supervisor))
    with pytest.raises(Invalid) as nothing:
        await track_action(action, "completed", "  ", theirs, actor(supervisor))
    assert nothing.value.errors == {"notes": "Write a note, or change the status."}
    with pytest.raises(Invalid) as too_long:
        await track_action(action, "completed", "x" * 4001, theirs, actor(supervisor))  # refused, never cut short
    assert "4,001" in too_long.value.errors["notes"]
    [row] = await list_actions(theirs)
    assert [(h["status"], h["text"], h["author_name"]) for h in row["history"]] == [
        ("completed", "", "Sgt. Ames"), ("in_progress", "Radios delivered", "Sgt. Ames"),
        ("in_progress", "Radios ordered", "Sgt. Ames")]
    assert row["status"] == "completed"
