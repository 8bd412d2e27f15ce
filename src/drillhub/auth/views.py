from collections.abc import Callable
from datetime import timedelta

from litestar.params import FromQuery
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Send

from drillhub.auth.service import SignInFailed, sign_in, sign_out, signed_in_user
from drillhub.settings import Settings
from drillhub.web import actor, client_address, form_field, page, signed_in, signed_in_guard

NOTICES = {
    "signed_out": "You have signed out.",
    "expired": "Your session ended. Please sign in again.",
}


def session_middleware(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """Puts the signed-in person (or None) in scope["user"] for every request."""
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    age_limit = timedelta(hours=settings.session_max_hours)

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            scope["user"] = None
            if scope["type"] == "http" and not scope["path"].startswith("/static/"):
                token = ASGIConnection(scope).cookies.get(settings.session_cookie)
                if token:
                    scope["user"] = await signed_in_user(token, idle_limit, age_limit)
                    scope["session_ended"] = scope["user"] is None
            await app(scope, receive, send)

        return middleware

    return wrap


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirect), never a header's line break."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return "/"


class SignInController(Controller):
    @get("/sign-in", name="auth:sign_in_form")
    async def sign_in_form(self, request: Request, next: FromQuery[str] = "/", notice: FromQuery[str] = "") -> Template | Redirect:
        if signed_in(request):
            return Redirect(safe_next(next))
        return await page(
            request, "auth/sign_in.html", next=safe_next(next), email="", error="",
            notice=NOTICES.get(notice, ""),
        )

    @post("/sign-in", name="auth:sign_in")
    async def sign_in(self, request: Request) -> Template | Redirect:
        settings: Settings = request.app.state.settings
        email, password = await form_field(request, "email"), await form_field(request, "password")
        target = safe_next(await form_field(request, "next"))
        try:
            token = await sign_in(
                email, password, client_address(request),
                previous_token=request.cookies.get(settings.session_cookie),
            )
        except SignInFailed as failure:  # 401, or 429 while the client is blocked
            return await page(
                request, "auth/sign_in.html", status_code=failure.status_code, next=target, email=email,
                error=failure.message, notice="",
            )
        response = Redirect(target, status_code=303)
        response.set_cookie(
            settings.session_cookie, token, max_age=settings.session_max_hours * 3600,
            httponly=True, secure=settings.secure_cookies, samesite="lax", path="/",
        )
        return response

    @post("/sign-out", name="auth:sign_out", guards=[signed_in_guard])
    async def sign_out(self, request: Request) -> Redirect:
        settings: Settings = request.app.state.settings
        await sign_out(request.cookies[settings.session_cookie], actor(request))
        response = Redirect("/sign-in?notice=signed_out", status_code=303)
        response.delete_cookie(settings.session_cookie, path="/")
        return response
