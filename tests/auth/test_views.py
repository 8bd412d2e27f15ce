import secrets

from drillhub.audit.tables import AuditEvent
from drillhub.settings import Settings
from tests.conftest import new_client
from tests.support import (
    CSRF_COOKIE,
    PASSWORD,
    SESSION_COOKIE,
    csrf_token,
    plant_cookie,
    post_form,
    post_htmx,
    sign_in,
)


async def test_session_id_changes_at_sign_in(client, make_person):
    person = await make_person()
    plant_cookie(client, SESSION_COOKIE, "planted-by-an-attacker")
    await sign_in(client, person.email)
    first = client.cookies[SESSION_COOKIE]
    assert first != "planted-by-an-attacker"
    await sign_in(client, person.email)
    assert client.cookies[SESSION_COOKIE] != first


async def test_a_planted_session_cookie_is_never_signed_in(client):
    plant_cookie(client, SESSION_COOKIE, secrets.token_urlsafe(32))
    response = await client.get("/admin/agencies/")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/admin/agencies&notice=expired"


async def test_sign_in_page_re_renders_with_the_email_kept(client, make_person):
    person = await make_person()
    response = await post_form(client, "/sign-in", {"email": person.email, "password": "nope nope nope"})
    assert response.status_code == 401
    assert f'value="{person.email}"' in response.text
    assert "The e-mail address or password is not right." in response.text
    assert SESSION_COOKIE not in client.cookies


async def test_sign_in_cookie_flags(client, make_person):
    person = await make_person()
    response = await sign_in(client, person.email)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie


async def test_production_cookies_are_secure_and_host_only(settings, make_person, make_app):
    person = await make_person()
    production = Settings(env="production", database_url=settings.database_url, secret_key=settings.secret_key)
    async with new_client(make_app(production)) as client:
        client.base_url = "https://testserver"
        response = await post_form(client, "/sign-in", {"email": person.email, "password": PASSWORD})
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("__Host-drillhub-session="))
    assert "Secure" in session and "HttpOnly" in session
    assert "Strict-Transport-Security" in response.headers


async def test_sign_in_only_redirects_within_the_site(client, make_person):
    person = await make_person()
    for target, expected in [("/admin/people/", "/admin/people/"), ("//evil.example/x", "/"),
                             ("https://evil.example", "/"), ("/\\evil.example", "/"),
                             ("/x\r\nSet-Cookie: planted=1", "/")]:
        response = await post_form(client, "/sign-in", {"email": person.email, "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected


async def test_sign_out_ends_the_session_on_the_server(client, make_person):
    person = await make_person()
    await sign_in(client, person.email)
    token = client.cookies[SESSION_COOKIE]
    response = await post_form(client, "/sign-out")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?notice=signed_out"
    client.cookies.set(SESSION_COOKIE, token)  # a copy of the old cookie is worthless now
    assert (await client.get("/")).status_code == 303


async def test_forms_without_or_with_a_wrong_csrf_token_get_403(client, make_person):
    person = await make_person()
    await csrf_token(client)
    missing = await client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    wrong = await client.post("/sign-in", data={"email": person.email, "password": PASSWORD, "_csrf_token": "x" * 40})
    assert missing.status_code == wrong.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_htmx_requests_without_or_with_a_wrong_csrf_header_get_403(signed_in_client):
    admin = await signed_in_client("admin")
    url = f"/admin/agencies/{admin.person.agency}/active"
    missing = await admin.post(url, data={"active": "false"}, headers={"HX-Request": "true"})
    wrong = await admin.post(url, data={"active": "false"}, headers={"HX-Request": "true", "x-csrftoken": "0" * 64})
    assert missing.status_code == wrong.status_code == 403
    allowed = await post_htmx(admin, url, {"active": "false"})
    assert allowed.status_code == 200


async def test_csrf_cookie_is_httponly(client):
    response = await client.get("/sign-in")
    csrf = next(c for c in response.headers.get_list("set-cookie") if c.startswith(CSRF_COOKIE))
    assert "HttpOnly" in csrf


async def test_pages_carry_security_headers(client):
    response = await client.get("/sign-in")
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_htmx_request_after_the_session_ends_is_sent_to_sign_in(client):
    plant_cookie(client, SESSION_COOKIE, "expired")
    response = await client.get("/admin/people/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=/admin/people")


def sent_from(address: str) -> dict:
    """Headers of a request passed on by the trusted proxy the test client connects as (127.0.0.1)."""
    return {"headers": {"X-Forwarded-For": address}}


async def sign_in_clients() -> list[str]:
    return [row["client"] for row in await AuditEvent.select(AuditEvent.client).where(
        AuditEvent.action == "sign_in").order_by(AuditEvent.id)]


async def test_five_failures_answer_429_and_refuse_the_right_password_from_that_address(client, make_person):
    person = await make_person()
    wrong = {"email": person.email, "password": "nope nope nope"}
    for _ in range(4):
        assert (await post_form(client, "/sign-in", wrong, **sent_from("203.0.113.5"))).status_code == 401
    fifth = await post_form(client, "/sign-in", wrong, **sent_from("203.0.113.5"))
    assert fifth.status_code == 429
    assert "Too many failed sign-ins from your address: try again in 10 minutes." in fifth.text
    right = {"email": person.email, "password": PASSWORD}
    assert (await post_form(client, "/sign-in", right, **sent_from("203.0.113.5"))).status_code == 429
    assert (await post_form(client, "/sign-in", right, **sent_from("198.51.100.7"))).status_code == 303
    assert await sign_in_clients() == ["203.0.113.5"] * 6 + ["198.51.100.7"]


async def test_the_client_is_the_right_most_address_the_trusted_proxy_did_not_add(client, make_person):
    person = await make_person()
    form = {"email": person.email, "password": PASSWORD}
    await post_form(client, "/sign-in", form, **sent_from("10.9.9.9, 203.0.113.5"))  # 10.9.9.9: made up
    await post_form(client, "/sign-in", form, **sent_from("127.0.0.1, 127.0.0.1"))  # all trusted: the left-most
    await post_form(client, "/sign-in", form)  # no header: the proxy itself
    assert await sign_in_clients() == ["203.0.113.5", "127.0.0.1", "127.0.0.1"]


async def test_an_untrusted_peers_forwarded_for_is_ignored(settings, make_person, make_app):
    person = await make_person()
    no_proxies = Settings(env="test", database_url=settings.database_url, secret_key=settings.secret_key,
                          trusted_proxies=())
    async with new_client(make_app(no_proxies)) as client:
        await post_form(client, "/sign-in", {"email": person.email, "password": PASSWORD}, **sent_from("203.0.113.5"))
    assert await sign_in_clients() == ["127.0.0.1"]
