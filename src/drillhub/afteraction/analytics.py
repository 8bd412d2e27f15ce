"""Decision analytics across exercises: for a scenario played many times (scheduled exercises and
self-paced play), each decision point's expected-action rate per organisation, how long players took,
and how both moved from one exercise to the next; and, for a corrective action, its decision points in
the exercise that found the issue and in the one that verifies the fix.

The summaries (`trend`, `compared`) are pure and read plain decision rows as afteraction.events gives
them; only the players' own decisions count (defaults on time-out and stand-ins say nothing of a
player). The loaders below them find the rows."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from msgspec.structs import replace

from drillhub.afteraction import aggregate
from drillhub.afteraction.events import events_of_runs
from drillhub.afteraction.reportdata import Comparison, ExerciseStats, PointStats, ScenarioTrend, Verification
from drillhub.exercises.tables import Run, RunParticipant
from drillhub.scenarios.service import compiled_version


@dataclass(frozen=True)
class Exercise:
    """What runs count toward: a session; for self-paced play, the month (UTC) it was played in; a run
    whose session was deleted, itself. It began with its first run (a session: at its start)."""

    key: str
    label: str
    began: datetime


def _stats(exercise: Exercise, decisions: list[dict], current: bool = False) -> ExerciseStats:
    times = aggregate.decision_seconds(decisions)
    return ExerciseStats(key=exercise.key, label=exercise.label, decisions=len(decisions),
                         expected_rate=aggregate.expected_rate(decisions), median_seconds=times["median"],
                         slowest_seconds=times["max"], current=current)


def moved(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def trend(scenario: str, slug: str, decisions: list[dict], exercises: list[Exercise], titles: dict[str, str],
          current: str | None = None) -> ScenarioTrend:
    """`decisions` carry "exercise" (an Exercise.key), "node", "agency", "expected", "seconds" and "own";
    `exercises` oldest first; `titles` the decision points' titles, in the scenario's order (a decision at
    a point the scenario no longer has is left out of every figure); `current` the key of the exercise a
    report is about."""
    own = [d for d in decisions if d["own"] and d["node"] in titles]
    at_node, in_exercise = aggregate.grouped(own, "node"), aggregate.grouped(own, "exercise")
    played = [e for e in exercises if e.key in in_exercise]
    points = []
    for node, title in titles.items():
        if node not in at_node:
            continue
        here = at_node[node]
        times, by_exercise = aggregate.decision_seconds(here), aggregate.grouped(here, "exercise")
        rates = {e.key: aggregate.expected_rate(by_exercise[e.key]) for e in played if e.key in by_exercise}
        keys = list(rates)
        points.append(PointStats(
            node=node, title=title, decisions=len(here), expected_rate=aggregate.expected_rate(here),
            median_seconds=times["median"], slowest_seconds=times["max"],
            by_agency=aggregate.expected_rate_by_agency(here), by_exercise=rates,
            changes={key: moved(rates[keys[n - 1]], rates[key]) for n, key in enumerate(keys) if n}))
    stats = [_stats(e, in_exercise[e.key], current=e.key == current) for e in played]
    stats = [replace(row, change=moved(stats[n - 1].expected_rate, row.expected_rate)) if n else row
             for n, row in enumerate(stats)]
    return ScenarioTrend(scenario=scenario, slug=slug, points=points, agencies=aggregate.expected_rate_by_agency(own),
                         exercises=stats)


def compared(action: dict, tied: dict[tuple[str, str], str], before: Exercise, before_rows: list[dict],
             after: Exercise, after_rows: list[dict]) -> Verification:
    """The decision points `tied` to the action ((scenario slug, node) -> title), before (in the exercise
    that found the issue) and after (in the one verifying the fix)."""
    def by_point(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
        found: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            if row["own"]:
                found.setdefault((row["slug"], row["node"]), []).append(row)
        return found

    before_at, after_at = by_point(before_rows), by_point(after_rows)
    points = []
    for point, title in tied.items():
        if point in before_at or point in after_at:
            earlier = _stats(before, before_at.get(point, []))
            later = _stats(after, after_at.get(point, []), current=True)
            points.append(Comparison(title=title, before=earlier,
                                     after=replace(later, change=moved(earlier.expected_rate, later.expected_rate))))
    if not tied:
        said = f"No decision point of the scenario scores an objective of {action['capability']}."
    elif not points:
        said = "None of the decision points tied to this action was decided in either exercise."
    else:
        said = ""
    return Verification(action=action["action"], capability=action["capability"], issue=action["issue"],
                        agency=action["agency"], status=action["status"], found_in=before.label, points=points,
                        said=said)


def chart_rows(found: ScenarioTrend) -> dict[str, list[tuple]]:
    """What each chart of a trend draws, row by row: (label, rate), or for times (label, median, slowest)."""
    return {"exercises": [(e.label, e.expected_rate) for e in found.exercises],
            "points": [(p.title, p.expected_rate) for p in found.points],
            "times": [(p.title, p.median_seconds, p.slowest_seconds) for p in found.points],
            "agencies": list(found.agencies.items())}


def tied_points(scenario, capability: str) -> dict[tuple[str, str], str]:
    """The decision points that score an objective of the capability: (scenario slug, node) -> title."""
    objectives = {o.id for o in scenario.objectives if capability in o.core_capabilities}
    return {(scenario.id, node.id): node.title for node in scenario.nodes
            if node.decision and any(objectives & set(c.points) for c in node.decision.choices)}


def decision_titles(scenario) -> dict[str, str]:
    return {node.id: node.title for node in scenario.nodes if node.decision}


# Loaders -----------------------------------------------------------------------------------------

RUN_COLUMNS = (Run.id, Run.scenario, Run.session, Run.mode, Run.created_at,
               Run.session.starts_at.as_alias("starts_at"), Run.session.time_zone.as_alias("time_zone"),
               Run.session.course.title.as_alias("course"), Run.scenario.slug.as_alias("slug"))


def session_label(course: str, starts_at: datetime, time_zone: str) -> str:
    """'Active threat response, 16 Nov 2026': the course and the local date."""
    return f"{course}, {starts_at.astimezone(ZoneInfo(time_zone)):%d %b %Y}"


def played_at(run: dict) -> datetime:
    """When a run counts as played: its session's start, or when it was opened."""
    return run["starts_at"] if run["mode"] == Run.Mode.facilitated and run["session"] else run["created_at"]


