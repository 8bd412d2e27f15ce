from dataclasses import asdict

from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, web
from drillhub.accounts.service import (
    ROLES,
    PeopleFilter,
    PersonInput,
    change_own_password,
    create_person,
    get_person,
    list_people,
    set_person_active,
    update_person,
)
from drillhub.accounts.roster import COLUMNS, import_roster, preview_roster
from drillhub.accounts.tables import SupervisedAgency
from drillhub.agencies.service import list_active_agencies
from drillhub.errors import Invalid, NotFound
from drillhub.paging import page_number

ROLE_DESCRIPTIONS = {
    "admin": "Manages agencies, people and the audit log",
    "coordinator": "Schedules training sessions and enrols people",
    "facilitator": "Runs live exercises",
    "evaluator": "Observes and rates exercises (EEG)",
    "officer": "Takes part in training and plays exercises",
    "supervisor": "Oversees the training records of chosen agencies",
}


async def people_list_context(filters: PeopleFilter, page: str) -> dict:
    return {
        "people": await list_people(filters, page_number(page)),
        "filters": filters,
        "agencies": await list_active_agencies(),
        "roles": ROLES,
    }


async def person_form_context(values: dict, errors: dict, person_id: int | None) -> dict:
    agencies = await list_active_agencies()
    return {
        "values": values,
        "errors": errors,
        "person_id": person_id,
        "agency_choices": [(agency["id"], agency["name"]) for agency in agencies],
        "role_choices": [(role, role.capitalize(), text) for role, text in ROLE_DESCRIPTIONS.items()],
        "supervised_choices": [(agency["id"], agency["name"], "") for agency in agencies],
    }


class PeopleController(Controller):
    path = "/admin/people"
    guards = [web.admins_only]

    @get("/", name="people:list")
    async def list_page(
        self, request: HTMXRequest, q: FromQuery[str] = "", agency: FromQuery[str] = "", role: FromQuery[str] = "",
        status: FromQuery[str] = "active", page: FromQuery[str] = "1",
    ) -> Template:
        filters = PeopleFilter(search=q.strip(), agency=agency, role=role, status=status)
        context = await people_list_context(filters, page)
        if request.htmx:
            return web.partial("accounts/_people_list.html", **context)
        return await web.page(request, "accounts/people.html", **context)

    @get("/new", name="people:new")
    async def new(self, request: HTMXRequest) -> Template:
        values = asdict(PersonInput(roles=("officer",)))
        return await web.page(request, "accounts/person_form.html", **await person_form_context(values, {}, None))

    @get("/{person_id:int}/edit", name="people:edit")
    async def edit(self, request: HTMXRequest, person_id: web.RecordId) -> Template:
        person = await get_person(person_id)
        values = {
            "name": person.name, "email": person.email, "agency": str(person.agency),
            "title": person.title, "badge_number": person.badge_number, "roles": tuple(person.roles),
            "supervised_agencies": tuple(str(i) for i in await SupervisedAgency.agency_ids_of(person_id)),
            "password": "",
        }
        context = await person_form_context(values, {}, person_id)
        return await web.page(request, "accounts/person_form.html", active=person.active, **context)

    @post("/", name="people:create")
    async def create(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, PersonInput)
        try:
            person = await create_person(data, web.actor(request))
        except Invalid as invalid:
            return await self._form_with_errors(request, data, invalid, None)
        await web.flash(request, f"{person.name} was added.")
        return web.go_to(request, "people:list")

    @post("/{person_id:int}", name="people:update")
    async def update(self, request: HTMXRequest, person_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, PersonInput)
        try:
            person = await update_person(person_id, data, web.actor(request))
        except Invalid as invalid:
            return await self._form_with_errors(request, data, invalid, person_id)
        await web.flash(request, f"{person.name} was saved.")
        return web.go_to(request, "people:list")

    @post("/{person_id:int}/active", name="people:set_active")
    async def set_active(self, request: HTMXRequest, person_id: web.RecordId) -> Redirect | ClientRedirect:
        active = await web.form_field(request, "active") == "true"
        try:
            person = await set_person_active(person_id, active, web.actor(request))
        except Invalid as invalid:
            await web.flash(request, invalid.errors["active"], "error")
        else:
            await web.flash(request, f"{person.name} was {'reactivated' if active else 'deactivated'}.")
        return web.go_to(request, "people:edit", person_id=person_id)

    async def _form_with_errors(
        self, request: HTMXRequest, data: PersonInput, invalid: Invalid, person_id: int | None
    ) -> Template:
        values = {**asdict(data), "password": ""}  # a password is never sent back to the browser
        context = await person_form_context(values, invalid.errors, person_id)
        return await web.form_with_errors(
            request, "accounts/person_form.html", "accounts/_person_form.html", context
        )


