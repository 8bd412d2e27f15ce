"""Who may do what. The roles, and the record rules that views, services and templates ask: nobody
else spells out "admin or coordinator" or looks up a session's staff to decide access.

`user` is the signed-in person (auth.service.SignedInUser): their roles and the agencies they supervise.

Who reads an exercise's After-Action Report follows HSEEP's distribution: the report is marked for
official use (its handling marking) and goes to the organisations that took part as players, not to
every organisation someone on the exercise staff belongs to. So its readers are coordinators, the
exercise's own staff (facilitators and evaluators, who ran and evaluated it), and the supervisors of a
participating organisation: one whose people played (joined a run for it, or were marked attended).
"""

from drillhub.accounts.tables import Person
from drillhub.afteraction.service import participants
from drillhub.afteraction.tables import Feedback
from drillhub.enrolment.tables import Enrollment
from drillhub.scheduling.tables import Session, SessionStaff

ADMIN, COORDINATOR, FACILITATOR, EVALUATOR, OFFICER, SUPERVISOR = (
    Person.Role.admin.value, Person.Role.coordinator.value, Person.Role.facilitator.value,
    Person.Role.evaluator.value, Person.Role.officer.value, Person.Role.supervisor.value,
)
COORDINATORS = (ADMIN, COORDINATOR)  # schedule and manage every session, course, venue and record
SCENARIO_READERS = (ADMIN, COORDINATOR, FACILITATOR, EVALUATOR)  # read the scenario library's files
IMPROVEMENT_READERS = (ADMIN, COORDINATOR, SUPERVISOR)  # follow corrective actions
ANALYTICS_READERS = (ADMIN, COORDINATOR, SUPERVISOR)  # decision analytics across exercises


def administers(user) -> bool:
    return user.has_role(ADMIN)


def coordinates(user) -> bool:
    return user.has_role(*COORDINATORS)


def supervises(user, agency_id: int | None) -> bool:
    return user.has_role(SUPERVISOR) and agency_id in user.supervised_agency_ids


def supervised_agencies(user) -> list[int]:
    return sorted(user.supervised_agency_ids) if user.has_role(SUPERVISOR) else []


def analytics_agencies(user) -> list[int] | None:
    """Whose decisions the person's analytics count: everyone's for coordinators (None), else the
    agencies they supervise."""
    return None if coordinates(user) else supervised_agencies(user)


async def _staff_roles(session_id: int, person_id: int) -> dict[str, bool]:
    """The person's staff roles on the session -> whether they lead (the lead evaluator)."""
    rows = await SessionStaff.select(SessionStaff.role, SessionStaff.lead).where(
        (SessionStaff.session == session_id) & (SessionStaff.person == person_id))
    return {row["role"]: row["lead"] for row in rows}


async def staffs(user, session_id: int) -> bool:
    """On the session's staff: a facilitator or an evaluator of it."""
    return bool(await _staff_roles(session_id, user.person_id))


async def may_view_session(user, session: Session) -> bool:
    """Drafts are for coordinators and the session's staff; anything published is for everyone signed in."""
    return session.status != Session.Status.draft or coordinates(user) or await staffs(user, session.id)


async def may_take_attendance(user, session_id: int) -> bool:
    """Coordinators and the session's staff mark who came and print the sign-in sheet."""
    return coordinates(user) or await staffs(user, session_id)


async def facilitates(user, session_id: int) -> bool:
    """Coordinators, and facilitators on the session's staff, open and run its exercises."""
    if coordinates(user):
        return True
    return user.has_role(FACILITATOR) and SessionStaff.Role.facilitator in await _staff_roles(session_id, user.person_id)


async def evaluates(user, session_id: int) -> bool:
    """The exercise's evaluators (and coordinators) write observations and ratings."""
    return coordinates(user) or SessionStaff.Role.evaluator in await _staff_roles(session_id, user.person_id)


async def leads_evaluation(user, session_id: int) -> bool:
    """The lead evaluator (and coordinators) reconcile ratings, keep the EEG and write the AAR."""
    return coordinates(user) or (await _staff_roles(session_id, user.person_id)).get(SessionStaff.Role.evaluator, False)


async def may_read_evaluation(user, session_id: int) -> bool:
    return coordinates(user) or await staffs(user, session_id)


async def participating_organisations(session_id: int) -> set[int]:
    """The agencies whose people played in the exercise (the staff's own agencies are not among them)."""
    return {p.agency for p in await participants(session_id)
            if p.exercise_role == Feedback.ExerciseRole.player and p.agency is not None}


async def may_read_report(user, session_id: int) -> bool:
    """The module's docstring says why: coordinators, the exercise's staff, supervisors of participating
    organisations."""
    if coordinates(user) or await staffs(user, session_id):
        return True
    mine = supervised_agencies(user)
    return bool(mine) and not set(mine).isdisjoint(await participating_organisations(session_id))


async def took_part(user, session_id: int) -> bool:
    """Played in the exercise, was on its staff, or was marked attended: gives hot wash feedback."""
    return any(p.person == user.person_id for p in await participants(session_id))


def may_see_certificate(user, holder_id: int, agency_id: int) -> bool:
    """A certificate is its holder's, their agency's supervisors' and coordinators'."""
    return user.person_id == holder_id or coordinates(user) or supervises(user, agency_id)


def may_see_records(user, person_id: int, agency_id: int) -> bool:
    """An officer's training records are theirs, their agency's supervisors' and coordinators'."""
    return user.person_id == person_id or coordinates(user) or supervises(user, agency_id)


def may_see_agency_records(user, agency_id: int) -> bool:
    """An agency's training hours, corrective actions and feeds: its supervisors and coordinators."""
    return coordinates(user) or supervises(user, agency_id)


async def may_join_run(run, person_id: int) -> bool:
    """A session's exercise is joined by the people enrolled in the session, its staff and its facilitator."""
    if run.facilitator == person_id or await _staff_roles(run.session, person_id):
        return True
    return await Enrollment.exists().where((Enrollment.session == run.session) & (Enrollment.person == person_id)
                                           & (Enrollment.status == Enrollment.Status.enrolled))


def takes_part_in_run(played, person_id: int) -> bool:
    """A run (exercises.service.Played) is seen by who started it alone, who joined it, and its
    facilitator: no one else."""
    return person_id in (played.run.owner, played.run.facilitator) or person_id in played.roles_of
