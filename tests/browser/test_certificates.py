"""Scan-equivalent: the QR code on an officer's certificate opens the public verification page, which
turns to revoked when a coordinator revokes the certificate; a supervisor reaches an officer's transcript
from the app."""

import shutil
import subprocess

from playwright.sync_api import Browser, Page, expect

from drillhub.demo import DEMO_SIGN_INS
from tests.browser.test_afteraction import signed_in
from tests.browser.test_facilitated import person
from tests.browser.test_sign_in import sign_in
from tests.conftest import skip_unless_ci


def test_scan_verify_revoke_verify(browser: Browser, live_server, tmp_path):
    if not shutil.which("zbarimg"):
        skip_unless_ci("zbarimg (Debian's zbar-tools) is needed to decode the QR code")
    officer = signed_in(browser, live_server, DEMO_SIGN_INS["officer"])
    officer.goto(f"{live_server}/my/trainings")
    officer.get_by_role("link", name="My training transcript and certificates").click()
    officer.locator("table a[href^='/certificates/']").first.click()
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    certificate_url = officer.url
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True,
                             text=True).stdout.strip()
    assert scanned.startswith(f"{live_server}/verify/")

    anyone = browser.new_context().new_page()  # not signed in: like a phone scanning the code
    anyone.goto(scanned)
    expect(anyone.locator(".verdict")).to_contain_text("Valid")
    expect(anyone.locator(".facts")).to_contain_text("Jamie Chen")

    coordinator = person(browser, live_server, "coordinator")
    coordinator.goto(certificate_url)
    coordinator.get_by_label("Reason (sent to the holder and kept in the audit log)").fill("Issued in error")
    coordinator.get_by_role("button", name="Revoke", exact=True).click()
    expect(coordinator.locator(".badge")).to_have_text("revoked")

    anyone.reload()
    expect(anyone.locator(".verdict")).to_contain_text("Revoked on")


def test_a_supervisor_finds_an_officers_transcript_from_the_people_page(page: Page, live_server):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server, "supervisor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and training records")
    row = page.get_by_role("row", name="Jamie Chen")
    expect(row).to_be_visible()
    row.get_by_role("link", name="Jamie Chen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training transcript")
    expect(page.get_by_text("Jamie Chen, Riverton Police Department")).to_be_visible()