class AccountController(Controller):
    path = "/account"
    guards = [web.signed_in_guard]

    @get("/password", name="account:password_form")
    async def password_form(self, request: HTMXRequest) -> Template:
        return await web.page(request, "accounts/password.html", errors={})

    @post("/password", name="account:change_password")
    async def change_password(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        user = web.current_user(request)
        try:
            await change_own_password(
                user.person_id, await web.form_field(request, "current"), await web.form_field(request, "new"),
                web.actor(request), keep_session_id=user.session_id,
            )
        except Invalid as invalid:
            return await web.form_with_errors(
                request, "accounts/password.html", "accounts/_password_form.html", {"errors": invalid.errors}
            )
        await web.flash(request, "Your password was changed. Other devices were signed out.")
        return web.go_to(request, "dashboard:home")


ROSTER_BYTES = 1024 * 1024


class RosterController(Controller):
    """Coordinators bring in an agency's people from a CSV roster: checked first, written when confirmed."""

    path = "/people/import"
    guards = [web.coordinators_only]

    @get("/", name="roster:form")
    async def form(self, request: HTMXRequest, agency: FromQuery[str] = "") -> Template:
        return await self._page(request, agency=agency)

    @post("/", name="roster:preview", request_max_body_size=ROSTER_BYTES + 64 * 1024)
    async def preview(self, request: HTMXRequest) -> Template:
        form = await request.form()
        agency, text, upload = str(form.get("agency", "")), str(form.get("text", "")), form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                text = (await upload.read()).decode("utf-8")
            except UnicodeDecodeError:
                return await self._page(request, 422, agency=agency, problem="The file is not UTF-8 text: save it "
                                        "from the spreadsheet as CSV UTF-8.")
        agency_id = parse.record_id(agency)
        if agency_id is None or not text.strip():
            return await self._page(request, 422, agency=agency, text=text,
                                    problem="Choose the agency and a CSV file (or paste its text).")
        return await self._page(request, agency=agency, text=text, roster=await preview_roster(agency_id, text))

    @post("/confirm", name="roster:confirm", request_max_body_size=ROSTER_BYTES + 64 * 1024)
    async def confirm(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        agency, text = await web.form_field(request, "agency"), await web.form_field(request, "text")
        agency_id = parse.record_id(agency)
        if agency_id is None:
            raise NotFound("No such agency.")
        try:
            roster = await import_roster(agency_id, text, web.actor(request))
        except Invalid as refused:
            return await self._page(request, 422, agency=agency, text=text, problem=refused.errors["roster"],
                                    roster=await preview_roster(agency_id, text))
        await web.flash(request, f"{roster.agency_name}: {roster.count('add')} added, {roster.count('update')} updated, "
                                 f"{roster.count('unchanged')} unchanged.")
        return web.go_to(request, "dashboard:people", query={"agency": agency_id})

    async def _page(self, request: HTMXRequest, status_code: int = 200, agency: str = "", text: str = "",
                    problem: str = "", roster=None) -> Template:
        return await web.page(request, "accounts/roster.html", status_code=status_code, agency=agency, text=text,
                              problem=problem, roster=roster, agencies=await list_active_agencies(),
                              columns=list(COLUMNS))
