import pytest

from drillhub.afteraction.feedback import STATEMENTS, FeedbackInput, find_feedback, submit_feedback
from drillhub.afteraction.service import participants
from drillhub.afteraction.tables import Feedback, Report
from drillhub.errors import Conflict, Forbidden, Invalid

ALL_FIVES = tuple("5" for _ in STATEMENTS)


async def test_everyone_who_took_part_and_in_what_role(exercise):
    found = {p.person: p for p in await participants(exercise.session.id)}
    assert found[exercise.facilitator.id].exercise_role == "facilitator"
    assert found[exercise.lead_evaluator.id].exercise_role == "evaluator"
    assert found[exercise.players["fire"].id].exercise_role == "player"
    assert found[exercise.players["fire"].id].agency == exercise.players["fire"].agency
    assert found[exercise.attendee.id].exercise_role == "player"
    assert len(found) == 7


async def test_one_form_per_person_changed_in_place(exercise):
    patrol = exercise.players["patrol"]
    data = FeedbackInput(exercise_role="player", strengths=("Fast perimeter", " ", "Clear radio"),
                         action=("Joint radio drill", ""), priority=("high", ""), owner=("Dispatch", ""),
                         ratings=("4", "", "5", "", "", "", "", "3"))
    first = await submit_feedback(exercise.session.id, patrol.id, data)
    assert first.strengths == ["Fast perimeter", "Clear radio"]
    assert first.corrective_actions == [{"action": "Joint radio drill", "priority": "high", "owner": "Dispatch"}]
    assert first.ratings == {"structured": 4, "facilitator": 5, "prepared": 3}
    assert first.agency == patrol.agency
    again = await submit_feedback(exercise.session.id, patrol.id, FeedbackInput(exercise_role="player", comments="Good"))
    assert again.id == first.id and again.comments == "Good" and again.strengths == []
    assert await Feedback.count().where(Feedback.session == exercise.session.id) == 1


async def test_only_people_who_took_part_give_feedback(exercise, make_person):
    stranger = await make_person()
    with pytest.raises(Forbidden):
        await submit_feedback(exercise.session.id, stranger.id, FeedbackInput(exercise_role="player", comments="x"))
    await submit_feedback(exercise.session.id, exercise.attendee.id, FeedbackInput(exercise_role="observer", comments="x"))


@pytest.mark.parametrize(("data", "field"), [
    (FeedbackInput(exercise_role="", comments="x"), "exercise_role"),
    (FeedbackInput(exercise_role="player"), "strengths"),  # nothing answered
    (FeedbackInput(exercise_role="player", action=("Drill",), priority=("urgent",), owner=("",)), "actions"),
    (FeedbackInput(exercise_role="player", ratings=("6",)), "ratings"),
])
async def test_bad_answers_are_refused_with_a_message_and_nothing_kept(exercise, data, field):
    with pytest.raises(Invalid) as refused:
        await submit_feedback(exercise.session.id, exercise.players["fire"].id, data)
    assert field in refused.value.errors
    assert await find_feedback(exercise.session.id, exercise.players["fire"].id) is None


async def test_feedback_is_closed_once_the_report_is_final(exercise):
    from datetime import UTC, datetime

    fire = exercise.players["fire"]
    await submit_feedback(exercise.session.id, fire.id, FeedbackInput(exercise_role="player", ratings=ALL_FIVES))
    now = datetime.now(UTC)
    await Report.insert(Report(session=exercise.session.id, version=1, status="final", handling="FOUO",
                               points_of_contact="", executive_summary="", created_at=now, updated_at=now))
    with pytest.raises(Conflict):
        await submit_feedback(exercise.session.id, fire.id, FeedbackInput(exercise_role="player", comments="late"))
    assert (await find_feedback(exercise.session.id, fire.id)).comments == ""


async def test_completing_the_session_asks_everyone_who_has_not_answered(exercise):
    from drillhub.mail.tables import OutboxMessage
    from drillhub.scheduling.service import complete_session
    from tests.afteraction.conftest import actor

    await submit_feedback(exercise.session.id, exercise.players["fire"].id, FeedbackInput(exercise_role="player",
                                                                                          comments="Done already"))
    await complete_session(exercise.session.id, actor(exercise.facilitator))
    asked = await OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.body).where(OutboxMessage.kind == "feedback")
    everyone = {p.person for p in await participants(exercise.session.id)}
    assert {row["recipient"] for row in asked} == everyone - {exercise.players["fire"].id}
    assert all(f"/sessions/{exercise.session.id}/feedback/" in row["body"] for row in asked)


async def test_an_anonymous_form_stores_the_agency_but_no_title_role_or_time_of_writing(exercise):
    from drillhub.afteraction.feedback import feedback_input
    from drillhub.afteraction.service import find_participant

    fire = exercise.players["fire"]
    named = await submit_feedback(exercise.session.id, fire.id, FeedbackInput(
        title="Lieutenant", exercise_role="player", comments="Radio was poor"))
    assert (named.title, named.exercise_role) == ("Lieutenant", "player")
    assert named.submitted_at != exercise.session.ends_at
    form = await submit_feedback(exercise.session.id, fire.id, FeedbackInput(
        title="Lieutenant", exercise_role="player", anonymous="yes", comments="Radio was poor"))
    assert form.anonymous and form.agency == fire.agency
    assert (form.title, form.exercise_role) == ("", "")
    assert form.submitted_at == form.updated_at == exercise.session.ends_at  # not when it was written
    shown = feedback_input(form, await find_participant(exercise.session.id, fire.id))  # should they sign it after all
    assert (shown.anonymous, shown.title, shown.exercise_role) == ("yes", fire.title, "player")


async def test_an_anonymous_form_needs_no_role(exercise):
    form = await submit_feedback(exercise.session.id, exercise.facilitator.id, FeedbackInput(
        anonymous="yes", comments="The only facilitator: a role would say who"))
    assert form.anonymous and form.exercise_role == ""


async def test_a_signed_form_is_a_responded_statement_and_an_anonymous_one_none(exercise):
    import json

    from drillhub.xapi.tables import XapiStatement

    patrol, fire = exercise.players["patrol"], exercise.players["fire"]
    await submit_feedback(exercise.session.id, patrol.id, FeedbackInput(exercise_role="player", comments="Good"))
    await submit_feedback(exercise.session.id, fire.id, FeedbackInput(exercise_role="player", anonymous="yes",
                                                                     comments="Candid"))
    rows = await XapiStatement.select(XapiStatement.statement, XapiStatement.person).where(
        XapiStatement.verb == "responded")
    assert [row["person"] for row in rows] == [patrol.id]
    made = json.loads(rows[0]["statement"])
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert made["object"]["id"].endswith(f"/sessions/{exercise.session.id}/feedback")
    assert "Good" not in rows[0]["statement"]  # what the form says stays in drillhub
    await submit_feedback(exercise.session.id, patrol.id, FeedbackInput(exercise_role="player", comments="Better"))
    assert await XapiStatement.count().where(XapiStatement.verb == "responded") == 1  # one form, one statement
    await submit_feedback(exercise.session.id, patrol.id, FeedbackInput(exercise_role="player", anonymous="yes",
                                                                       comments="Better"))
    [void] = await XapiStatement.select(XapiStatement.statement).where(XapiStatement.verb == "voided")
    assert json.loads(void["statement"])["object"] == {"objectType": "StatementRef", "id": made["id"]}
    await submit_feedback(exercise.session.id, patrol.id, FeedbackInput(exercise_role="player", comments="Signed"))
    assert await XapiStatement.count().where(XapiStatement.verb == "responded") == 2  # signed again: a new one
