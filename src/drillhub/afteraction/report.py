"""The After-Action Report / Improvement Plan: the data it reports, gathered from what was recorded,
and its versions (a draft is edited; a final version is locked with the data as it was)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from drillhub import db, parse
from drillhub.accounts.tables import Person
from drillhub.afteraction import aggregate, reportdata
from drillhub.afteraction.evaluation import list_observations, list_targets, rating_board
from drillhub.afteraction.feedback import STATEMENTS
from drillhub.afteraction.service import participants, runs_of
from drillhub.afteraction.events import iso, recorded_events
from drillhub.afteraction.exports import exports_of
from drillhub.afteraction.analytics import report_analytics
from drillhub.afteraction.improvement import actions_verified_by, plan_rows
from drillhub.afteraction.reportdata import (
    AgencyCount,
    CapabilityResult,
    Choice,
    Contact,
    DecisionPoint,
    FeedbackSummary,
    ObservationNote,
    Participant,
    PlanRow,
    ReportData,
    ScenarioPlayed,
    Statement,
    TargetResult,
    TimelineRow,
    Times,
)
from drillhub.afteraction.tables import Feedback, Report, ReportExport
from drillhub.audit.service import Actor, record_event
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.permissions import participating_organisations
from drillhub.wording import counted
from drillhub.scenarios.model import EXERCISE_TYPE_LABELS
from drillhub.scenarios.service import compiled_version, get_current
from drillhub.scheduling.tables import Course, Session, SessionStaff, Venue

HANDLING_DEFAULT = "FOR OFFICIAL USE ONLY"
LONG = 20_000
HANDLING_LENGTH = 100


def decision_point_summaries(points: list[dict], decisions: list[dict]) -> list[DecisionPoint]:
    by_point = aggregate.grouped(decisions, "point")
    summaries = []
    for point in points:
        mine = by_point.get(point["key"], [])
        own = [d for d in mine if d["own"]]  # choices, rates and times are the players' own
        summaries.append(DecisionPoint(
            key=point["key"], scenario=point["scenario"], title=point["title"], prompt=point["prompt"],
            choices=[Choice(**choice) for choice in point["choices"]], agencies=sorted({d["agency"] for d in own}),
            distribution=aggregate.choice_distribution(own), count=len(mine), own_count=len(own),
            expected_rate=aggregate.expected_rate(own), times=Times(**aggregate.decision_seconds(own))))
    return summaries


async def _contacts(session: Session) -> list[Contact]:
    """Who to ask about the exercise: its lead evaluator and the coordinator who scheduled it."""
    lead = await SessionStaff.select(SessionStaff.person).where(
        (SessionStaff.session == session.id) & SessionStaff.lead.eq(True)).first()
    wanted = [("Lead evaluator", lead["person"] if lead else None), ("Exercise coordinator", session.created_by)]
    people = {row["id"]: row for row in await Person.select(
        Person.id, Person.name, Person.email, Person.title, Person.agency.name.as_alias("agency")).where(
        Person.id.is_in([person for _, person in wanted if person] or [0]))}
    return [Contact(role=role, name=people[person]["name"], title=people[person]["title"],
                    agency=people[person]["agency"] or "", email=people[person]["email"])
            for role, person in wanted if person in people]


async def _scenario_versions(session_id: int, course_scenarios: list[str]) -> list[int]:
    """The scenario versions the exercise's runs played; without runs, the course's linked scenarios."""
    played = list(dict.fromkeys(run["scenario"] for run in await runs_of(session_id)))
    if played:
        return played
    linked = []
    for slug in course_scenarios:
        try:
            linked.append((await get_current(slug)).id)
        except NotFound:
            continue  # taken out of the library since
    return linked


async def report_data(session_id: int) -> ReportData:
    """Everything the report shows, as recorded now."""
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such exercise.")
    course = await Course.objects().where(Course.id == session.course).output(load_json=True).first()
    venue = await Venue.select(Venue.name, Venue.agency.name.as_alias("owner")).where(Venue.id == session.venue).first() \
        if session.venue else None
    zone = ZoneInfo(session.time_zone)
    people = await participants(session_id)
    scenarios: list[ScenarioPlayed] = []
    for version in await _scenario_versions(session_id, course.scenarios):
        scenario = (await compiled_version(version)).scenario
        if all(s.title != scenario.title for s in scenarios):
            scenarios.append(ScenarioPlayed(
                title=scenario.title, summary=scenario.summary, threat_hazard=scenario.threat_hazard,
                mission_areas=list(scenario.mission_areas), objectives=[o.description for o in scenario.objectives]))
    decisions, points, timeline = await recorded_events(session_id)
    own = [d for d in decisions if d["own"]]  # rates and times are the players' own decisions
    trends, verifications = await report_analytics(session_id, decisions, await actions_verified_by(session_id),
                                                   agencies=sorted(await participating_organisations(session_id)))
    capabilities = await _capability_results(session_id, course.core_capabilities)
    feedback = await Feedback.select(Feedback.strengths, Feedback.improvements, Feedback.ratings, Feedback.comments,
                                     Feedback.missed, Feedback.corrective_actions).where(
        Feedback.session == session_id).output(load_json=True)
    counts: dict[str, int] = {}  # the participating organisations: those whose people played (permissions.py)
    for person in people:
        if person.exercise_role == Feedback.ExerciseRole.player:
            counts[person.agency_name or "No agency"] = counts.get(person.agency_name or "No agency", 0) + 1
    comments = [text for f in feedback for text in [*f["strengths"], *f["improvements"], f["comments"], f["missed"]] if text]
    return ReportData(
        title=course.title, exercise_type=EXERCISE_TYPE_LABELS.get(course.exercise_type, course.exercise_type),
        starts=session.starts_at.astimezone(zone).strftime("%d %B %Y %H:%M"),
        ends=session.ends_at.astimezone(zone).strftime("%d %B %Y %H:%M"), time_zone=session.time_zone,
        venue=venue["name"] if venue else "Online", sponsor=venue["owner"] if venue else "",
        contacts=await _contacts(session),
        course_objectives=list(course.objectives), scenarios=scenarios,
        mission_areas=sorted({area for s in scenarios for area in s.mission_areas}),
        core_capabilities=[c.capability for c in capabilities],
        agencies=[AgencyCount(name=name, count=n) for name, n in sorted(counts.items())],
        participants=[Participant(name=p.name, agency=p.agency_name, role=p.exercise_role, title=p.title)
                      for p in people],
        capabilities=capabilities,
        timeline=[TimelineRow(**row) for row in sorted(timeline, key=lambda row: (row["run"], row["at"]))],
        decision_points=decision_point_summaries(points, decisions),
        decision_count=len(decisions), own_count=len(own), expected_rate=aggregate.expected_rate(own),
        expected_by_agency=aggregate.expected_rate_by_agency(own), times=Times(**aggregate.decision_seconds(own)),
        feedback=FeedbackSummary(
            count=len(feedback),
            statements=[Statement(**line) for line in aggregate.rating_summary([f["ratings"] for f in feedback], STATEMENTS)],
            strengths=aggregate.tally([s for f in feedback for s in f["strengths"]]),
            improvements=aggregate.tally([s for f in feedback for s in f["improvements"]]),
            recommended=aggregate.tally([
                f"{a['action']} (priority {a['priority']}{', owner ' + a['owner'] if a['owner'] else ''})"
                for f in feedback for a in f["corrective_actions"]]),
            comments=aggregate.tally([f["comments"] for f in feedback]), themes=aggregate.themes(comments)),
        actions=[PlanRow(**row) for row in await plan_rows(session_id)],
        trends=trends, verifications=verifications,
    )


async def _capability_results(session_id: int, course_capabilities: list[str]) -> list[CapabilityResult]:
    """Each capability evaluated (the EEG's, then the course's), its targets with their reconciled
    ratings and the observations made of them."""
    targets = await list_targets(session_id)
    observations = await list_observations(session_id)
    board = await rating_board(session_id)
    reconciled = {(line.capability, line.target["id"] if line.target else None): line.reconciled for line in board}
    return [CapabilityResult(
        capability=capability, rating=reconciled.get((capability, None)) or "",
        targets=[TargetResult(
            target=t["target"], objective=t["objective"], tasks=list(t["critical_tasks"]),
            rating=reconciled.get((capability, t["id"])) or "",
            observations=[ObservationNote(at=iso(o["observed_at"]), by=o["evaluator_name"] or "", task=o["task"],
                                          note=o["note"], kind=o["kind"])
                          for o in observations if o["target"] == t["id"]])
            for t in targets if t["capability"] == capability])
        for capability in capabilities_evaluated(targets, course_capabilities)]


def capabilities_evaluated(targets: list[dict], course_capabilities: list[str]) -> list[str]:
    """The EEG's capabilities, then the course's others."""
    return list(dict.fromkeys([t["capability"] for t in targets] + list(course_capabilities)))


async def evaluated_capabilities(session_id: int) -> list[str]:
    """What a corrective action of the exercise may name (the capabilities its report analyses)."""
    course = await Session.select(Session.course.core_capabilities.as_alias("capabilities")).where(
        Session.id == session_id).output(load_json=True).first()
    if course is None:
        raise NotFound("No such exercise.")
    return capabilities_evaluated(await list_targets(session_id), course["capabilities"])


# Versions ----------------------------------------------------------------------------------------

async def list_reports(session_id: int) -> list[Report]:
    return await Report.objects().where(Report.session == session_id).order_by(Report.version, ascending=False).output(
        load_json=True)


async def get_report(session_id: int, version: int) -> Report:
    report = await Report.objects().where((Report.session == session_id) & (Report.version == version)).output(
        load_json=True).first()
    if report is None:
        raise NotFound("No such version of the report.")
    return report


def drafted_analysis(data: ReportData) -> list[dict]:
    """A first analysis per capability from the observations, each where its evaluator said it belongs:
    strengths, areas for improvement, or neither. An observation made before evaluators said so goes by
    its target's rating (performed without or with some challenges: a strength)."""
    drafted = []
    for capability in data.capabilities:
        strengths, improvements = [], []
        for target in capability.targets:
            for observation in target.observations:
                kind = observation.kind or ("strength" if target.rating in ("P", "S") else "improvement")
                {"strength": strengths, "improvement": improvements}.get(kind, []).append(observation.note)
        drafted.append({"capability": capability.capability, "strengths": "\n".join(strengths),
                        "improvements": "\n".join(improvements), "analysis": ""})
    return drafted


