from datetime import date, timedelta

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

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
        page.get_by_role("link", name="Tick everyone listed").click()  # nobody is ticked until asked
        expect(page.get_by_role("checkbox").first).to_be_checked()
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


def test_an_officer_declines_and_the_first_on_the_waitlist_gets_the_seat_and_is_told(browser: Browser, live_server):
    coordinator = browser.new_context().new_page()
    sign_in(coordinator, live_server, "coordinator")
    coordinator.goto(f"{live_server}/sessions/new")
    fill_session(coordinator, date.today() + timedelta(days=75), "06:30", "07:30")  # nobody busy then
    coordinator.get_by_label("Seats", exact=True).fill("1")
    coordinator.get_by_role("button", name="Save and publish").click()
    expect(coordinator.get_by_role("status").first).to_contain_text("The session was published.")
    session_url = coordinator.url
    for name in ("Jamie Chen", "Avery Abbott"):  # the officer takes the one seat; Avery waits
        coordinator.get_by_role("link", name="Enrol people").click()
        coordinator.get_by_label("Agency").select_option(label="Riverton Police Department")
        coordinator.get_by_label(name).check()
        coordinator.get_by_role("button", name="Enrol the people ticked").click()
        expect(coordinator.get_by_role("status").first).to_contain_text("enrolled")
    roster = coordinator.locator("table").last
    expect(roster.get_by_role("row", name="Avery Abbott")).to_contain_text("waitlisted (no. 1)")

    admin = browser.new_context().new_page()
    sign_in(admin, live_server, "admin")
    admin.goto(f"{live_server}/admin/outbox")
    promotions_before = admin.get_by_text("A seat is yours: Active threat response").count()
    officer = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sign_in(officer, live_server, "officer")
    officer.goto(session_url)
    officer.get_by_text("Decline or withdraw").click()  # the consequence is read before the button
    expect(officer.get_by_text("Either gives up your seat")).to_be_visible()
    officer.get_by_role("button", name="Decline the invitation").click()
    expect(officer.get_by_role("status").first).to_contain_text(
        "You declined and gave up your seat. The seat went to the next person on the waitlist.")

    coordinator.reload()
    expect(roster.get_by_role("row", name="Avery Abbott")).to_contain_text("enrolled")
    expect(roster.get_by_role("row", name="Jamie Chen")).to_contain_text("declined")
    admin.reload()  # the promoted person is told: one more such message than before the decline
    expect(admin.get_by_text("A seat is yours: Active threat response")).to_have_count(promotions_before + 1)


def test_at_360_px_the_roster_actions_and_every_day_of_the_month_are_on_screen(browser: Browser, live_server):
    coordinator = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sign_in(coordinator, live_server, "coordinator")
    coordinator.goto(f"{live_server}/sessions/?view=month")
    events = coordinator.locator("table.month .event")
    assert events.count() > 0
    for n in range(events.count()):  # Friday to Sunday too: nothing off to the side
        box = events.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, events.nth(n).inner_text()
    coordinator.locator("table.month .event").first.click()
    roster = coordinator.locator("table.stacks")
    withdraw = roster.get_by_role("button", name="Withdraw").first
    withdraw.scroll_into_view_if_needed()
    box = withdraw.bounding_box()
    assert box["x"] + box["width"] <= 360
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 360