def exercises_of(runs: list[dict]) -> dict[int, Exercise]:
    """Run id -> the exercise it counts toward."""
    named: dict[str, tuple[str, datetime]] = {}
    keys = {}
    for run in runs:
        if run["mode"] == Run.Mode.self_paced:
            month = run["created_at"].astimezone(UTC)
            key, label = f"self-paced-{month:%Y-%m}", f"Self-paced play, {month:%B %Y}"
        elif run["session"] is None:
            key, label = f"run-{run['id']}", f"An exercise no longer scheduled, {run['created_at']:%d %b %Y}"
        else:
            key, label = f"session-{run['session']}", session_label(run["course"], run["starts_at"], run["time_zone"])
        keys[run["id"]] = key
        if key not in named or played_at(run) < named[key][1]:
            named[key] = (label, played_at(run))
    return {run: Exercise(key, *named[key]) for run, key in keys.items()}


async def runs_where(condition) -> list[dict]:
    return await Run.select(*RUN_COLUMNS).where(condition).order_by(Run.created_at)


async def decisions_by_exercise(runs: list[dict], read: list[dict] | None = None) -> tuple[list[dict], list[Exercise]]:
    """Every recorded decision of the runs, each with the key of its exercise, and the exercises oldest
    first. `read`: decisions of some of the runs already read (a report's own), not read again."""
    exercise_of_run = exercises_of(runs)
    known = {d["run"] for d in read or []}
    rows = [d for d in read or [] if d["run"] in exercise_of_run]
    rows += (await events_of_runs([run for run in runs if run["id"] not in known], timeline=False))[0]
    decisions = [{**d, "exercise": exercise_of_run[d["run"]].key} for d in rows]
    return decisions, sorted(set(exercise_of_run.values()), key=lambda e: (e.began, e.label))


async def latest_scenario(slug: str):
    """The newest version of the scenario that was played: its titles name the decision points."""
    row = await Run.select(Run.scenario).where(Run.scenario.slug == slug).order_by(
        Run.scenario, ascending=False).first()
    return (await compiled_version(row["scenario"])).scenario if row else None