def drafted_summary(data: ReportData) -> str:
    players = sum(a.count for a in data.agencies)
    kind = data.exercise_type[:1].lower() + data.exercise_type[1:]  # "tabletop exercise (TTX)", as HSEEP spells it
    return (f"{data.title} was a {kind} held from {data.starts} to {data.ends} "
            f"({data.time_zone}) with {counted(players, 'player')} from {counted(len(data.agencies), 'organisation')}. "
            + aggregate.decisions_said(data.decision_count, data.own_count, data.expected_rate) + ". "
            + findings_said(data.capabilities)
            + f" {counted(data.feedback.count, 'participant')} returned the feedback form.")



def findings_said(capabilities: list[CapabilityResult]) -> str:
    """The major strengths and the primary areas for improvement: the capabilities rated P or S, and M or U,
    and what evaluators observed as such."""
    def observed(kind: str) -> list[str]:
        return [o.note.rstrip(".") for c in capabilities for t in c.targets for o in t.observations
                if o.kind == kind][:3]

    strengths = [f"{c.capability} ({c.rating})" for c in capabilities if c.rating in ("P", "S")]
    improvements = [f"{c.capability} ({c.rating})" for c in capabilities if c.rating in ("M", "U")]
    said = []
    if strengths or observed("strength"):
        said.append("Major strengths: " + "; ".join([*strengths, *observed("strength")]) + ".")
    if improvements or observed("improvement"):
        said.append("Primary areas for improvement: " + "; ".join([*improvements, *observed("improvement")]) + ".")
    return " ".join(said) or "No capability has been rated and no strength or area for improvement observed yet."


