"""Small helpers for tests that talk to the app over HTTP."""

import re
from pathlib import Path, PurePosixPath

import httpx
from litestar.routes import HTTPRoute

from drillhub.scenarios.loader import read_scenario

PASSWORD = "tabletop-exercise-42"
CSRF_COOKIE = "drillhub-csrf"
SESSION_COOKIE = "drillhub-session"


TOKEN_IN_PAGE = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"|"x-csrftoken": "([0-9a-f]+)"')


def token_in(page: str) -> str:
    """The CSRF token a page gives its forms and htmx requests."""
    return next(group for group in TOKEN_IN_PAGE.search(page).groups() if group)


async def csrf_token(client: httpx.AsyncClient) -> str:
    """The token the pages give this client now (it changes at sign-in: it is bound to the session)."""
    return token_in((await client.get("/sign-in", follow_redirects=True)).text)  # signed in: the dashboard


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


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, base_url: str, *options: str):
    """Start `drillhub serve` (with `options`) and wait until /healthz answers; the caller stops the process."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    server = subprocess.Popen([str(Path(sys.executable).parent / "drillhub"), "serve", *options], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"drillhub serve did not start: {server.stderr.read().decode()[-2000:]}")


def routes(app) -> list[tuple[str, str, str]]:
    """(method, path template, route name) for every handler, sign-out last as it ends the session."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                    found.append((method, route.path, handler.name))
    return sorted(found, key=lambda item: item[2] == "auth:sign_out")


def concrete(path: str, ids: dict[str, int | str]) -> str:
    """A route's path with its parameters filled from `ids` (see the every_record fixture)."""
    path = path.replace("{file_path:path}", "css/app.css").replace("{action:str}", "pause")
    return re.sub(r"\{(\w+):\w+\}", lambda match: str(ids[match.group(1)]), path)


def files_beside(path: Path) -> dict[str, bytes]:
    """The files a scenario file's attachments name, by name, as the upload form sends them."""
    scenario, _ = read_scenario(path.read_text())
    return {PurePosixPath(a.file).name: (path.parent / a.file).read_bytes() for a in scenario.attachments}
