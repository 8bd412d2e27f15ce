"""CSRF protection bound to the session. Every unsafe request (POST and the like) carries a token, in the
`_csrf_token` form field or the `x-csrftoken` header (htmx sends it from base.html's hx-headers), and the
token must be the one derived from this browser's session: an HMAC of the session cookie under
DRILLHUB_SECRET_KEY. An attacker's own valid pair of cookie and token (Litestar's double-submit cookie
accepted any) is worth nothing against someone else's session, and signing in (a new session) gives a
new token. Before sign-in the token is bound the same way to a random, HttpOnly cookie of the browser's
(named with the __Host- prefix in production), which protects the sign-in form itself."""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from drillhub.settings import Settings

FIELD, HEADER = "_csrf_token", "x-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REFUSED = "This form has expired or did not come from drillhub: reload the page and try again."


def csrf_token(secret: str, binding: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


async def _sent_token(request) -> str:
    sent = request.headers.get(HEADER)
    if not sent and request.content_type[0] in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        sent = (await request.form()).get(FIELD)  # parsed once: the handler reads the same form
    return sent if isinstance(sent, str) else ""


def csrf_middleware(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            request = scope["litestar_app"].request_class(scope=scope, receive=receive)
            session = request.cookies.get(settings.session_cookie)
            new_browser = None
            if session:
                binding = f"session:{session}"
            else:
                browser = request.cookies.get(settings.csrf_cookie)
                if not browser:
                    browser = new_browser = secrets.token_urlsafe(32)
                binding = f"browser:{browser}"
            expected = csrf_token(settings.secret_key, binding)
            ScopeState.from_scope(scope).csrf_token = expected  # templates' csrf_token() and csrf_input
            sent = await _sent_token(request) if request.method not in SAFE_METHODS else expected
            if not hmac.compare_digest(sent.encode(), expected.encode()):
                raise PermissionDeniedException(REFUSED)

            async def send_with_cookie(message: Message) -> None:
                if new_browser and message["type"] == "http.response.start":
                    cookie = Cookie(key=settings.csrf_cookie, value=new_browser, path="/", httponly=True,
                                    secure=settings.secure_cookies, samesite="lax")
                    MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
                await send(message)

            await app(scope, receive, send_with_cookie)

        return middleware

    return wrap
