from datetime import date, timedelta

from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in import sign_in


def fill_session(page: Page, day: date, start: str, end: str) -> None:
    page.get_by_label("Course", exact=True).select_option(label="Active threat response")
    page.get_by_label("Venue (optional)").select_option(index=1)  # the EOC Training Room
    page.get_by_label("Starts").fill(f"{day.isoformat()}T{start}")
    page.get_by_label("Ends").fill(f"{day.isoformat()}T{end}")
    page.get_by_label("Seats", exact=True).fill("20")
    page.get_by_label("Seats", exact=True).blur()


def test_coordinator_schedules_sees_a_conflict_live_enrols_two_agencies_and_downloads_the_invite(
        page: Page, live_server, tmp_path):
    sign_in(page, live_server, "coordinator")
    day = date.today() + timedelta(days=45)
    page.goto(f"{live_server}/sessions/new")
    fill_session(page, day, "06:30", "07:30")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Active threat response")

    page.goto(f"{live_server}/sessions/new")
    fill_session(page, day, "07:00", "09:00")  # overlaps the draft in the same room
    conflicts = page.locator("#session-conflicts")
    expect(conflicts).to_contain_text("is booked for Active threat response")
    page.get_by_label("Starts").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Ends").fill(f"{day.isoformat()}T12:00")
    page.get_by_label("Ends").blur()
    expect(conflicts).to_contain_text("No conflicts with other sessions.")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status").first).to_contain_text("The session was published.")
    session_url = page.url

    for agency in ("Riverton Police Department", "Harlan County Sheriff's Office"):
        page.get_by_role("link", name="Enrol people").click()
        page.get_by_label("Agency").select_option(label=agency)
        page.get_by_role("button", name="Enrol the people ticked").click()
        expect(page.get_by_role("status").first).to_contain_text("enrolled")
    roster = page.locator("table").last
    expect(roster).to_contain_text("RPD")
    expect(roster).to_contain_text("HCSO")

    assert page.url == session_url
    with page.expect_download() as download:
        page.get_by_role("link", name="Invitation with every attendee (.ics)").click()
    path = tmp_path / "invite.ics"
    download.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and len(event["ATTENDEE"]) >= 6
    assert event.decoded("DTSTART").hour == 10
