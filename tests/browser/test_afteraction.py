"""An evaluator observes and rates during a live run; supervisors download the AAR, or are refused."""

import sqlite3
from io import BytesIO

from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS
from tests.browser.test_facilitated import person


def second_session_the_officer_is_enrolled_in(database) -> int:
    with sqlite3.connect(database) as db:  # the first one is played by the facilitated test
        return db.execute(
            "SELECT s.id FROM session s JOIN enrollment e ON e.session = s.id JOIN person p ON p.id = e.person "
            "WHERE p.email = ? AND s.status = 'published' AND e.status = 'enrolled' ORDER BY s.starts_at "
            "LIMIT 1 OFFSET 1", (DEMO_SIGN_INS["officer"],)).fetchone()[0]


def supervisor_of(database, agency_code: str) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT p.email FROM person p JOIN supervised_agency s ON s.person = p.id "
                          "JOIN agency a ON a.id = s.agency WHERE a.code = ?", (agency_code,)).fetchone()[0]


def signed_in(browser: Browser, base_url: str, email: str):
    page = browser.new_context(accept_downloads=True).new_page()
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page


def test_evaluation_during_a_run_and_the_aar_for_supervisors(browser: Browser, live_server, live_database):
    session_id = second_session_the_officer_is_enrolled_in(live_database)
    facilitator = person(browser, live_server, "facilitator")
    officer = person(browser, live_server, "officer")  # Riverton PD
    evaluator = person(browser, live_server, "evaluator")  # the session's lead evaluator

    facilitator.goto(f"{live_server}/sessions/{session_id}/exercises")
    facilitator.get_by_label("Scenario").select_option(label="Active threat at Riverton High School")
    facilitator.get_by_role("button", name="Open the lobby").click()
    code = facilitator.locator(".join-code").first.inner_text()
    officer.goto(f"{live_server}/join")
    officer.get_by_label("Join code").fill(code)
    officer.get_by_role("button", name="Join").click()
    expect(facilitator.get_by_label("Role of Jamie Chen")).to_be_visible(timeout=6000)  # the console follows
    facilitator.get_by_label("Role of Jamie Chen").select_option(label="Patrol sergeant, Riverton PD")
    facilitator.get_by_role("button", name="Set the role of Jamie Chen").click()
    facilitator.get_by_role("button", name="Start the exercise").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("The first 911 calls", timeout=6000)
    officer.locator("#c-patrol-enter-now").check()
    officer.get_by_label("Why?").fill("Stop the killing")
    officer.get_by_role("button", name="Decide").click()

    # while the run goes on, the evaluator writes the EEG, observes the decision and rates it
    evaluator.goto(f"{live_server}/sessions/{session_id}/evaluation/")
    evaluator.get_by_role("link", name="Add a capability target").click()
    evaluator.get_by_label("Core capability").select_option("On-scene Security, Protection, and Law Enforcement")
    evaluator.get_by_label("Capability target").fill("First officers enter and stop the threat within 5 minutes")
    evaluator.get_by_label("Critical tasks").fill("Form a contact team\nEnter without waiting for SWAT")
    evaluator.get_by_role("button", name="Add the target").click()
    evaluator.get_by_label("Target or critical task").select_option(label="Task: Enter without waiting for SWAT")
    evaluator.get_by_label("Inject or decision it concerns").select_option(index=1)
    expect(evaluator.get_by_label("Inject or decision it concerns")).to_contain_text("Riverton PD chose First officers")
    evaluator.get_by_label("What you observed").fill("Sergeant sent the first two units in at once.")
    evaluator.get_by_label("What it shows").select_option(label="A strength")
    evaluator.get_by_role("button", name="Record the observation").click()
    expect(evaluator.locator("ol.observations")).to_contain_text("Sergeant sent the first two units in at once.")
    evaluator.get_by_label("Your rating of this target").select_option("P")
    evaluator.locator("#ratings input[name=reconciled]").first.check()
    evaluator.locator("#ratings").get_by_role("button", name="Rate").first.click()
    expect(evaluator.locator("#ratings")).to_contain_text("Reconciled: P")
    evaluator.goto(f"{live_server}/sessions/{session_id}/report/")
    evaluator.get_by_role("button", name="Write the first draft from the data").click()
    expect(evaluator.get_by_text("version 1: draft")).to_be_visible()

    # Riverton PD took part: its supervisor downloads the AAR; a sheriff's supervisor may not
    supervisor = signed_in(browser, live_server, DEMO_SIGN_INS["supervisor"])
    supervisor.goto(f"{live_server}/sessions/{session_id}/report/")
    with supervisor.expect_download() as download:
        supervisor.get_by_role("link", name="PDF of version 1").click()
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "Sergeant sent the first two units in at once." in " ".join(text.split())
    outsider = signed_in(browser, live_server, supervisor_of(live_database, "HCSO"))
    response = outsider.request.get(f"{live_server}/sessions/{session_id}/report/1/pdf")
    assert response.status == 403
