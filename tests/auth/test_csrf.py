"""The CSRF token is bound to the session (or, before sign-in, to the browser's own cookie)."""

from drillhub.settings import Settings
from tests.conftest import new_client
from tests.support import CSRF_COOKIE, csrf_token, post_form, sign_in


async def test_an_attackers_own_cookie_and_token_do_not_work_with_a_victims_session(app, make_person):
    victim = await make_person(roles=("admin",))
    async with new_client(app) as attacker, new_client(app) as browser:
        attackers_token = await csrf_token(attacker)  # a valid pair: the attacker's cookie and its token
        await sign_in(browser, victim.email)
        browser.cookies.set(CSRF_COOKIE, attacker.cookies[CSRF_COOKIE])  # tossed into the victim's browser
        url = f"/admin/agencies/{victim.agency}/active"
        forged = await browser.post(url, data={"active": "false", "_csrf_token": attackers_token})
        assert forged.status_code == 403 and "reload the page" in forged.text
        assert (await post_form(browser, url, {"active": "false"})).status_code == 303  # the victim's own form


async def test_another_signed_in_persons_token_does_not_work(app, make_person):
    mallory, victim = await make_person(), await make_person(roles=("admin",))
    async with new_client(app) as attacker, new_client(app) as browser:
        await sign_in(attacker, mallory.email)
        await sign_in(browser, victim.email)
        url = f"/admin/agencies/{victim.agency}/active"
        forged = await browser.post(url, data={"active": "false"}, headers={"x-csrftoken": await csrf_token(attacker)})
        assert forged.status_code == 403


async def test_signing_in_gives_a_new_token(client, make_person):
    person = await make_person()
    before = await csrf_token(client)
    await sign_in(client, person.email)
    after = await csrf_token(client)
    assert after != before
    stale = await client.post("/calendar-feeds", data={"_csrf_token": before})
    assert stale.status_code == 403
    assert (await client.post("/calendar-feeds", data={"_csrf_token": after})).status_code == 200


async def test_production_csrf_cookie_is_host_only_secure_and_httponly(settings, make_app):
    production = Settings(env="production", database_url=settings.database_url, secret_key=settings.secret_key)
    async with new_client(make_app(production)) as client:
        client.base_url = "https://testserver"
        response = await client.get("/sign-in")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("__Host-drillhub-csrf="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie and "Domain" not in cookie
