import shutil
import subprocess

from playwright.sync_api import Page

from drillhub.facilitation.qr import qr_svg
from tests.conftest import skip_unless_ci


def test_the_projector_qr_code_decodes_to_the_join_link(page: Page, tmp_path):
    if not shutil.which("zbarimg"):
        skip_unless_ci("zbarimg (Debian's zbar-tools) is needed to decode the QR code")
    link = "https://drillhub.example/join?code=ABC234"
    page.set_viewport_size({"width": 300, "height": 300})
    page.set_content(f"<html><body style='margin:0;background:#fff'>{qr_svg(link)}</body></html>")
    page.screenshot(path=tmp_path / "qr.png")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == link
