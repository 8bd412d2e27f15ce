from datetime import date
from decimal import Decimal

from drillhub.certificates.records import agency_hours_csv, expiring_soon, transcript
from drillhub.certificates.tables import Certificate


async def certificate(person, ends_on, hours, category, expires_on=None, revoked=False, serial="DH-0") -> None:
    from datetime import UTC, datetime

    await Certificate(serial=serial, code=serial.ljust(22, "x"), person=person.id, session=1, holder_name=person.name,
                      agency=person.agency, agency_name="", course_title=f"Course {serial}", exercise_type="Drill",
                      credit_hours=Decimal(hours), credit_category=category, starts_on=ends_on, ends_on=ends_on,
                      issuer_agency="", coordinator_name="", issued_at=datetime.now(UTC), expires_on=expires_on,
                      revoked_at=datetime.now(UTC) if revoked else None, revoke_reason="").save()


async def test_transcript_totals_by_year_and_category_leave_out_revoked(make_session, make_person):
    await make_session()  # session 1, which the fixtures below point at
    officer = await make_person(badge_number="RPD-7")
    await certificate(officer, date(2025, 3, 1), "4", "LE", serial="DH-1")
    await certificate(officer, date(2025, 9, 1), "7.5", "LE", serial="DH-2")
    await certificate(officer, date(2025, 10, 1), "2", "EM", serial="DH-3")
    await certificate(officer, date(2026, 2, 1), "8", "LE", expires_on=date(2026, 12, 1), serial="DH-4")
    await certificate(officer, date(2026, 3, 1), "100", "LE", revoked=True, serial="DH-5")
    record = await transcript(officer.id, today=date(2026, 11, 21))
    assert record.totals == {(2026, "LE"): Decimal("8"), (2025, "LE"): Decimal("11.5"), (2025, "EM"): Decimal("2")}
    assert record.total == Decimal("21.5") and len(record.rows) == 4 and record.rows[0]["serial"] == "DH-4"
    rows = (await agency_hours_csv(officer.agency, 2025)).splitlines()
    assert rows[0] == "badge,name,course,completed,hours,category,certificate"
    assert rows[1:] == [f"RPD-7,{officer.name},Course DH-1,2025-03-01,4,LE,DH-1",
                        f"RPD-7,{officer.name},Course DH-2,2025-09-01,7.5,LE,DH-2",
                        f"RPD-7,{officer.name},Course DH-3,2025-10-01,2,EM,DH-3"]
    soon = await expiring_soon([officer.agency], today=date(2026, 11, 21))
    assert [row["course_title"] for row in soon] == ["Course DH-4"]
    assert await expiring_soon([officer.agency], today=date(2026, 9, 1)) == []


async def test_transcripts_and_hours_are_for_the_officer_their_supervisors_and_coordinators(
        client, make_session, make_person, make_agency):
    from io import BytesIO

    from pypdf import PdfReader

    from tests.support import sign_in

    await make_session()
    officer, colleague = await make_person(), await make_person()
    await certificate(officer, date(2025, 3, 1), "4", "LE", serial="DH-1")
    await sign_in(client, officer.email)
    page = await client.get(f"/transcripts/{officer.id}")
    assert page.status_code == 200 and "Course DH-1" in page.text
    pdf = await client.get(f"/transcripts/{officer.id}/pdf")
    assert "Course DH-1" in PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert (await client.get(f"/agencies/{officer.agency}/hours?year=2025")).status_code == 403
    await sign_in(client, colleague.email)
    assert (await client.get(f"/transcripts/{officer.id}")).status_code == 403
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": officer.agency})])
    await sign_in(client, supervisor.email)
    assert (await client.get(f"/transcripts/{officer.id}")).status_code == 200
    hours = await client.get(f"/agencies/{officer.agency}/hours?year=2025")
    assert hours.status_code == 200 and "Course DH-1" in hours.text
    assert (await client.get(f"/agencies/{(await make_agency()).id}/hours?year=2025")).status_code == 403
    for bad in ("99999", "-3", "soon"):  # a clear refusal, never a 500
        assert (await client.get(f"/agencies/{officer.agency}/hours?year={bad}")).status_code in (400, 422)