async def scenario_trend(slug: str, agencies: list[int] | None = None, up_to: datetime | None = None,
                         current: int | None = None, read: list[dict] | None = None,
                         least: int = 1) -> ScenarioTrend | None:
    """The scenario's decisions across the exercises that played it: those of people playing for
    `agencies` (everyone's when None); for a report, only runs played up to `up_to`, the start of the
    report's session (`current`), whose own decisions are `read` already. None when fewer than `least`
    exercises have a decision to show."""
    scenario = await latest_scenario(slug)
    runs = await runs_where(Run.scenario.slug == slug)
    if up_to is not None:
        runs = [run for run in runs if run["session"] == current or played_at(run) <= up_to]
    if scenario is None or len(set(exercises_of(runs).values())) < least:
        return None  # not read at all: too few exercises played it
    decisions, exercises = await decisions_by_exercise(runs, read)
    if agencies is not None:
        decisions = [d for d in decisions if d["agency_id"] in agencies]
    found = trend(scenario.title, slug, decisions, exercises, decision_titles(scenario),
                  f"session-{current}" if current else None)
    return found if len(found.exercises) >= least else None


async def played_scenarios(agencies: list[int] | None = None) -> list[dict]:
    """The scenarios that have been played (by people playing for `agencies`, unless None), with how many
    runs each: the analytics' index."""
    query = Run.select(Run.id, Run.scenario.slug.as_alias("slug"), Run.scenario.title.as_alias("title")).where(
        Run.status != Run.Status.lobby)
    if agencies is not None:
        query = query.where(Run.id.is_in(RunParticipant.select(RunParticipant.run).where(
            RunParticipant.agency.is_in(agencies or [0]))))
    found: dict[str, dict] = {}
    for row in await query.order_by(Run.scenario, ascending=False):  # the newest version's title names it
        found.setdefault(row["slug"], {"slug": row["slug"], "title": row["title"], "runs": 0})["runs"] += 1
    return sorted(found.values(), key=lambda row: row["title"].lower())


async def report_analytics(session_id: int, decisions: list[dict], verified: list[dict],
                           agencies: list[int]) -> tuple[list[ScenarioTrend], list[Verification]]:
    """For an exercise's report, counting the decisions of people playing for `agencies` (its
    participating organisations, who receive it): each scenario it played across the exercises up to
    this one, when an earlier exercise played it too; and each corrective action it verifies
    (`verified`, from improvement.actions_verified_by) before and after. `decisions`: the exercise's own,
    as read for the report."""
    runs = await runs_where(Run.session == session_id)
    if not runs:
        return [], []
    here = exercises_of(runs)[runs[0]["id"]]
    slugs = list(dict.fromkeys(run["slug"] for run in runs))
    trends = [found for slug in slugs if (found := await scenario_trend(
        slug, agencies, up_to=runs[0]["starts_at"], current=session_id, read=decisions, least=2))]
    mine = [d for d in decisions if d["agency_id"] in agencies]
    scenarios = {slug: await latest_scenario(slug) for slug in slugs} if verified else {}
    earlier_of: dict[int, tuple[list[dict], list[dict]]] = {}  # an earlier session: its runs and decisions
    verifications = []
    for action in verified:
        if action["session"] not in earlier_of:
            earlier = await runs_where(Run.session == action["session"])
            earlier_of[action["session"]] = (earlier, (await decisions_by_exercise(earlier))[0])
        earlier, earlier_decisions = earlier_of[action["session"]]
        shared = [slug for slug in slugs if any(run["slug"] == slug for run in earlier)]
        tied = {point: title for slug in shared
                for point, title in tied_points(scenarios[slug], action["capability"]).items()}
        found_in = Exercise(f"session-{action['session']}", session_label(
            action["exercise"], action["starts_at"], action["time_zone"]), action["starts_at"])
        verification = compared(action, tied, found_in, [d for d in earlier_decisions if d["agency_id"] in agencies],
                                here, mine)
        verifications.append(verification if shared else replace(
            verification, said="The exercise that found the issue and this one played no scenario in common."))
    return trends, verifications
