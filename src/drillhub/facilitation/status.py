"""The live status area of a running exercise (player page, console, projector): what it shows, rendered once
per change of the run for each view and set of roles (and the player's page likewise, for its stream), and
when the page under it must be drawn again."""

import asyncio
from collections import OrderedDict
from datetime import UTC, datetime

from drillhub.exercises import record
from drillhub.exercises.clock import clock
from drillhub.exercises.scene import scene
from drillhub.exercises.service import load
from drillhub.facilitation.service import blocker, votes
from drillhub.scenarios import engine

VIEWS = ("player", "console", "projector")  # who a status area is for: what it shows and what it watches


def moved(now: dict[str, str], seen: dict[str, str]) -> bool:
    """Whether what a page shows (`seen`, as its requests send it back) differs from what it would show
    `now` (watched())."""
    return any(seen.get(key, "") != value for key, value in now.items() if key != "view")


# The status area and the player's page as each change of a run left them, per view and set of roles:
# when a change reaches a run's hundred participants, each is rendered once for each role, not once per
# person. Neither says anything that moves with the clock (the browser counts down), so the run's last_seq
# is all that dates them.
_RENDERED: OrderedDict[tuple, str] = OrderedDict()
RENDERED_KEPT = 5000


async def _rendered_once(templates, name: str, played, user, view: str, context) -> str:
    roles = ",".join(sorted(played.roles_of.get(user.person_id, [])))
    key = (played.run.id, played.run.created_at, played.last_seq, view, roles)
    if key not in _RENDERED:
        _RENDERED[key] = templates.get_template(name).render(**await context())
        if len(_RENDERED) > RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    return _RENDERED[key]


async def rendered(templates, played, user, view: str) -> str:
    """The status area's content (facilitation/_run_status_body.html) for this person and view."""
    return await _rendered_once(templates, "facilitation/_run_status_body.html", played, user, view,
                                lambda: status_context(played, user, view))


async def rendered_scene(templates, request, played, user) -> str:
    """The player's page content (exercises/_play.html) for this person, as the stream pushes it when the
    scene moves on. Their forms send the CSRF token as htmx's header; nothing typed is lost, as a new scene
    has no drafts yet and the tab keeps what was typed (static/js/drillhub.js)."""
    async def context() -> dict:
        return (scene(played, user.person_id) | await status_context(played, user, "player")
                | {"drafts": {}, "csrf_input": "", "request": request})
    return await _rendered_once(templates, "exercises/_play.html", played, user, "scene", context)


# The run as the streams of this process last had it: when a change wakes the hundred streams of a run,
# the first reads it and the others wait for that read instead of making their own.
_SHARED: OrderedDict[int, tuple[int, asyncio.Future]] = OrderedDict()
SHARED_KEPT = 500


async def shared_load(run_id: int, seq: int):
    """The run at `seq` or later, read once for every stream here that asks at the same time."""
    known = _SHARED.get(run_id)
    if known is None or known[0] < seq or (known[1].done() and known[1].exception()):
        known = _SHARED[run_id] = (seq, asyncio.ensure_future(load(run_id)))
        if len(_SHARED) > SHARED_KEPT:
            _SHARED.popitem(last=False)
    played = await asyncio.shield(known[1])
    if _SHARED.get(run_id) is known:
        _SHARED[run_id] = (played.last_seq, known[1])  # it may have read more than was asked
    return played


async def status_context(played, user, view: str = "player") -> dict:
    """What the polled status area shows: the clock, what the scene waits for, team votes, and the
    messages so far: a player's own and those to everyone, every one on the console, and only those
    to everyone on the projector (a shared screen)."""
    compiled, state = played.compiled, played.state
    titles = {role.id: role.title for role in compiled.scenario.roles}
    decision = engine.current_decision(compiled, state)
    labels = {choice.id: choice.label for choice in decision.choices} if decision else {}
    mine = set(played.roles_of.get(user.person_id, []))
    injects = {inject.id: inject for inject in (played.node.injects if played.node else [])}
    delivered = [injects[i] for i in record.released_injects(played.events, played.step) if i in injects]
    if decision is None or (decision.mode == "team" and state.confirmed is not None):
        to_decide = ()
    elif decision.mode == "team":
        to_decide = engine.deciding_roles(decision, compiled.role_ids)
    else:
        to_decide = engine.waiting_on(compiled, state)
    now = datetime.now(UTC)
    running = clock(played, now)
    return {
        "decides": bool(mine & set(to_decide)),  # this person has a decision (or vote) to make here
        "ends_ms": int(running.ends_at.timestamp() * 1000) if running.ends_at else None,  # for the browser
        "since_ms": int(running.started_at.timestamp() * 1000),
        "played": played, "clock": running, "titles": titles, "view": view,
        "blocker": blocker(played), "watched": watched(played, user.person_id, view),
        "team_choice": labels.get(state.confirmed) if decision and decision.mode == "team" else None,
        "votes": {labels[choice]: [titles[r] for r in roles] for choice, roles in votes(played).items()}
        if decision and decision.mode == "team" else {},
        "messages": [i for i in delivered if view == "console" or "all" in i.to
                     or (view == "player" and mine & set(i.to))],
    }


def watched(played, person_id: int, view: str) -> dict[str, str]:
    """What a page was drawn from, as its status area's poll sends it back: the scene and the run's
    status; for a player, the roles they hold (a role given in the lobby brings its briefing) and the
    team's confirmed choice (the vote form goes); on the console, how many have joined."""
    now = {"view": view, "step": str(played.step), "status": played.run.status}
    if view == "player":
        now["roles"] = ",".join(sorted(played.roles_of.get(person_id, [])))
        now["team"] = played.state.confirmed or ""
    if view == "console":
        now["people"] = str(len(played.roles_of))
    return now
