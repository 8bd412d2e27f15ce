"""What every request and response passes through, whatever route it reaches: the scheme a trusted
proxy reports is believed, odd paths are refused, and every response carries the security headers and, unless it says otherwise, `Cache-Control:
no-store` (signed-in pages, PDFs, CSV, JSON, ICS and ZIP files must not stay in shared or browser caches)."""

import re
from collections.abc import Awaitable, Callable

from litestar import Request
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.exceptions import NotFoundException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from drillhub import clients
from drillhub.settings import Settings

MAX_SEGMENT_BYTES = 255  # no file or record name is longer; file systems refuse longer names
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def odd_path(path: str) -> bool:
    """A decoded path no page of ours has: a control character, or a segment too long for any name."""
    return bool(_CONTROL.search(path)) or any(len(part.encode()) > MAX_SEGMENT_BYTES for part in path.split("/"))


async def refuse_odd_path(request: Request) -> None:
    """A before_request hook: a NUL byte in a static file's name or a 5,000-character slug is not found,
    rather than an error of the file system or the database."""
    if odd_path(request.scope["path"]):
        raise NotFoundException()


def forwarded_scheme(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """Behind a trusted TLS proxy the browser spoke https: the scheme comes from the proxy's
    X-Forwarded-Proto (the app reads proxy headers itself, see clients.py), so the absolute URLs of
    redirects say https. A client that is not a trusted proxy cannot choose it."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                proto = Headers.from_scope(scope).get("x-forwarded-proto", "").strip().lower()
                peer = scope["client"][0] if scope.get("client") else ""
                if proto in ("http", "https") and clients.peer_is_trusted(peer, settings.trusted_proxies):
                    scope["scheme"] = proto
            await app(scope, receive, send)

        return middleware

    return wrap


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
        ),
        "Cache-Control": "no-store",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def response_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A before_send hook: every response, the router's own 404 and 405 pages included, gets the
    security headers it did not set itself."""
    defaults = security_headers(settings)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in defaults.items():
                if name not in headers:
                    headers[name] = value

    return add_headers
