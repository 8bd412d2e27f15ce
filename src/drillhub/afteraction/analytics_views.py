"""Decision analytics across exercises: the scenarios played, and one scenario's results by decision
point, organisation and exercise, as a page (charts drawn as SVG, each with its table) and a PDF.
Coordinators see everyone's decisions; supervisors those of people playing for their agencies."""

import anyio.to_thread
from litestar import Controller, Response, get
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from drillhub import permissions, web
from drillhub.afteraction import aggregate
from drillhub.afteraction.analytics import chart_rows, played_scenarios, scenario_trend
from drillhub.afteraction.analytics_pdf import render_analytics
from drillhub.afteraction.reportdata import ScenarioTrend
from drillhub.errors import NotFound
from drillhub.wording import counted


async def _trend(slug: str, agencies: list[int] | None) -> ScenarioTrend:
    found = await scenario_trend(slug, agencies)
    if found is None:
        raise NotFound("No exercise has recorded a player's decision in this scenario yet.")
    return found


class AnalyticsController(Controller):
    path = "/analytics"
    guards = [web.require_roles(*permissions.ANALYTICS_READERS)]

    @get("/", name="analytics:index")
    async def index(self, request: HTMXRequest) -> Template:
        agencies = permissions.analytics_agencies(web.current_user(request))
        return await web.page(request, "afteraction/analytics_index.html",
                              scenarios=await played_scenarios(agencies), everyone=agencies is None)

    @get("/{slug:str}", name="analytics:scenario")
    async def scenario(self, request: HTMXRequest, slug: FromPath[str]) -> Template:
        agencies = permissions.analytics_agencies(web.current_user(request))
        trend = await _trend(slug, agencies)
        return await web.page(request, "afteraction/analytics.html", trend=trend, charts=chart_rows(trend),
                              everyone=agencies is None, percent=aggregate.percent,
                              change_said=aggregate.change_said, counted=counted)

    @get("/{slug:str}/pdf", name="analytics:pdf")
    async def pdf(self, request: HTMXRequest, slug: FromPath[str]) -> Response:
        trend = await _trend(slug, permissions.analytics_agencies(web.current_user(request)))
        body = await anyio.to_thread.run_sync(render_analytics, trend)
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="analytics-{trend.slug}.pdf"'})
