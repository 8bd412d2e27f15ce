from datetime import datetime

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Stream, Template

from drillhub import web
from drillhub.audit.service import record_event
from drillhub.errors import Invalid
from drillhub.xapi.service import counts, day_start, exported, replay, send_due


def _since(text: str) -> datetime | None:
    try:
        return day_start(text)
    except ValueError:
        raise Invalid({"since": "Give the day as YYYY-MM-DD, e.g. 2026-11-01."}) from None


class XapiController(Controller):
    """Admins see what has gone to the learning record store, send or replay statements, and download them
    (the only way out when no LRS is configured)."""

    path = "/admin/xapi"
    guards = [web.admins_only]

    @get("/", name="xapi:status")
    async def status(self, request: HTMXRequest) -> Template:
        return await self._page(request)

    async def _page(self, request: HTMXRequest, status_code: int = 200, **context) -> Template:
        settings = request.app.state.settings
        return await web.page(request, "xapi/status.html", status_code=status_code, counts=await counts(),
                              endpoint=settings.xapi_endpoint, **{"errors": {}, "since": "", **context})

    @get("/statements.json", name="xapi:download")
    async def download(self, request: HTMXRequest, since: FromQuery[str] = "") -> Stream | Template:
        try:
            start = _since(since)
        except Invalid as invalid:
            return await self._page(request, 422, errors={"download": invalid.errors["since"]}, since=since)
        await record_event("xapi.download", web.actor(request), target="statements", detail={"since": since})
        return Stream(exported(start), media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="drillhub-xapi'
                                   f'{"-since-" + start.date().isoformat() if start else ""}.json"'})

    @post("/send", name="xapi:send")
    async def send(self, request: HTMXRequest) -> Redirect | ClientRedirect:
        settings = request.app.state.settings
        if not settings.xapi_configured:
            await web.flash(request, "No learning record store is configured (DRILLHUB_XAPI_ENDPOINT).", "error")
        else:
            await web.flash(request, f"{await send_due(settings)} statement(s) sent.")
        return web.go_to(request, "xapi:status")

    @post("/replay", name="xapi:replay")
    async def replay_since(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        since = await web.form_field(request, "since")
        try:
            start = _since(since)
            if start is None:
                raise Invalid({"since": "Give the first day to send again, as YYYY-MM-DD."})
        except Invalid as invalid:
            return await self._page(request, 422, errors={"replay": invalid.errors["since"]}, since=since)
        count = await replay(start)
        await record_event("xapi.replay", web.actor(request), target="statements", detail={"since": since, "count": count})
        await web.flash(request, f"{count} statement(s) stored since {since} will be sent again.")
        return web.go_to(request, "xapi:status")
