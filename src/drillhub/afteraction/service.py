"""Who took part in an exercise (a scheduled session), in which exercise role and for which agency
(drillhub.permissions decides from it who may give feedback and read the After-Action Report), and what
a supervisor's dashboard says of their agencies' exercises."""

from dataclasses import dataclass

from drillhub.afteraction.tables import CorrectiveAction, Feedback, Report
from drillhub.agencies.tables import Agency
from drillhub.certificates.records import agency_hours
from drillhub.enrolment.tables import Enrollment
from drillhub.exercises.tables import Run, RunParticipant
from drillhub.scheduling.tables import Session, SessionStaff


@dataclass(frozen=True)
class Participant:
    person: int
    name: str
    title: str
    agency: int | None
    agency_name: str
    exercise_role: str  # Feedback.ExerciseRole: player, facilitator, evaluator


async def participants(session_id: int) -> list[Participant]:
    """Everyone who took part: the staff, everyone who joined one of its runs, and everyone marked
    attended. A player's agency is the one they joined a run for, else their own."""
    found: dict[int, Participant] = {}
    staff = await SessionStaff.select(
        SessionStaff.person, SessionStaff.role, SessionStaff.person.name.as_alias("name"),
        SessionStaff.person.title.as_alias("title"), SessionStaff.person.agency.as_alias("agency"),
        SessionStaff.person.agency.name.as_alias("agency_name"),
    ).where(SessionStaff.session == session_id)
    players = await RunParticipant.select(
        RunParticipant.person, RunParticipant.person.name.as_alias("name"),
        RunParticipant.person.title.as_alias("title"), RunParticipant.agency,
        RunParticipant.agency.name.as_alias("agency_name"),
    ).where(RunParticipant.run.session == session_id).order_by(RunParticipant.joined_at)
    attended = await Enrollment.select(
        Enrollment.person, Enrollment.person.name.as_alias("name"), Enrollment.person.title.as_alias("title"),
        Enrollment.person.agency.as_alias("agency"), Enrollment.person.agency.name.as_alias("agency_name"),
    ).where((Enrollment.session == session_id) & (Enrollment.attendance == Enrollment.Attendance.attended))
    for row in staff:
        found[row["person"]] = Participant(row["person"], row["name"], row["title"], row["agency"],
                                           row["agency_name"], row["role"])
    for row in [*players, *attended]:
        found.setdefault(row["person"], Participant(row["person"], row["name"], row["title"], row["agency"],
                                                    row["agency_name"] or "", Feedback.ExerciseRole.player))
    return sorted(found.values(), key=lambda p: (p.agency_name, p.name))


async def find_participant(session_id: int, person_id: int) -> Participant | None:
    return next((p for p in await participants(session_id) if p.person == person_id), None)


async def report_is_final(session_id: int) -> bool:
    """Once an AAR version is final, feedback and evaluation are closed."""
    return await Report.exists().where((Report.session == session_id) & (Report.status == Report.Status.final))


async def runs_of(session_id: int) -> list[dict]:
    return await Run.select(Run.id, Run.status, Run.created_at, Run.scenario, Run.scenario.title.as_alias("title")).where(
        Run.session == session_id).order_by(Run.created_at)



async def agency_overview(agency_ids: list[int], today) -> dict:
    """For a supervisor's agencies: per agency the exercises taken part in, the people who took part and
    their training hours this year (records.agency_hours, as the transcript and the CSV count them); the
    exercises newest first, each with its latest final AAR; and the open and overdue corrective actions."""
    ids = agency_ids or [0]
    attended = await Enrollment.select(
        Enrollment.session, Enrollment.person, Enrollment.person.agency.as_alias("agency"),
    ).where((Enrollment.attendance == Enrollment.Attendance.attended) & Enrollment.person.agency.is_in(ids))
    hours = await agency_hours(ids, today.year)
    played = await RunParticipant.select(
        RunParticipant.run.session.as_alias("session"), RunParticipant.person, RunParticipant.agency,
    ).where(RunParticipant.agency.is_in(ids) & RunParticipant.run.session.is_not_null())
    names = {row["id"]: row["name"] for row in await Agency.select(Agency.id, Agency.name).where(Agency.id.is_in(ids))}
    agencies = []
    for agency_id, name in sorted(names.items(), key=lambda item: item[1]):
        mine = [r for r in [*attended, *played] if r["agency"] == agency_id]
        agencies.append({"name": name, "exercises": len({r["session"] for r in mine}),
                         "people": len({r["person"] for r in mine}),
                         "hours": hours[agency_id]})
    session_ids = list({r["session"] for r in [*attended, *played]}) or [0]
    exercises = await Session.select(Session.id, Session.starts_at, Session.course.title.as_alias("title")).where(
        Session.id.is_in(session_ids)).order_by(Session.starts_at, ascending=False).limit(10)
    finals = await Report.select(Report.session, Report.version).where(
        Report.session.is_in(session_ids) & (Report.status == Report.Status.final))
    for exercise in exercises:
        exercise["final_version"] = max((r["version"] for r in finals if r["session"] == exercise["id"]), default=None)
    actions = await CorrectiveAction.select(CorrectiveAction.due_on).where(
        CorrectiveAction.agency.is_in(ids) & CorrectiveAction.status.is_in(["open", "in_progress"]))
    return {"agencies": agencies, "exercises": exercises, "open_actions": len(actions),
            "overdue_actions": sum(1 for a in actions if a["due_on"] < today)}
