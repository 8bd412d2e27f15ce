"""Small helpers for tests that talk to the app over HTTP."""

import httpx

PASSWORD = "tabletop-exercise-42"
CSRF_COOKIE = "drillhub-csrf"
SESSION_COOKIE = "drillhub-session"


async def csrf_token(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/healthz")
    return client.cookies[CSRF_COOKIE]


async def post_form(client: httpx.AsyncClient, url: str, data: dict | None = None, **kwargs) -> httpx.Response:
    """A form POST carrying the CSRF token, as the browser sends it."""
    token = await csrf_token(client)
    return await client.post(url, data={**(data or {}), "_csrf_token": token}, **kwargs)


async def post_htmx(client: httpx.AsyncClient, url: str, data: dict | None = None) -> httpx.Response:
    """An htmx POST: the CSRF token in the header, as base.html's hx-headers sends it."""
    token = await csrf_token(client)
    return await client.post(url, data=data or {}, headers={"HX-Request": "true", "x-csrftoken": token})


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 303, f"sign-in as {email} failed: {response.status_code}"
    return response


def plant_cookie(client: httpx.AsyncClient, name: str, value: str) -> None:
    """Set a cookie the way the server's own would be stored, so the two do not clash."""
    client.cookies.set(name, value, domain="testserver.local")
