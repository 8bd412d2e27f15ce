from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.enums import MediaType
from litestar.response import Redirect, Response, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from drillhub import live, parse, permissions, web
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.exercises import record
from drillhub.exercises.scene import last_scene
from drillhub.exercises.service import load
from drillhub.exercises.ticker import tick
from drillhub.facilitation import status
from drillhub.facilitation.qr import qr_svg
from drillhub.facilitation.service import (
    assign,
    confirm_as_lead,
    facilitator_action,
    join,
    open_run,
    participants,
    start,
)
from drillhub.scenarios.service import LibraryFilter, list_library

ACTIONS = ("pause", "resume", "extend", "release", "confirm", "stand_in", "advance", "end")


@dataclass(frozen=True)
class ConsoleInput:
    step: str = ""  # the step the page was shown at; a stale page's action is refused
    seconds: str = ""  # extend: how much more time
    inject: str = ""  # release: which inject
    released: str = ""  # release: how many times the page showed it released
    repeat: str = ""  # release: "yes" sends an inject that is already out again
    choice: str = ""  # confirm: the team's choice
    confirm: str = ""  # end: "yes" once the facilitator has confirmed ending now


SHOWN = ("step", "status", "roles", "people", "team")  # what a live page shows, of status.watched


def _drawn_from(request: HTMXRequest) -> dict[str, str]:
    """What a live page was drawn from, as its status area's requests send it back (status.watched)."""
    return {key: request.query_params.get(key, "") for key in SHOWN}


def _event_id(played, shows: dict[str, str]) -> str:
    return urlencode({"seq": played.last_seq} | {key: shows.get(key, "") for key in SHOWN})


def _resumed_from(request: HTMXRequest, seen: str, current: int) -> tuple[int, dict[str, str]]:
    """The seq a stream has seen and what its page shows: from the last event the browser had
    (Last-Event-ID), else from the page's own URL."""
    last = dict(parse_qsl(request.headers.get("last-event-id", ""), keep_blank_values=True))
    if since := parse.whole_number(last.get("seq", "")):
        return since, {key: last.get(key, "") for key in SHOWN}
    return parse.whole_number(seen) or current, _drawn_from(request)


def _join_url(request: HTMXRequest, run) -> str:
    return f"{request.app.state.settings.public_url}/join?code={run.join_code}"


def projector_timeline(played) -> list[tuple[int, str]]:
    """The run so far as a shared screen may show it: scenes, injects to everyone, the team's choices,
    each with the seconds since the run started (a clock time would be read as the scenario's time)."""
    compiled = played.compiled
    titles = {node.id: node.title for node in compiled.scenario.nodes} | {e.id: e.title for e in compiled.scenario.endings}
    moments = record.timeline(played.events)
    lines = []
    for moment in moments:
        seconds = int((moment.at - moments[0].at).total_seconds())
        if moment.kind == "scene":
            lines.append((seconds, f"Scene: {titles.get(moment.node, moment.node)}"
                          + (" (the time ran out)" if moment.timed_out else "")))
        elif moment.kind == "inject":
            inject = next((i for i in compiled.nodes[moment.node].injects if i.id == moment.what), None)
            if inject and "all" in inject.to:
                lines.append((seconds, f"{inject.method.replace('_', ' ')} from {inject.from_}: {inject.message}"))
        else:
            choice = next(c for c in compiled.nodes[moment.node].decision.choices if c.id == moment.what)
            lines.append((seconds, f"The team's choice: {choice.label}"))
    return lines


