"""Why a person may not be free for a session: enrolled in (or waiting for) another that overlaps, on
the staff of another that overlaps, or on this session's own staff. Warnings, never a refusal: a
coordinator may enrol them anyway with a reason (enrolment/service.py)."""

from drillhub.enrolment.tables import Enrollment
from drillhub.scheduling.tables import Session, SessionStaff
from drillhub.scheduling.when import describe_when

BUSY = (Enrollment.Status.enrolled, Enrollment.Status.requested, Enrollment.Status.waitlisted)
DOING = {Enrollment.Status.enrolled: "enrolled in", Enrollment.Status.requested: "waiting for approval for",
         Enrollment.Status.waitlisted: "on the waitlist of"}


async def clashes_of(session_id: int, person_ids: list[int], drafts: bool = True) -> dict[int, list[str]]:
    """Person id -> what they are doing at the time of this session, for those who are busy; draft
    sessions count only with `drafts` (an officer told of their own clashes never sees a draft)."""
    session = await Session.select(Session.starts_at, Session.ends_at).where(Session.id == session_id).first()
    if session is None or not person_ids:
        return {}
    overlapping = Session.select(Session.id).where(
        (Session.starts_at < session["ends_at"]) & (Session.ends_at > session["starts_at"])
        & Session.status.not_in([Session.Status.cancelled] + ([] if drafts else [Session.Status.draft]))
        & (Session.id != session_id))
    found: dict[int, list[str]] = {}
    for row in await Enrollment.select(
            Enrollment.person, Enrollment.status, Enrollment.session.course.title.as_alias("title"),
            Enrollment.session.starts_at.as_alias("starts_at"), Enrollment.session.ends_at.as_alias("ends_at"),
            Enrollment.session.time_zone.as_alias("time_zone")).where(
            Enrollment.person.is_in(person_ids) & Enrollment.status.is_in(list(BUSY))
            & Enrollment.session.is_in(overlapping)).order_by(Enrollment.session.starts_at):
        found.setdefault(row["person"], []).append(f"{DOING[row['status']]} {row['title']}, {describe_when(row)}")
    for row in await SessionStaff.select(
            SessionStaff.person, SessionStaff.role, SessionStaff.session.id.as_alias("session"),
            SessionStaff.session.course.title.as_alias("title"),
            SessionStaff.session.starts_at.as_alias("starts_at"), SessionStaff.session.ends_at.as_alias("ends_at"),
            SessionStaff.session.time_zone.as_alias("time_zone")).where(
            SessionStaff.person.is_in(person_ids) & (
                (SessionStaff.session == session_id) | SessionStaff.session.is_in(overlapping))):
        found.setdefault(row["person"], []).append(
            f"{row['role']} of this session" if row["session"] == session_id
            else f"{row['role']} of {row['title']}, {describe_when(row)}")
    return found
