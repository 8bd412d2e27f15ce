"""What every response carries, and the paths no route may see."""

from urllib.parse import quote

import pytest

from drillhub.http import odd_path
from tests.support import post_form, post_htmx


@pytest.mark.parametrize(("path", "odd"), [
    ("/sessions/1", False), ("/static/css/app.css", False), ("/scenarios/" + "é" * 127, False),
    ("/static/css/app.css\x00", True), ("/scenarios/a\r\nb", True), ("/scenarios/" + "x" * 256, True),
    ("/scenarios/" + "é" * 128, True),  # 256 bytes in UTF-8
])
def test_odd_paths(path, odd):
    assert odd_path(path) is odd


async def test_a_nul_byte_or_a_long_name_in_a_path_is_not_found(signed_in_client):
    coordinator = await signed_in_client("coordinator")
    for path in ("/static/css/app.css%00", "/static/" + "x" * 300, "/scenarios/%00", "/scenarios/" + "x" * 5000):
        response = await coordinator.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text


async def test_ids_in_a_path_are_ascii_digits(signed_in_client, make_session):
    coordinator = await signed_in_client("coordinator")
    session = await make_session()
    assert (await coordinator.get(f"/sessions/{session.id}")).status_code == 200
    assert (await coordinator.get(f"/sessions/0{session.id}")).status_code == 200  # a leading zero is still digits
    arabic_indic, full_width = ("".join(chr(zero + int(digit)) for digit in str(session.id)) for zero in (0x660, 0xFF10))
    for written in (f"+{session.id}", f" {session.id}", arabic_indic, full_width, f"\u2028{session.id}"):
        assert (await coordinator.get(f"/sessions/{quote(written)}")).status_code == 404, written


async def test_signed_in_pages_files_and_errors_are_not_stored_in_caches(signed_in_client):
    officer = await signed_in_client("officer")
    for path in ("/", f"/transcripts/{officer.person.id}/pdf", "/admin/audit/", "/no/such/record/1"):
        response = await officer.get(path)
        assert response.headers.get("cache-control") == "no-store", path
        assert response.headers["x-content-type-options"] == "nosniff", path


async def test_static_files_may_be_cached(client):
    response = await client.get("/static/css/app.css")
    assert response.status_code == 200 and response.headers["cache-control"] == "max-age=3600"


async def test_an_id_no_record_can_have_answers_400_with_a_message(signed_in_client):
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{2**63}")
    assert response.status_code == 400 and "not valid" in response.text
    assert (await coordinator.get("/sessions/0")).status_code == 400


async def test_redirects_are_paths_whatever_the_host_header_says(signed_in_client):
    admin = await signed_in_client("admin")
    url = f"/admin/people/{admin.person.id}/active"
    forged = await post_form(admin, url, {"active": "true"}, headers={"Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert forged.status_code == 303 and forged.headers["location"] == f"/admin/people/{admin.person.id}/edit"
    htmx = await post_htmx(admin, url, {"active": "true"})
    assert htmx.headers["hx-redirect"] == f"/admin/people/{admin.person.id}/edit"
