"""What every request and response passes through, whatever route it reaches: odd paths are refused,
and every response carries the security headers and, unless it says otherwise, `Cache-Control:
no-store` (signed-in pages, PDFs, CSV, JSON, ICS and ZIP files must not stay in shared or browser caches)."""

from collections.abc import Awaitable, Callable

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.types import Message, Scope

from drillhub.parse import has_control
from drillhub.settings import Settings

MAX_SEGMENT_BYTES = 255  # no file or record name is longer; file systems refuse longer names


def odd_path(path: str) -> bool:
    """A decoded path no page of ours has: a control character, or a segment too long for any name."""
    return has_control(path) or any(len(part.encode()) > MAX_SEGMENT_BYTES for part in path.split("/"))


def loose_number(path: str, template: str, parameters: dict) -> bool:
    """A number in the path written otherwise than in ASCII digits: the router reads "+1", " 1", "١"
    (Arabic-Indic) and "１" (full-width) as 1, as Python's int() does; parse.py reads ids strictly."""
    segments, shapes = path.split("/"), template.split("/")
    return len(segments) == len(shapes) and any(
        isinstance(parameters.get(shape[1:-1]), int) and not (segment.isascii() and segment.isdigit())
        for segment, shape in zip(segments, shapes) if shape.startswith("{"))


async def refuse_odd_path(request: Request) -> None:
    """A before_request hook: a NUL byte in a static file's name, a 5,000-character slug or an id
    written in other digits is not found, rather than an error of the file system or the database."""
    scope = request.scope
    if odd_path(scope["path"]) or loose_number(scope["path"], scope.get("path_template", ""), scope["path_params"]):
        raise NotFoundException()


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
    defaults = [(name.lower().encode(), value.encode()) for name, value in security_headers(settings).items()]

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            present = {name.lower() for name, _ in headers}
            message["headers"] = [*headers, *(header for header in defaults if header[0] not in present)]

    return add_headers
