"""A facilitator and two players from different agencies, each in their own browser, play a shipped
scenario to an ending: the console's lobby filling as they join, briefings arriving with the roles, a
projector that follows the run and shows only what is for everyone, a timed inject, a decision whose time
runs out, a team decision, and each seeing only their role's information. Then a run ended early, and a
player whose connection drops."""

import sqlite3

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS


def person(browser: Browser, base_url: str, role: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("E-mail address").fill(DEMO_SIGN_INS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page


def a_session_the_officer_is_enrolled_in(database) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT s.id FROM session s JOIN enrollment e ON e.session = s.id JOIN person p ON p.id = e.person "
            "WHERE p.email = ? AND s.status = 'published' AND e.status = 'enrolled' ORDER BY s.starts_at LIMIT 1",
            (DEMO_SIGN_INS["officer"],)).fetchone()[0]


def let_time_pass(database, seconds: int) -> None:
    with sqlite3.connect(database) as db:
        # keep the stored format (with its UTC offset), as the app wrote it
        db.execute("UPDATE run_event SET at = strftime('%Y-%m-%d %H:%M:%f', at, ?) || '+00:00'",
                   (f"-{seconds} seconds",))
        # the run too: a changed created_at tells the server that the run it keeps rebuilt is not this one
        db.execute("UPDATE run SET created_at = strftime('%Y-%m-%d %H:%M:%f', created_at, ?) || '+00:00'",
                   (f"-{seconds} seconds",))
        # and when its timed work falls due, which each worker's ticker reads
        db.execute("UPDATE run SET due_at = strftime('%Y-%m-%d %H:%M:%f', due_at, ?) || '+00:00' "
                   "WHERE due_at IS NOT NULL", (f"-{seconds} seconds",))


def visit(page: Page, url: str) -> None:
    try:
        page.goto(url)  # rather than reload: the page may be reloading itself, told the run changed
    except PlaywrightError:  # it was, at that moment: this is the page as it reloaded
        page.wait_for_load_state()


def play_your_part(page: Page, url: str) -> None:
    visit(page, url)
    if page.get_by_role("button", name="Confirm the team's choice").count():
        page.locator("input[name=choice][id^=lead-]").first.check()
        page.get_by_role("button", name="Confirm the team's choice").click()
    elif page.locator(".decision input[type=radio]").count():
        page.locator(".decision input[type=radio]").first.check()
        page.locator(".decision textarea").first.fill("Played in the browser test")
        page.locator(".decision button").first.click()


def test_three_browsers_play_a_facilitated_exercise(browser: Browser, live_server, live_database):
    session_id = a_session_the_officer_is_enrolled_in(live_database)
    facilitator = person(browser, live_server, "facilitator")
    officer = person(browser, live_server, "officer")  # Riverton PD
    evaluator = person(browser, live_server, "evaluator")  # Riverton Fire, on the session's staff

    facilitator.goto(f"{live_server}/sessions/{session_id}")
    facilitator.get_by_role("link", name="Run an exercise").click()
    facilitator.get_by_label("Scenario").select_option(label="Active threat at Riverton High School")
    facilitator.get_by_role("button", name="Open the lobby").click()
    code = facilitator.locator(".join-code").first.inner_text()
    console_url = facilitator.url
    run_url = console_url.removesuffix("/console")

    projector = facilitator.context.new_page()
    projector.goto(f"{run_url}/projector")
    expect(projector.get_by_text("Waiting for the facilitator to start.")).to_be_visible()
    for page in (officer, evaluator):
        page.goto(f"{live_server}/join")
        page.get_by_label("Join code").fill(code.lower())
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Waiting to start")

    # the console lists people as they join, and a player's page learns its role (and briefing) by itself
    expect(facilitator.get_by_label("Role of Owen Pryor")).to_be_visible(timeout=6000)
    facilitator.get_by_label("Role of Jamie Chen").select_option(label="Patrol sergeant, Riverton PD")
    facilitator.get_by_role("button", name="Set the role of Jamie Chen").click()
    expect(officer.get_by_role("heading", name="Your briefing")).to_be_visible(timeout=6000)
    expect(officer.get_by_text("the school resource officer is on leave today")).to_be_visible()
    facilitator.get_by_label("Role of Owen Pryor").select_option(label="Battalion chief, Riverton FD")
    facilitator.get_by_role("button", name="Set the role of Owen Pryor").click()
    expect(evaluator.get_by_role("heading", name="Your briefing")).to_be_visible(timeout=6000)  # their own
    expect(evaluator.get_by_text("the school resource officer is on leave today")).to_have_count(0)
    officer.evaluate("window.drawnOnce = true")  # gone if the page were loaded again
    facilitator.get_by_role("button", name="Start the exercise").click()

    # the players' pages and the projector follow within seconds, without anyone reloading them: the
    # scene arrives in the page's stream, and the keyboard is at its first choice
    expect(officer.get_by_role("heading", level=1)).to_have_text("The first 911 calls", timeout=6000)
    assert officer.evaluate("window.drawnOnce === true")
    expect(officer.locator(".decision input[type=radio]").first).to_be_focused()
    expect(evaluator.get_by_role("heading", level=1)).to_have_text("The first 911 calls", timeout=6000)
    expect(projector.get_by_role("heading", level=2, name="The first 911 calls")).to_be_visible(timeout=6000)
    expect(officer.get_by_text("Unit 14 is two minutes out, alone.")).to_be_visible()  # patrol only
    expect(evaluator.get_by_text("Unit 14 is two minutes out, alone.")).to_have_count(0)
    expect(evaluator.locator(".decision")).to_have_count(0)  # fire does not decide in this scene

    let_time_pass(live_database, 95)  # the inject at +1:30 falls due; the next poll delivers it
    expect(officer.locator("#run-status")).to_contain_text("14 on scene, north doors", timeout=6000)
    evaluator.wait_for_timeout(2500)  # a poll later, still nothing: that inject goes to patrol and dispatch only
    expect(evaluator.locator("#run-status")).not_to_contain_text("14 on scene")
    expect(projector.locator("#run-status")).not_to_contain_text("14 on scene")  # a shared screen
    expect(projector.locator("body")).not_to_contain_text("Unit 14 is two minutes out")
    expect(projector.locator("body")).not_to_contain_text("school resource officer")

    # the officer types a reason but does not decide in time: the default is recorded, the reason kept
    officer.get_by_label("Why?").fill("Stop the killing")
    officer.wait_for_timeout(1500)  # the draft is saved 0.8 s after the last key
    let_time_pass(live_database, 30)  # past the two minutes
    expect(officer.get_by_text("Time ran out on “The first 911 calls”")).to_be_visible(timeout=6000)
    assert officer.evaluate("window.drawnOnce === true")  # the next scene came in the stream too
    assert officer.evaluate("document.activeElement !== document.body")  # the keyboard is in the new scene
    expect(officer.locator(".alert")).to_contain_text("What you had typed is kept with it: “Stop the killing”")
    expect(officer.locator(".last-scene")).to_contain_text("Patrol sergeant, Riverton PD chose Hold the channel")
    expect(officer.locator(".last-scene")).to_contain_text("(default on time-out)")

    saw_team_votes = False
    for _ in range(25):
        visit(facilitator, console_url)
        if facilitator.get_by_role("link", name="Debrief").count():
            break
        play_your_part(evaluator, run_url)
        visit(officer, run_url)
        if officer.locator("#run-status").get_by_text("Team votes").count():
            saw_team_votes = True
        play_your_part(officer, run_url)
        visit(facilitator, console_url)
        if facilitator.get_by_role("button", name="Stand-ins decide for roles without players").count():
            facilitator.get_by_role("button", name="Stand-ins decide for roles without players").click()
        if facilitator.get_by_role("button", name="Advance").count():
            facilitator.get_by_role("button", name="Advance").click()
    assert saw_team_votes
    visit(officer, run_url)
    expect(officer.get_by_role("link", name="See the debrief")).to_be_visible()
    officer.get_by_role("link", name="See the debrief").click()
    expect(officer.locator(".debrief-lines")).to_contain_text("Stop the killing")
    expect(officer.locator(".debrief-lines")).to_contain_text("default on time-out")
    expect(officer.locator(".debrief-lines")).to_contain_text("Jamie Chen (RPD)")


def started_with_the_officer(browser: Browser, live_server, live_database, officer: Page | None = None):
    """A facilitated run of the school scenario, the officer in it as the patrol sergeant, started."""
    session_id = a_session_the_officer_is_enrolled_in(live_database)
    facilitator = person(browser, live_server, "facilitator")
    officer = officer or person(browser, live_server, "officer")
    facilitator.goto(f"{live_server}/sessions/{session_id}")
    facilitator.get_by_role("link", name="Run an exercise").click()
    facilitator.get_by_label("Scenario").select_option(label="Active threat at Riverton High School")
    facilitator.get_by_role("button", name="Open the lobby").click()
    code = facilitator.locator(".join-code").first.inner_text()
    run_url = facilitator.url.removesuffix("/console")
    officer.goto(f"{live_server}/join?code={code}")
    officer.get_by_role("button", name="Join").click()
    expect(facilitator.get_by_label("Role of Jamie Chen")).to_be_visible(timeout=6000)
    facilitator.get_by_label("Role of Jamie Chen").select_option(label="Patrol sergeant, Riverton PD")
    facilitator.get_by_role("button", name="Set the role of Jamie Chen").click()
    facilitator.get_by_role("button", name="Start the exercise").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("The first 911 calls", timeout=6000)
    return facilitator, officer, run_url


def test_a_page_whose_stream_is_refused_follows_the_run_by_asking(browser: Browser, live_server, live_database):
    officer = person(browser, live_server, "officer")
    officer.route("**/stream*", lambda route: route.abort("connectionrefused"))  # a proxy that will not hold it
    asked = []
    officer.on("response", lambda response: asked.append(response.url) if "/pulse" in response.url else None)
    facilitator, officer, run_url = started_with_the_officer(browser, live_server, live_database, officer)
    assert asked  # the lobby followed the start by asking every two seconds
    facilitator.get_by_role("button", name="Stand-ins decide for roles without players").click()
    officer.locator("#c-patrol-enter-now").check()
    officer.get_by_role("button", name="Decide").click()
    facilitator.get_by_role("button", name="Advance").click()
    expect(officer.get_by_role("heading", level=1)).not_to_have_text("The first 911 calls", timeout=6000)
    facilitator.get_by_text("End the exercise now…").click()
    facilitator.get_by_role("button", name="Yes, end the exercise now").click()


def test_a_dropped_connection_loses_nothing_and_a_run_ended_early_has_its_debrief(browser: Browser, live_server,
                                                                                  live_database):
    facilitator, officer, run_url = started_with_the_officer(browser, live_server, live_database)
    officer.context.set_offline(True)
    officer.get_by_label("Why?").fill("Holding until I know where he is")
    expect(officer.locator(".connection-lost")).to_contain_text("The server cannot be reached", timeout=6000)
    officer.locator("#c-patrol-enter-now").check()
    officer.get_by_role("button", name="Decide").click()  # sent while offline: refused by the network, page kept
    expect(officer.get_by_label("Why?")).to_have_value("Holding until I know where he is")
    officer.context.set_offline(False)
    expect(officer.locator(".connection-lost")).to_have_count(0, timeout=6000)  # a poll got through
    officer.reload()
    expect(officer.get_by_label("Why?")).to_have_value("Holding until I know where he is")

    facilitator.get_by_text("End the exercise now…").click()
    expect(facilitator.get_by_text("It cannot be resumed")).to_be_visible()
    facilitator.get_by_role("button", name="Yes, end the exercise now").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("The exercise has ended", timeout=6000)
    officer.get_by_role("link", name="See the debrief").click()
    expect(officer.get_by_role("heading", level=2, name="Ending: Ended at “The first 911 calls”")).to_be_visible()
    assert officer.url == f"{run_url}/debrief"