class FacilitationController(Controller):
    guards = [web.signed_in_guard]

    @post("/sessions/{session_id:int}/runs", name="facilitation:open")
    async def open(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        if not await permissions.facilitates(user, session_id):
            raise Forbidden("Only coordinators and the session's facilitators open exercises.")
        run = await open_run(session_id, await web.form_field(request, "scenario"), web.actor(request))
        return web.go_to(request, "facilitation:console", run_id=run.id)

    @get("/join", name="facilitation:join_form")
    async def join_form(self, request: HTMXRequest, code: FromQuery[str] = "") -> Template:
        return await web.page(request, "facilitation/join.html", code=code, error="")

    @post("/join", name="facilitation:join")
    async def join(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        code = await web.form_field(request, "code")
        try:
            run = await join(code, web.current_user(request).person_id)
        except (NotFound, Forbidden) as refused:
            return await web.page(request, "facilitation/join.html", status_code=refused.status_code, code=code,
                                  error=refused.message)
        return web.go_to(request, "exercises:play", run_id=run.id)

    async def _console_run(self, request: HTMXRequest, run_id: int):
        played = await load(run_id)
        if played.run.session is None or not await permissions.facilitates(web.current_user(request), played.run.session):
            raise Forbidden("Only coordinators and the session's facilitators run the console.")
        return played

    @get("/runs/{run_id:int}/console", name="facilitation:console")
    async def console(self, request: HTMXRequest, run_id: web.RecordId) -> Template:
        played = await self._console_run(request, run_id)
        if played.run.status == "running":
            played = await tick(played)
        join_url = _join_url(request, played.run)
        released = {inject: [int((at - played.node_started_at).total_seconds()) for at in times]
                    for inject, times in record.released_injects(played.events, played.step).items()}  # seconds into the scene
        titles = {role.id: role.title for role in played.compiled.scenario.roles}
        return await web.page(request, "facilitation/console.html", people=await participants(run_id),
                              join_url=join_url, released=released, last_scene=last_scene(played, titles),
                              **await status.status_context(played, web.current_user(request), "console"))

    async def _viewed(self, request: HTMXRequest, run_id: int, view: str):
        """The run and the view (player, console, projector) this person may have of it: a player's own,
        the others only for its facilitators."""
        user = web.current_user(request)
        played = await load(run_id)
        takes_part = permissions.takes_part_in_run(played, user.person_id)
        facilitates = (view != "player" or not takes_part) and bool(played.run.session) and \
            await permissions.facilitates(user, played.run.session)  # a player's own view asks nothing more
        if not (takes_part or facilitates):
            raise Forbidden("You are not taking part in this exercise.")
        return played, view if view in status.VIEWS and (view == "player" or facilitates) else "player"

    @get("/runs/{run_id:int}/pulse", name="facilitation:pulse")
    async def pulse(self, request: HTMXRequest, run_id: web.RecordId, view: FromQuery[str] = "player") -> Response:
        """The status area, asked for every two seconds while the page holds no stream (a proxy that
        refuses them, a connection being re-made); it says to reload when the page is out of date."""
        played, view = await self._viewed(request, run_id, view)
        played = await tick(played)
        user = web.current_user(request)
        stale = status.moved(status.watched(played, user.person_id, view), _drawn_from(request))
        return Response(await status.rendered(request.app.template_engine, played, user, view),
                        media_type=MediaType.HTML, headers={"HX-Refresh": "true"} if stale else {})

    @get("/runs/{run_id:int}/stream", name="facilitation:stream")
    async def stream(self, request: HTMXRequest, run_id: web.RecordId, view: FromQuery[str] = "player",
                     seen: FromQuery[str] = "") -> ServerSentEvent:
        """Each time the run changes, for stream_seconds (then the browser reconnects, perhaps to another
        worker): 'status' carrying the status area; on a player's page whose scene (or status, or roles)
        has moved on, 'scene' carrying the page's content; 'reload' when the whole page must be drawn again
        (a console's or projector's, or the run has ended; the stream ends then). Each event's id is the
        run's last seq and what the page shows after it (status.watched); a page names what it was drawn
        from, a browser reconnecting the last event it had (Last-Event-ID): anything since is told at once,
        so nothing is missed."""
        played, view = await self._viewed(request, run_id, view)
        user, templates = web.current_user(request), request.app.template_engine
        current = played.run.last_seq
        since, shows = _resumed_from(request, seen, current)

        async def told(played) -> ServerSentEventMessage:
            nonlocal shows
            now = status.watched(played, user.person_id, view)
            if not status.moved(now, shows):
                return ServerSentEventMessage(event="status", id=_event_id(played, shows),
                                              data=await status.rendered(templates, played, user, view))
            if view == "player" and played.run.status != "ended":
                shows = now
                return ServerSentEventMessage(event="scene", id=_event_id(played, shows),
                                              data=await status.rendered_scene(templates, request, played, user))
            return ServerSentEventMessage(event="reload", id=_event_id(played, now), data=urlencode(now))

        async def events():
            if since < current:
                yield (message := await told(played))
                if message.event == "reload":
                    return
            async for seq in live.changes(run_id, current, request.app.state.settings.stream_seconds):
                if seq is None:
                    yield ServerSentEventMessage(comment="still here")
                    continue
                yield (message := await told(await status.shared_load(run_id, seq)))
                if message.event == "reload":
                    return

        return ServerSentEvent(events(), headers={"X-Accel-Buffering": "no"})  # nginx: pass each event on

    @get("/runs/{run_id:int}/projector", name="facilitation:projector")
    async def projector(self, request: HTMXRequest, run_id: web.RecordId) -> Template:
        played = await self._console_run(request, run_id)
        if played.run.status == "running":
            played = await tick(played)
        join_url = _join_url(request, played.run)
        return await web.page(request, "facilitation/projector.html", qr=qr_svg(join_url), join_url=join_url,
                              timeline=projector_timeline(played),
                              **await status.status_context(played, web.current_user(request), "projector"))

    @post("/runs/{run_id:int}/assign", name="facilitation:assign")
    async def assign(self, request: HTMXRequest, run_id: web.RecordId) -> Redirect | ClientRedirect:
        await self._console_run(request, run_id)
        person = parse.record_id(await web.form_field(request, "person"))
        try:
            await assign(run_id, person or 0, await web.form_field(request, "role"), web.actor(request))
        except (Invalid, NotFound) as refused:
            await web.flash(request, refused.message, "error")
        return web.go_to(request, "facilitation:console", run_id=run_id)

    @post("/runs/{run_id:int}/start", name="facilitation:start")
    async def start(self, request: HTMXRequest, run_id: web.RecordId) -> Redirect | ClientRedirect:
        await self._console_run(request, run_id)
        try:
            await start(run_id, web.actor(request))
        except Conflict as refused:
            await web.flash(request, refused.message, "error")
        return web.go_to(request, "facilitation:console", run_id=run_id)

    @post("/runs/{run_id:int}/console/{action:str}", name="facilitation:act")
    async def act(self, request: HTMXRequest, run_id: web.RecordId, action: FromPath[str]) -> Redirect | ClientRedirect:
        await self._console_run(request, run_id)
        data = await web.read_form(request, ConsoleInput)
        try:
            if action not in ACTIONS:
                raise Invalid({"action": "Unknown action."})
            await facilitator_action(run_id, action, web.actor(request), step=parse.whole_number(data.step),
                                     seconds=parse.whole_number(data.seconds) or 0, inject_id=data.inject,
                                     choice=data.choice, released=parse.whole_number(data.released),
                                     repeat=data.repeat == "yes", confirmed=data.confirm == "yes")
        except (Conflict, Invalid) as refused:
            await web.flash(request, refused.message, "error")
        return web.go_to(request, "facilitation:console", run_id=run_id)

    @post("/runs/{run_id:int}/confirm", name="facilitation:confirm")
    async def confirm(self, request: HTMXRequest, run_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        data = await web.read_form(request, ConsoleInput)
        try:
            await confirm_as_lead(run_id, parse.whole_number(data.step), data.choice, user.person_id, web.actor(request))
        except Conflict as refused:
            await web.flash(request, f"Not recorded: {refused.message}", "error")
        return web.go_to(request, "exercises:play", run_id=run_id)


@get("/sessions/{session_id:int}/exercises", name="facilitation:choose", guards=[web.signed_in_guard])
async def choose_scenario(request: HTMXRequest, session_id: web.RecordId) -> Template:
    if not await permissions.facilitates(web.current_user(request), session_id):
        raise Forbidden("Only coordinators and the session's facilitators open exercises.")
    return await web.page(request, "facilitation/choose.html", session_id=session_id,
                          scenarios=await list_library(LibraryFilter()))

