from playwright.sync_api import Page, expect

from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS


def sign_in(page: Page, base_url: str, role: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("E-mail address").fill(DEMO_SIGN_INS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_coordinator_signs_in_through_the_form_and_sees_the_dashboard(page: Page, live_server):
    sign_in(page, live_server, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Marcus Bell")
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Audit log")


def test_wrong_password_keeps_the_email_and_says_why(page: Page, live_server):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(DEMO_SIGN_INS["officer"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")
    expect(page.get_by_label("E-mail address")).to_have_value(DEMO_SIGN_INS["officer"])


def test_admin_fixes_a_form_error_in_place_with_htmx(page: Page, live_server):
    sign_in(page, live_server, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    page.get_by_role("link", name="Add an agency").click()
    page.get_by_label("Name", exact=True).fill("Bexley Fire District")
    page.get_by_label("Short code").fill("bfd")
    page.get_by_label("Kind of agency").select_option("fire")
    page.get_by_role("button", name="Add agency").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter the area the agency serves.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Bexley Fire District")  # nothing lost
    page.get_by_label("Jurisdiction").fill("Bexley County")
    page.get_by_role("button", name="Add agency").click()
    expect(page.get_by_role("status").first).to_contain_text("Agency Bexley Fire District was added.")
    page.get_by_label("Search by name, code or jurisdiction").fill("bfd")
    expect(page.locator("#agency-list tbody tr")).to_have_count(1)
