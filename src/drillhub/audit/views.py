from litestar.params import FromQuery
from litestar import Controller, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from drillhub import web
from drillhub.audit.service import AuditFilter, list_events
from drillhub.audit.tables import AuditEvent
from drillhub.paging import page_number


class AuditController(Controller):
    path = "/admin/audit"
    guards = [web.admins_only]

    @get("/", name="audit:list")
    async def list_page(
        self, request: HTMXRequest, action: FromQuery[str] = "", actor: FromQuery[str] = "", target: FromQuery[str] = "",
        outcome: FromQuery[str] = "", page: FromQuery[str] = "1",
    ) -> Template:
        filters = AuditFilter(action=action.strip(), actor=actor.strip(), target=target.strip(), outcome=outcome)
        context = {
            "events": await list_events(filters, page_number(page)),
            "filters": filters,
            "outcomes": [outcome.value for outcome in AuditEvent.Outcome],
        }
        if request.htmx:
            return web.partial("audit/_event_list.html", **context)
        return await web.page(request, "audit/list.html", **context)