async def test_the_supervisor_dashboard_lists_certificates_expiring_soon(client, make_session, make_person):
    from datetime import UTC, datetime, timedelta

    from tests.support import sign_in

    await make_session()
    officer = await make_person()
    today = datetime.now(UTC).date()
    await certificate(officer, today - timedelta(days=300), "4", "LE", expires_on=today + timedelta(days=20),
                      serial="DH-8")
    await certificate(officer, today - timedelta(days=300), "4", "LE", expires_on=today + timedelta(days=90),
                      serial="DH-9")
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": officer.agency})])
    await sign_in(client, supervisor.email)
    page = (await client.get("/")).text
    assert "Certificates expiring within 60 days" in page and "Course DH-8" in page and "Course DH-9" not in page


async def test_the_hours_csv_opens_in_a_spreadsheet_as_text(client, make_session, make_person, make_agency):
    from tests.support import sign_in
    from tests.test_csvfile import FORMULAS, assert_no_formula, cells

    await make_session()
    agency = await make_agency()
    for n, formula in enumerate(FORMULAS):
        officer = await make_person(agency=agency, name=formula, badge_number=formula[:40])
        await certificate(officer, date(2025, 3, 1), "4", "LE", serial=f"DH-{n}")
        await Certificate.update({Certificate.course_title: formula, Certificate.credit_category: formula[:40]}).where(
            Certificate.serial == f"DH-{n}")
    supervisor = await make_person(roles=("supervisor",), supervised=[agency])
    await sign_in(client, supervisor.email)
    response = await client.get(f"/agencies/{agency.id}/hours?year=2025")
    assert response.status_code == 200
    assert_no_formula(response.text)
    rows = cells(response.text)[1:]
    assert sorted(rows) == sorted([f"'{formula[:40]}", f"'{formula}", f"'{formula}", "2025-03-01", "4",
                                   f"'{formula[:40]}", f"DH-{n}"] for n, formula in enumerate(FORMULAS))


async def test_hours_agree_on_the_dashboard_the_transcript_and_the_csv(client, make_session, make_person):
    """The dashboard once said 107.5 h where the year's CSV summed to 100.0 (it counted attendance at the
    course's hours, a revoked certificate's training included). Every place now counts the certificates
    that stand, through records.counted_certificates."""
    import csv
    from io import StringIO

    from drillhub.certificates.records import agency_hours
    from tests.support import sign_in

    await make_session()
    officer = await make_person()
    colleague = await make_person(agency=type("A", (), {"id": officer.agency})())
    year = date.today().year
    await certificate(officer, date(year, 2, 1), "92.5", "LE", serial="DH-1")
    await certificate(officer, date(year, 3, 1), "7.5", "LE", revoked=True, serial="DH-2")  # re-issued below
    await certificate(officer, date(year, 3, 1), "7.5", "LE", serial="DH-3")
    await certificate(colleague, date(year, 4, 1), "7.5", "LE", revoked=True, serial="DH-4")
    await certificate(colleague, date(year - 1, 4, 1), "40", "LE", serial="DH-5")  # last year
    assert await agency_hours([officer.agency], year) == {officer.agency: Decimal("100")}
    assert (await transcript(officer.id, date(year, 12, 1))).totals[(year, "LE")] == Decimal("100")
    rows = list(csv.DictReader(StringIO(await agency_hours_csv(officer.agency, year))))
    assert sum(Decimal(row["hours"]) for row in rows) == Decimal("100") and len(rows) == 2
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": officer.agency})])
    await sign_in(client, supervisor.email)
    page = (await client.get("/")).text
    assert f"Training hours {year}" in page and "<td>100.0</td>" in page
