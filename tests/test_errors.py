import pytest
from litestar import get

from drillhub.errors import Conflict, Invalid
from tests.conftest import new_client


async def test_unknown_page_is_a_friendly_404(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.text and "<html" in response.text


async def test_wrong_method_and_bad_path_parameter_are_not_500(signed_in_client):
    admin = await signed_in_client("admin")
    assert (await admin.delete("/admin/agencies/")).status_code == 405
    assert (await admin.get("/admin/agencies/abc/edit")).status_code == 404


async def test_403_page_for_a_role_that_may_not(signed_in_client):
    officer = await signed_in_client("officer")
    response = await officer.get("/admin/audit/")
    assert response.status_code == 403 and "You may not do this" in response.text


async def test_htmx_errors_are_short_text_for_the_alert_area(signed_in_client):
    officer = await signed_in_client("officer")
    response = await officer.get("/admin/audit/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain") and "<html" not in response.text


async def test_an_unexpected_error_shows_no_internals(settings, make_app):
    @get("/boom", name="boom")
    async def boom() -> str:
        raise RuntimeError("secret internal detail /etc/passwd")

    app = make_app(settings)
    app.register(boom)
    async with new_client(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "secret internal detail" not in response.text


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [(Conflict("The venue is already booked."), 409, "The venue is already booked."),
     (Invalid({"when": "End before start."}), 422, "This input cannot be accepted")],
)
async def test_domain_errors_map_to_their_pages(settings, make_app, error, status, text):
    @get("/fails", name="fails")
    async def fails() -> str:
        raise error

    app = make_app(settings)
    app.register(fails)
    async with new_client(app) as client:
        response = await client.get("/fails")
    assert response.status_code == status and text in response.text
