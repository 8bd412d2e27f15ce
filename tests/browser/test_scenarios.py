from playwright.sync_api import Page, expect

from tests.browser.test_sign_in import sign_in


def test_facilitator_finds_a_scenario_by_capability_and_sees_its_branches(page: Page, live_server):
    sign_in(page, live_server, "facilitator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenarios").click()
    expect(page.get_by_text("5 scenarios")).to_be_visible()  # loaded from scenarios/ when the server started
    page.get_by_label("Core capability").select_option("Cybersecurity")
    expect(page.locator("#scenario-list .card")).to_have_count(1)
    page.get_by_role("link", name="Ransomware at the 911 centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ransomware at the 911 centre")
    expect(page.locator(".graph svg")).to_be_visible()
    expect(page.get_by_text("No errors and no warnings.")).to_be_visible()