async def open_report(session_id: int, actor: Actor) -> Report:
    """The first draft, generated from the data; or, after a final version, a new draft copied from it."""
    data = await report_data(session_id)
    now = datetime.now(UTC)
    async with db.transaction():
        await db.lock_row(Session, session_id)
        versions = await list_reports(session_id)
        if versions and versions[0].status == Report.Status.draft:
            raise Conflict("A draft of the report is already open.")
        latest = versions[0] if versions else None
        report = Report(
            session=session_id, version=latest.version + 1 if latest else 1, status=Report.Status.draft,
            handling=latest.handling if latest else HANDLING_DEFAULT,
            points_of_contact=latest.points_of_contact if latest else aggregate.contacts_said(data.contacts or []),
            executive_summary=latest.executive_summary if latest else drafted_summary(data),
            analysis=latest.analysis if latest else drafted_analysis(data), created_at=now, created_by=actor.person_id,
            updated_at=now)
        await report.save()
        await record_event("aar.open", actor, target=f"session {session_id}", detail={"version": report.version})
    return await get_report(session_id, report.version)


@dataclass(frozen=True)
class ReportInput:
    handling: str = ""
    points_of_contact: str = ""
    executive_summary: str = ""
    capability: tuple[str, ...] = ()  # four parallel lists, one entry per capability analysed
    strengths: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    analysis: tuple[str, ...] = ()


