async def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=/"


async def test_navigation_shows_each_role_what_it_may_use(signed_in_client):
    admin = await signed_in_client("admin")
    officer = await signed_in_client("officer")
    admin_page, officer_page = (await admin.get("/")).text, (await officer.get("/")).text
    assert 'href="/admin/audit"' in admin_page
    assert 'href="/admin/audit"' not in officer_page and "Dashboard" in officer_page


async def test_supervisor_sees_the_agencies_they_oversee(signed_in_client, make_agency):
    overseen = await make_agency(name="Bexley Sheriff")
    supervisor = await signed_in_client("supervisor", supervised=[overseen])
    assert "Bexley Sheriff" in (await supervisor.get("/")).text


async def test_an_officers_dashboard_shows_their_next_trainings_assignments_and_certificates(
        signed_in_client, make_session, make_course):
    from datetime import UTC, date, datetime, timedelta

    from drillhub.audit.service import ANONYMOUS
    from drillhub.enrolment.service import enrol_people
    from drillhub.exercises.tables import Assignment
    from tests.certificates.test_records import certificate

    officer = await signed_in_client("officer")
    soon = datetime.now(UTC) + timedelta(days=2)
    later = await make_session(course=await make_course(title="Later course"), starts_at=soon + timedelta(days=9),
                               ends_at=soon + timedelta(days=9, hours=2))
    sooner = await make_session(course=await make_course(title="Sooner course"), starts_at=soon,
                                ends_at=soon + timedelta(hours=2))
    draft = await make_session(course=await make_course(title="Draft course"), status="draft",
                               starts_at=soon + timedelta(days=1), ends_at=soon + timedelta(days=1, hours=2))
    for session in (later, sooner, draft):
        await enrol_people(session.id, [officer.person.id], ANONYMOUS)
    await Assignment.insert(Assignment(scenario="bridge-collapse", person=officer.person.id, due_on=date.today(),
                                       note="", assigned_at=datetime.now(UTC)))
    await certificate(officer.person, date.today(), "6", "LE", expires_on=date.today() + timedelta(days=20),
                      serial="DH-9")
    page = (await officer.get("/")).text
    own = page[page.index('id="card-own"'):page.index('id="card-account"')]
    assert own.index("Sooner course") < own.index("Later course") and "Draft course" not in own
    assert "bridge-collapse" in own and "due " in own  # the open assignment (its title when the library has it)
    assert "1 expiring within 60 days" in own and "6.0 training hours" in own
    mine = (await officer.get("/my/trainings")).text
    assert mine.index("Sooner course") < mine.index("Later course") and "Draft course" not in mine
