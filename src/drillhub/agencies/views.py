from dataclasses import asdict

from litestar.params import FromQuery
from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, web
from drillhub.agencies.service import (
    AgencyInput,
    create_agency,
    get_agency,
    list_agencies,
    set_agency_active,
    update_agency,
)
from drillhub.agencies.tables import KIND_LABELS
from drillhub.errors import Invalid
from drillhub.paging import page_number

KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


async def agency_list_context(q: str, page: str) -> dict:
    return {"agencies": await list_agencies(q.strip(), page_number(page)), "q": q}


def form_context(values: dict, errors: dict, agency_id: int | None) -> dict:
    return {"values": values, "errors": errors, "agency_id": agency_id, "kinds": KIND_CHOICES,
            "zones": [(zone, zone) for zone in parse.TIME_ZONES]}


class AgencyController(Controller):
    path = "/admin/agencies"
    guards = [web.admins_only]

    @get("/", name="agencies:list")
    async def list_page(self, request: HTMXRequest, q: FromQuery[str] = "", page: FromQuery[str] = "1") -> Template:
        context = await agency_list_context(q, page)
        if request.htmx:
            return web.partial("agencies/_agency_list.html", **context)
        return await web.page(request, "agencies/list.html", **context)

    @get("/new", name="agencies:new")
    async def new(self, request: HTMXRequest) -> Template:
        return await web.page(request, "agencies/form.html", **form_context(asdict(AgencyInput()), {}, None))

    @get("/{agency_id:int}/edit", name="agencies:edit")
    async def edit(self, request: HTMXRequest, agency_id: web.RecordId) -> Template:
        agency = await get_agency(agency_id)
        values = {key: getattr(agency, key) for key in asdict(AgencyInput())}
        return await web.page(request, "agencies/form.html", **form_context(values, {}, agency_id))

    @post("/", name="agencies:create")
    async def create(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, AgencyInput)
        try:
            agency = await create_agency(data, web.actor(request))
        except Invalid as invalid:
            return await web.form_with_errors(
                request, "agencies/form.html", "agencies/_agency_form.html",
                form_context(asdict(data), invalid.errors, None),
            )
        await web.flash(request, f"Agency {agency.name} was added.")
        return web.go_to(request, "agencies:list")

    @post("/{agency_id:int}", name="agencies:update")
    async def update(self, request: HTMXRequest, agency_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, AgencyInput)
        try:
            agency = await update_agency(agency_id, data, web.actor(request))
        except Invalid as invalid:
            return await web.form_with_errors(
                request, "agencies/form.html", "agencies/_agency_form.html",
                form_context(asdict(data), invalid.errors, agency_id),
            )
        await web.flash(request, f"Agency {agency.name} was saved.")
        return web.go_to(request, "agencies:list")

    @post("/{agency_id:int}/active", name="agencies:set_active")
    async def set_active(self, request: HTMXRequest, agency_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        active = await web.form_field(request, "active") == "true"
        agency = await set_agency_active(agency_id, active, web.actor(request))
        state = "reactivated" if agency.active else "deactivated"
        if request.htmx:
            context = await agency_list_context(await web.form_field(request, "q"), await web.form_field(request, "page"))
            return web.partial("agencies/_agency_list.html", notice=f"{agency.name} was {state}.", **context)
        await web.flash(request, f"{agency.name} was {state}.")
        return web.go_to(request, "agencies:list")
