"""The supervisor's people page: each officer's record reachable from the app (issue 16)."""

from datetime import UTC, date, datetime, timedelta

from drillhub.dashboard.people import people_records
from drillhub.exercises.tables import Assignment
from tests.certificates.test_records import certificate
from tests.support import sign_in


async def test_each_officer_with_hours_certificates_and_overdue_assignments(make_session, make_person, make_agency):
    await make_session()
    agency = await make_agency()
    ada, bo = await make_person(agency=agency, name="Ada"), await make_person(agency=agency, name="Bo")
    await make_person(agency=agency, name="Gone", active=False)
    today = date.today()
    await certificate(ada, today.replace(month=1, day=1), "4", "LE", serial="DH-1")
    await certificate(ada, today - timedelta(days=400), "8", "LE", expires_on=today - timedelta(days=1), serial="DH-2")
    await certificate(ada, today - timedelta(days=10), "2", "LE", expires_on=today + timedelta(days=30), serial="DH-3")
    await certificate(bo, today - timedelta(days=5), "9", "LE", revoked=True, serial="DH-4")
    await Assignment.insert(Assignment(scenario="bridge", person=bo.id, due_on=today - timedelta(days=1), note="",
                                       assigned_at=datetime.now(UTC) - timedelta(days=5)))
    rows = {row["name"]: row for row in await people_records([agency.id], today)}
    assert list(rows) == ["Ada", "Bo"]  # active people only, by name
    expected_hours = 4 + (2 if (today - timedelta(days=10)).year == today.year else 0)
    assert rows["Ada"]["hours"] == expected_hours and rows["Bo"]["hours"] == 0  # a revoked certificate counts for nothing
    assert dict(rows["Ada"]["certificates"]) == {"valid": 1, "expired": 1, "expiring": 1}
    assert (rows["Ada"]["overdue"], rows["Bo"]["overdue"]) == (0, 1)


async def test_supervisors_see_their_agencies_and_reach_each_transcript(client, make_person, make_agency):
    ours, theirs = await make_agency(name="Ours"), await make_agency(name="Theirs")
    officer = await make_person(agency=ours, name="Our Officer")
    await make_person(agency=theirs, name="Their Officer")
    supervisor = await make_person(roles=("supervisor",), supervised=[ours])
    await sign_in(client, supervisor.email)
    assert 'href="/people"' in (await client.get("/")).text  # reached from the app, not by typing a URL
    page = await client.get("/people")
    assert page.status_code == 200 and "Our Officer" in page.text and "Their Officer" not in page.text
    assert f'href="/transcripts/{officer.id}"' in page.text
    assert (await client.get(f"/transcripts/{officer.id}")).status_code == 200
    assert (await client.get(f"/people?agency={theirs.id}")).status_code == 403
    officer_only = await make_person()
    await sign_in(client, officer_only.email)
    assert (await client.get("/people")).status_code == 403
    assert 'href="/people"' not in (await client.get("/")).text


def test_an_expired_certificate_a_later_one_renewed_is_not_counted_as_expired():
    from drillhub.dashboard.people import standings

    today = date(2026, 11, 30)

    def cert(course, ends_on, expires_on):
        return {"course_title": course, "ends_on": ends_on, "expires_on": expires_on, "revoked_at": None}

    rifle_2024 = cert("Patrol rifle", date(2024, 11, 1), date(2025, 11, 1))
    rifle_2025 = cert("Patrol rifle", date(2025, 10, 20), date(2026, 10, 20))  # expired too: still the latest
    cpr = cert("CPR", date(2026, 1, 10), date(2026, 12, 20))
    assert standings([rifle_2024, rifle_2025, cpr], today) == {"expired": 1, "expiring": 1}
    assert standings([rifle_2024], today) == {"expired": 1}
