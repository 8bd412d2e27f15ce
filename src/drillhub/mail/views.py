from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import web
from drillhub.mail.service import list_outbox, send_due
from drillhub.paging import page_number


class OutboxController(Controller):
    """Admins see every message drillhub writes; without SMTP settings this is where mail waits."""

    path = "/admin/outbox"
    guards = [web.admins_only]

    @get("/", name="outbox:list")
    async def list_page(self, request: HTMXRequest, status: FromQuery[str] = "", page: FromQuery[str] = "1") -> Template:
        return await web.page(request, "mail/outbox.html", messages=await list_outbox(status, page_number(page)),
                              status=status, smtp=request.app.state.settings.smtp_configured)

    @post("/send", name="outbox:send")
    async def send(self, request: HTMXRequest) -> Redirect | ClientRedirect:
        settings = request.app.state.settings
        if not settings.smtp_configured:
            await web.flash(request, "No mail server is configured (DRILLHUB_SMTP_HOST).", "error")
        else:
            await web.flash(request, f"{await send_due(settings)} message(s) sent.")
        return web.go_to(request, "outbox:list")
