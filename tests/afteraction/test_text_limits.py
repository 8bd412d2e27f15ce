"""No silent truncation (issue 16): text longer than a field's limit is refused with a message that says the
limit, and text at the limit is kept whole. Before, each service cut what it was given short without a word."""

import pytest

from drillhub.afteraction.evaluation import RatingInput, TargetInput, rate, save_target
from drillhub.afteraction.feedback import FeedbackInput, checked_feedback
from drillhub.afteraction.improvement import ActionInput, add_action
from drillhub.afteraction.report import ReportInput, open_report, save_report
from drillhub.audit.service import ANONYMOUS
from drillhub.certificates.service import revoke
from drillhub.errors import Invalid
from drillhub.exercises.service import assign_scenario
from drillhub.scheduling.service import cancel_session
from tests.afteraction.conftest import RESCUE, actor


def refused(error: pytest.ExceptionInfo, field: str, limit: int) -> bool:
    return f"Use at most {limit:,} characters" in error.value.errors[field]


def test_the_hot_wash_form_refuses_text_over_its_limits():
    for data, field, limit in ((FeedbackInput(title="t" * 101, comments="c"), "title", 100),
                               (FeedbackInput(strengths=("s" * 501,)), "strengths", 500),
                               (FeedbackInput(action=("a" * 501,), priority=("high",)), "actions", 500),
                               (FeedbackInput(comments="c" * 4_001), "comments", 4_000)):
        with pytest.raises(Invalid) as error:
            checked_feedback(data)
        assert refused(error, field, limit), field
    kept = checked_feedback(FeedbackInput(anonymous="yes", strengths=("s" * 500,), comments="c" * 4_000))
    assert kept["strengths"] == ["s" * 500] and len(kept["comments"]) == 4_000


async def test_evaluation_report_and_improvement_plan_refuse_text_over_their_limits(played):
    session, lead = played.session.id, played.lead_evaluator
    with pytest.raises(Invalid) as error:
        await save_target(session, None, TargetInput(capability=RESCUE, target="t", critical_tasks="k" * 501))
    assert refused(error, "critical_tasks", 500)
    with pytest.raises(Invalid) as error:
        await rate(session, lead.id, RatingInput(capability=RESCUE, value="P", note="n" * 4_001), True, actor(lead))
    assert refused(error, "note", 4_000)
    with pytest.raises(Invalid) as error:
        await add_action(session, ActionInput(capability=RESCUE, issue="i", action="a", element="training",
                                              agency=str(played.players["fire"].agency), contact="c" * 201,
                                              start_on="2026-01-05", due_on="2026-03-01"), [RESCUE], actor(lead))
    assert refused(error, "contact", 200)
    report = await open_report(session, actor(lead))
    with pytest.raises(Invalid) as error:
        await save_report(session, report.version, ReportInput(handling="h" * 101, executive_summary="e"))
    assert refused(error, "handling", 100)
    saved = await save_report(session, report.version, ReportInput(handling="h" * 100, executive_summary="e" * 20_000))
    assert (len(saved.handling), len(saved.executive_summary)) == (100, 20_000)


async def test_a_cancellation_a_revocation_and_an_assignment_refuse_text_over_their_limits(exercise):
    from drillhub.certificates.tables import Certificate

    certificate = await Certificate.objects().where(Certificate.person == exercise.attendee.id).first()
    with pytest.raises(Invalid) as error:
        await cancel_session(exercise.session.id, "r" * 2_001, ANONYMOUS)
    assert refused(error, "reason", 2_000)
    with pytest.raises(Invalid) as error:
        await revoke(certificate.id, "r" * 1_001, ANONYMOUS)
    assert refused(error, "reason", 1_000)
    with pytest.raises(Invalid) as error:
        await assign_scenario("bridge-collapse", [exercise.attendee.id], "2099-01-01", "n" * 501, ANONYMOUS)
    assert refused(error, "note", 500)
