"""The projector's QR code, as the page shows it under drillhub's Content-Security-Policy, decodes to the
join link (reportlab's inline styles, blocked by the CSP, once made it a black square)."""

import shutil
import subprocess

from playwright.sync_api import Browser

from tests.browser.test_facilitated import a_session_the_officer_is_enrolled_in, person
from tests.conftest import skip_unless_ci


def test_the_projector_qr_code_decodes_to_the_join_link(browser: Browser, live_server, live_database, tmp_path):
    if not shutil.which("zbarimg"):
        skip_unless_ci("zbarimg (Debian's zbar-tools) is needed to decode the QR code")
    facilitator = person(browser, live_server, "facilitator")
    facilitator.goto(f"{live_server}/sessions/{a_session_the_officer_is_enrolled_in(live_database)}")
    facilitator.get_by_role("link", name="Run an exercise").click()
    facilitator.get_by_role("button", name="Open the lobby").click()
    code = facilitator.locator(".join-code").first.inner_text()
    facilitator.get_by_role("link", name="Projector view").click()

    facilitator.locator(".qr").screenshot(path=tmp_path / "qr.png")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert decoded.stdout.strip().endswith(f"/join?code={code}")
