"""Decision analytics across exercises: for a scenario played many times (scheduled exercises and
self-paced play), each decision point's expected-action rate per organisation, how long players took,
and how both moved from one exercise to the next; and, for a corrective action, its decision points in
the exercise that found the issue and in the one that verifies the fix.

The summaries (`trend`, `compared`) are pure and read plain decision rows as afteraction.events gives
them; only the players' own decisions count (defaults on time-out and stand-ins say nothing of a
player). The loaders below them find the rows."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from drillhub.afteraction import aggregate
from drillhub.afteraction.events import events_of_runs
from drillhub.afteraction.reportdata import Comparison, ExerciseStats, PointStats, ScenarioTrend, Verification
from drillhub.exercises.tables import Run, RunParticipant
from drillhub.scenarios.service import compiled_version


@dataclass(frozen=True)
class Exercise:
    """What a run counts toward: its session, or for self-paced play the month it was played in."""

    key: str
    label: str
    date: str  # ISO date


def exercise_of(run: dict) -> Exercise:
    if run["session"]:
        zone = ZoneInfo(run["time_zone"])
        begins = run["starts_at"].astimezone(zone)
        return Exercise(f"session-{run['session']}", f"{run['course']}, {begins:%d %b %Y}", begins.date().isoformat())
    month = run["created_at"].astimezone(ZoneInfo("UTC"))
    return Exercise(f"self-paced-{month:%Y-%m}", f"Self-paced play, {month:%B %Y}", f"{month:%Y-%m}-01")


def _stats(exercise: Exercise, decisions: list[dict], current: bool = False) -> ExerciseStats:
    times = aggregate.decision_seconds(decisions)
    return ExerciseStats(key=exercise.key, label=exercise.label, date=exercise.date, decisions=len(decisions),
                         expected_rate=aggregate.expected_rate(decisions), median_seconds=times["median"],
                         slowest_seconds=times["max"], current=current)


def trend(scenario: str, slug: str, decisions: list[dict], exercises: list[Exercise], titles: dict[str, str],
          current: str | None = None) -> ScenarioTrend:
    """`decisions` carry "exercise" (an Exercise.key), "node", "agency", "expected", "seconds" and "own";
    `exercises` in the order they are shown; `titles` each decision point's title, in the scenario's
    order; `current` the key of the exercise a report is about."""
    own = [d for d in decisions if d["own"]]
    at_node, in_exercise = aggregate.grouped(own, "node"), aggregate.grouped(own, "exercise")
    points = []
    for node, title in titles.items():
        if node not in at_node:
            continue
        here = at_node[node]
        times, by_exercise = aggregate.decision_seconds(here), aggregate.grouped(here, "exercise")
        points.append(PointStats(
            node=node, title=title, decisions=len(here), expected_rate=aggregate.expected_rate(here),
            median_seconds=times["median"], slowest_seconds=times["max"],
            by_agency=aggregate.expected_rate_by_agency(here),
            by_exercise={e.key: aggregate.expected_rate(by_exercise[e.key]) for e in exercises if e.key in by_exercise}))
    return ScenarioTrend(
        scenario=scenario, slug=slug, points=points, agencies=aggregate.expected_rate_by_agency(own),
        exercises=[_stats(e, in_exercise[e.key], e.key == current) for e in exercises if e.key in in_exercise])


def compared(action: dict, tied: dict[str, str], before: Exercise, before_rows: list[dict], after: Exercise,
             after_rows: list[dict]) -> Verification:
    """The decision points `tied` to the action (node -> title), before (in the exercise that found the
    issue) and after (in the one verifying the fix)."""
    before_at = aggregate.grouped([d for d in before_rows if d["own"]], "node")
    after_at = aggregate.grouped([d for d in after_rows if d["own"]], "node")
    points = [Comparison(node=node, title=title, before=_stats(before, before_at.get(node, [])),
                         after=_stats(after, after_at.get(node, []), current=True))
              for node, title in tied.items()]
    points = [p for p in points if p.before.decisions or p.after.decisions]
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


def tied_points(scenario, capability: str) -> dict[str, str]:
    """The decision points that score an objective of the capability: node id -> title."""
    objectives = {o.id for o in scenario.objectives if capability in o.core_capabilities}
    return {node.id: node.title for node in scenario.nodes
            if node.decision and any(objectives & set(c.points) for c in node.decision.choices)}


def decision_titles(scenario) -> dict[str, str]:
    return {node.id: node.title for node in scenario.nodes if node.decision}


# Loaders -----------------------------------------------------------------------------------------

RUN_COLUMNS = (Run.id, Run.scenario, Run.session, Run.created_at, Run.session.starts_at.as_alias("starts_at"),
               Run.session.time_zone.as_alias("time_zone"), Run.session.course.title.as_alias("course"),
               Run.scenario.slug.as_alias("slug"), Run.scenario.title.as_alias("title"))


async def runs_of_scenario(slug: str) -> list[dict]:
    return await Run.select(*RUN_COLUMNS).where(Run.scenario.slug == slug).order_by(Run.created_at)


async def decisions_by_exercise(runs: list[dict], read: list[dict] = ()) -> tuple[list[dict], list[Exercise]]:
    """Every recorded decision of the runs, each with the key of its exercise, and the exercises in date
    order. `read`: decisions of some of the runs already read (a report's own), not read again."""
    exercise_of_run = {run["id"]: exercise_of(run) for run in runs}
    known = {d["run"] for d in read}
    rows = [d for d in read if d["run"] in exercise_of_run]
    rows += (await events_of_runs([run for run in runs if run["id"] not in known], timeline=False))[0]
    decisions = [{**d, "exercise": exercise_of_run[d["run"]].key} for d in rows]
    return decisions, sorted(set(exercise_of_run.values()), key=lambda e: (e.date, e.label))


async def latest_scenario(slug: str):
    """The newest version of the scenario that was played: its titles name the decision points."""
    row = await Run.select(Run.scenario).where(Run.scenario.slug == slug).order_by(Run.scenario, ascending=False).first()
    return (await compiled_version(row["scenario"])).scenario if row else None


async def scenario_trend(slug: str, agencies: list[int] | None = None, up_to: Exercise | None = None,
                         read: list[dict] = (), least: int = 1) -> ScenarioTrend | None:
    """The scenario's decisions across every exercise that played it (up to and including `up_to`, the
    exercise a report is about, whose decisions are `read` already); only those of people playing for
    `agencies`, unless None. None when it was played in fewer than `least` exercises."""
    scenario = await latest_scenario(slug)
    runs = await runs_of_scenario(slug)
    if up_to is not None:
        runs = [run for run in runs if (exercise := exercise_of(run)).key == up_to.key
                or (exercise.date, exercise.label) <= (up_to.date, up_to.label)]
    if scenario is None or len({exercise_of(run) for run in runs}) < least:
        return None
    decisions, exercises = await decisions_by_exercise(runs, read)
    if agencies is not None:
        decisions = [d for d in decisions if d["agency_id"] in agencies]
    return trend(scenario.title, slug, decisions, exercises, decision_titles(scenario), up_to.key if up_to else None)


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


async def report_analytics(session_id: int, decisions: list[dict],
                           verified: list[dict]) -> tuple[list[ScenarioTrend], list[Verification]]:
    """For an exercise's report: each scenario it played across the exercises up to this one, when another
    exercise played it before; and each corrective action it verifies (`verified`, from
    improvement.actions_verified_by) before and after. `decisions`: the exercise's own, as read for the
    report."""
    runs = await Run.select(*RUN_COLUMNS).where(Run.session == session_id).order_by(Run.created_at)
    if not runs:
        return [], []
    here = exercise_of(runs[0])
    trends = [found for slug in dict.fromkeys(run["slug"] for run in runs)
              if (found := await scenario_trend(slug, up_to=here, read=decisions, least=2)) and len(found.exercises) > 1]
    verifications = []
    for action in verified:
        earlier = await Run.select(*RUN_COLUMNS).where(Run.session == action["session"]).order_by(Run.created_at)
        shared = [slug for slug in dict.fromkeys(run["slug"] for run in runs) if any(r["slug"] == slug for r in earlier)]
        if not earlier or not shared:
            verifications.append(Verification(
                action=action["action"], capability=action["capability"], issue=action["issue"],
                agency=action["agency"], status=action["status"], found_in=action["exercise"], points=[],
                said="The exercise that found the issue and this one played no scenario in common."))
            continue
        slug = shared[0]
        before_rows, _ = await decisions_by_exercise([r for r in earlier if r["slug"] == slug])
        after_rows, _ = await decisions_by_exercise([r for r in runs if r["slug"] == slug], decisions)
        verifications.append(compared(action, tied_points(await latest_scenario(slug), action["capability"]),
                                      exercise_of(earlier[0]), before_rows, here, after_rows))
    return trends, verifications
