from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, permissions, web
from drillhub.errors import Conflict, Forbidden
from drillhub.accounts.service import PeopleFilter, list_people
from drillhub.agencies.service import list_active_agencies
from drillhub.errors import Invalid
from drillhub.exercises import record
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
    plays_in_decision,
    save_draft,
    start_self_paced,
)
from drillhub.facilitation.status import last_scene, status_context
from drillhub.scenarios import engine
from drillhub.scenarios.service import LibraryFilter, list_library


@dataclass(frozen=True)
class DecisionInput:
    step: str = ""  # the step the page was shown at; a stale page's decision is refused
    role: str = ""
    choice: str = ""
    rationale: str = ""


def timed_out(played, mine: list[str], titles: dict[str, str]) -> list[dict]:
    """The decisions of this person's roles that the time-out made in the scene just left."""
    compiled, notices = played.compiled, []
    for d in record.decisions(played.events):
        if d.by != record.BY_TIMEOUT or d.step != played.step - 1:
            continue
        deciders = engine.deciding_roles(compiled.nodes[d.node].decision, compiled.role_ids)
        if (d.team and set(mine) & set(deciders)) or d.role in mine:
            choice = next(c for c in compiled.nodes[d.node].decision.choices if c.id == d.choice)
            notices.append({"scene": compiled.nodes[d.node].title, "choice": choice.label, "rationale": d.rationale,
                            "whose": "the team" if d.team else titles[d.role]})
    return notices


def scene(played, person_id: int) -> dict:
    """What this person sees now: the scene, what their roles know, a form for each decision of theirs,
    what they have chosen here and what the scene waits for."""
    compiled, state = played.compiled, played.state
    mine = played.roles_of.get(person_id, [])
    titles = {role.id: role.title for role in compiled.scenario.roles}
    node = played.node
    decision = node.decision if node else None
    labels = {choice.id: choice.label for choice in decision.choices} if decision else {}
    forms = []
    if decision is not None:
        deciders = engine.deciding_roles(decision, compiled.role_ids)
        if decision.mode == "team":
            if state.confirmed is None and set(mine) & set(deciders):
                role = next(r for r in deciders if r in mine)
                voted = role in state.choices
                forms.append({"role": role, "title": "the team", "vote": True, "voted": voted,
                              "choices": engine.available_choices(compiled, state, role)})
        else:
            for role in engine.waiting_on(compiled, state):
                if role in mine:
                    forms.append({"role": role, "title": titles[role], "vote": False, "voted": False,
                                  "choices": engine.available_choices(compiled, state, role)})
    self_paced = played.run.mode == "self_paced"
    injects = [inject for inject in engine.self_paced_injects(compiled, state)
               if "all" in inject.to or set(inject.to) & set(mine)] if self_paced else []
    lead_confirms = bool(decision and decision.mode == "team" and decision.lead in mine and state.confirmed is None
                         and not self_paced)
    return {
        "played": played, "node": node, "forms": forms, "injects": injects, "lead_confirms": lead_confirms,
        "timed_out": timed_out(played, mine, titles), "last_scene": last_scene(played, titles),
        "chosen": [{"role": titles[role], "choice": labels[state.choices[role]], "vote": decision.mode == "team"}
                   for role in mine if decision and role in state.choices],
        "can_continue": self_paced and node is not None and not state.ended and not plays_in_decision(played, person_id),
        "role_info": [(titles[role], node.role_info[role]) for role in mine if node and role in node.role_info],
        "briefings": [(role.title, role.briefing) for role in compiled.scenario.roles if role.id in mine],
        "my_roles": [titles[role] for role in mine], "ending": compiled.endings.get(state.node),
    }


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