async def save_report(session_id: int, version: int, data: ReportInput) -> Report:
    errors = parse.too_long({
        "handling": (data.handling, HANDLING_LENGTH), "points_of_contact": (data.points_of_contact, LONG),
        "executive_summary": (data.executive_summary, LONG),
        **{"analysis": (text, LONG) for texts in (data.strengths, data.improvements, data.analysis) for text in texts
           if len(text.strip()) > LONG}})
    if not data.handling.strip():
        errors["handling"] = "Give the handling instructions printed on every page, e.g. FOR OFFICIAL USE ONLY."
    if not data.executive_summary.strip():
        errors["executive_summary"] = "Write the executive summary."
    if errors:
        raise Invalid(errors)
    analysis = [{"capability": c, "strengths": s.strip(), "improvements": i.strip(), "analysis": a.strip()}
                for c, s, i, a in zip(data.capability, data.strengths, data.improvements, data.analysis, strict=False)]
    async with db.transaction():
        report = await get_report(session_id, version)
        if report.status != Report.Status.draft:
            raise Conflict("This version is final; open a new version to change the report.")
        await Report.update({Report.handling: data.handling.strip(),
                             Report.points_of_contact: data.points_of_contact.strip(),
                             Report.executive_summary: data.executive_summary.strip(), Report.analysis: analysis,
                             Report.updated_at: datetime.now(UTC)}).where(Report.id == report.id)
    return await get_report(session_id, version)


async def finalize_report(session_id: int, version: int, actor: Actor) -> Report:
    """Lock the version with the data as it is now, its exports included; feedback and evaluation close
    with it."""
    data = await report_data(session_id)
    exports = await exports_of(session_id)
    now = datetime.now(UTC)
    async with db.transaction():
        report = await get_report(session_id, version)
        if report.status != Report.Status.draft:
            raise Conflict("This version is already final.")
        await Report.update({Report.status: Report.Status.final, Report.snapshot: reportdata.stored(data), Report.finalized_at: now,
                             Report.finalized_by: actor.person_id, Report.updated_at: now}).where(Report.id == report.id)
        await ReportExport.insert(*(ReportExport(report=report.id, kind=kind, rows=rows) for kind, rows in exports.items()))
        await record_event("aar.finalize", actor, target=f"session {session_id}", detail={"version": version})
    return await get_report(session_id, version)
