from playwright.sync_api import Page, expect

from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def press_and_load(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_only_self_paced_play_to_the_debrief(page: Page, live_server):
    page.goto(f"{live_server}/sign-in")
    # chromium moves autofocus on its next rendering update, which a busy machine may delay
    expect(page.locator("#f-email")).to_be_focused()
    page.keyboard.type(DEMO_SIGN_INS["officer"])
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Jamie Chen")

    tab_to(page, "nav a[href='/exercises']")
    press_and_load(page, "Enter")
    tab_to(page, "#role-pursuit-across-lines")
    page.keyboard.press("ArrowDown")  # the first named role: the pursuing deputy
    tab_to(page, "form:has(#role-pursuit-across-lines) button")
    press_and_load(page, "Enter")
    expect(page.locator(".lede")).to_contain_text("you play Pursuing deputy")

    for _ in range(30):
        if page.get_by_role("link", name="See the debrief").count():
            break
        if page.locator("input[type=radio]").count():
            expect(page.locator("input[type=radio]").first).to_be_focused()  # autofocus: no mouse needed
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.type("Chosen by keyboard")
            page.keyboard.press("Tab")
            press_and_load(page, "Enter")
        else:
            expect(page.get_by_role("button", name="Continue")).to_be_focused()
            press_and_load(page, "Enter")
    tab_to(page, "a.button")
    press_and_load(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Debrief: Pursuit across county and state lines")
    expect(page.locator(".debrief-lines")).to_contain_text("Chosen by keyboard")
