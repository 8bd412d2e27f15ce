from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, permissions, web
from drillhub.errors import Conflict, Forbidden
from drillhub.accounts.service import PeopleFilter, list_people
from drillhub.agencies.service import list_active_agencies
from drillhub.errors import Invalid
from drillhub.exercises.ticker import tick
from drillhub.exercises.debrief import debrief
from drillhub.exercises.service import (
    assign_scenario,
    continue_run,
    decide,
    load,
    list_drafts,
    my_assignments,
    my_runs,
    save_draft,
    start_self_paced,
)
from drillhub.exercises.scene import scene
from drillhub.facilitation.status import status_context
from drillhub.scenarios.service import LibraryFilter, list_library


@dataclass(frozen=True)
class DecisionInput:
    step: str = ""  # the step the page was shown at; a stale page's decision is refused
    role: str = ""
    choice: str = ""
    rationale: str = ""


async def home_context(user, errors: dict | None = None, values: dict | None = None) -> dict:
    scenarios = await list_library(LibraryFilter())
    coordinator = permissions.coordinates(user)
    return {
        "scenarios": scenarios, "runs": await my_runs(user.person_id),
        "assignments": await my_assignments(user.person_id), "coordinator": coordinator,
        "titles": {row["slug"]: row["title"] for row in scenarios},
        "scenario_choices": [(row["slug"], row["title"]) for row in scenarios],
        "agency_choices": [(row["id"], row["name"]) for row in await list_active_agencies()] if coordinator else [],
        "errors": errors or {}, "values": values or {},
    }


class ExerciseController(Controller):
    guards = [web.signed_in_guard]

    @get("/exercises", name="exercises:home")
    async def home(self, request: HTMXRequest) -> Template:
        return await web.page(request, "exercises/home.html", **await home_context(web.current_user(request)))

    @post("/exercises/assign", name="exercises:assign", guards=[web.coordinators_only])
    async def assign(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        """Assign a scenario to everyone with the officer role in an agency, due by a date."""
        user = web.current_user(request)
        values = {key: await web.form_field(request, key) for key in ("scenario", "agency", "due_on", "note")}
        officers = await list_people(PeopleFilter(agency=values["agency"], role="officer"), 1, per_page=1000) \
            if parse.record_id(values["agency"]) else None
        try:
            count = await assign_scenario(values["scenario"], [p["id"] for p in officers.items] if officers else [],
                                          values["due_on"], values["note"], web.actor(request))
        except Invalid as invalid:
            return await web.page(request, "exercises/home.html", status_code=422,
                                  **await home_context(user, invalid.errors, values))
        await web.flash(request, f"Assigned to {count} officer(s).")
        return web.go_to(request, "exercises:home")

    @post("/exercises/start", name="exercises:start")
    async def start(self, request: HTMXRequest) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        run = await start_self_paced(await web.form_field(request, "scenario"), user.person_id,
                                     await web.form_field(request, "role") or "all", web.actor(request))
        return web.go_to(request, "exercises:play", run_id=run.id)

    @get("/runs/{run_id:int}", name="exercises:play")
    async def play(self, request: HTMXRequest, run_id: web.RecordId) -> Template | Redirect:
        user = web.current_user(request)
        played = await load(run_id)
        if not permissions.takes_part_in_run(played, user.person_id):
            raise Forbidden("You are not taking part in this exercise.")
        played = await tick(played)
        context = scene(played, user.person_id) | await status_context(played, user)
        drafts = await list_drafts(run_id, user.person_id, played.step)
        return await web.page(request, "exercises/play.html", drafts=drafts, **context)

    @post("/runs/{run_id:int}/decide", name="exercises:decide")
    async def decide(self, request: HTMXRequest, run_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        data = await web.read_form(request, DecisionInput)
        try:
            await decide(run_id, parse.whole_number(data.step), data.role, data.choice, data.rationale, user.person_id,
                         web.actor(request))
        except Conflict as refused:
            await web.flash(request, f"Not recorded: {refused.message}", "error")
        except Invalid as refused:  # the reason is too long: the page keeps what was typed (drillhub.js)
            await web.flash(request, f"Not recorded: your reason is too long. {refused.errors['rationale']}", "error")
        return web.go_to(request, "exercises:play", run_id=run_id)

    @post("/runs/{run_id:int}/draft", name="exercises:draft", status_code=204)
    async def draft(self, request: HTMXRequest, run_id: web.RecordId) -> None:
        """Saved as the player types the reason for a decision (htmx): kept if the time runs out."""
        data = await web.read_form(request, DecisionInput)
        await save_draft(run_id, parse.whole_number(data.step), data.role, data.rationale,
                         web.current_user(request).person_id)

    @post("/runs/{run_id:int}/continue", name="exercises:continue")
    async def carry_on(self, request: HTMXRequest, run_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        try:
            await continue_run(run_id, parse.whole_number(await web.form_field(request, "step")), user.person_id)
        except Conflict as refused:
            await web.flash(request, refused.message, "error")
        return web.go_to(request, "exercises:play", run_id=run_id)

    @get("/runs/{run_id:int}/debrief", name="exercises:debrief")
    async def debrief_page(self, request: HTMXRequest, run_id: web.RecordId) -> Template:
        user = web.current_user(request)
        return await web.page(request, "exercises/debrief.html", report=await debrief(run_id, user.person_id),
                              run_id=run_id)
