from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.agencies.tables import Agency
from drillhub.auth.service import sign_in
from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo


async def test_demo_data_covers_every_role_and_kind_and_loads_twice_alike(app):
    await load_demo()
    counts = (await Agency.count(), await Person.count(), await SupervisedAgency.count())
    await load_demo()
    assert (await Agency.count(), await Person.count(), await SupervisedAgency.count()) == counts
    assert counts[0] >= 5 and counts[1] >= 30
    kinds = {row["kind"] for row in await Agency.select(Agency.kind)}
    assert len(kinds) >= 5
    for role, email in DEMO_SIGN_INS.items():
        person = await Person.objects().get(Person.email == email)
        assert role in person.roles
        assert await sign_in(email, DEMO_PASSWORD, "", previous_token=None)


async def test_demo_schedule_spans_two_months_with_enrolments_and_a_waitlist(app):
    from datetime import timedelta

    from drillhub.demo import load_demo_schedule
    from drillhub.enrolment.tables import Enrollment
    from drillhub.scheduling.tables import Course, Session

    await load_demo()
    await load_demo_schedule()
    await load_demo_schedule()  # a second load adds nothing
    sessions = await Session.select(Session.starts_at, Session.status).order_by(Session.starts_at)
    assert len(sessions) >= 20 and await Course.count() >= 5
    assert sessions[-1]["starts_at"] - sessions[0]["starts_at"] >= timedelta(days=55)
    assert {row["status"] for row in sessions} >= {"published", "completed", "draft", "cancelled"}
    assert await Enrollment.count().where(Enrollment.status == "waitlisted") >= 1
    assert await Enrollment.count().where(Enrollment.attendance == "attended") >= 10


async def test_demo_has_an_evaluated_exercise_with_a_final_aar(app):
    from drillhub.afteraction.tables import CorrectiveAction, Feedback, Observation, Report
    from drillhub.demo import load_demo_afteraction, load_demo_schedule
    from drillhub.audit.service import ANONYMOUS
    from drillhub.scenarios.service import sync_directory
    from drillhub.settings import PROJECT_ROOT

    await load_demo()
    await sync_directory(str(PROJECT_ROOT / "scenarios"), ANONYMOUS)  # the demo courses play the shipped ones
    await load_demo_schedule()
    await load_demo_afteraction()
    await load_demo_afteraction()  # a second load adds nothing
    report = await Report.objects().output(load_json=True).first()
    assert report.status == "final" and await Report.count() == 1
    assert report.snapshot["feedback"]["count"] == 4 and len(report.snapshot["actions"]) == 2
    assert await Observation.count() >= 3 and await Feedback.count() == 4 and await CorrectiveAction.count() == 2


async def test_demo_certificates_for_past_attendance(app):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.certificates.tables import Certificate
    from drillhub.demo import load_demo_certificates, load_demo_schedule
    from drillhub.scenarios.service import sync_directory
    from drillhub.settings import PROJECT_ROOT

    await load_demo()
    await sync_directory(str(PROJECT_ROOT / "scenarios"), ANONYMOUS)
    await load_demo_schedule()
    await load_demo_certificates()
    count = await Certificate.count()
    await load_demo_certificates()
    assert count >= 10 and await Certificate.count() == count
    officer = await Person.objects().get(Person.email == DEMO_SIGN_INS["officer"])
    assert await Certificate.exists().where(Certificate.person == officer.id)
