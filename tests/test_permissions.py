"""The record rules of drillhub.permissions, on an exercise with staff of their own agencies, three
players of three agencies and one person marked attended (tests/afteraction/conftest.py)."""

from drillhub import permissions
from drillhub.auth.service import SignedInUser
from drillhub.scheduling.tables import SessionStaff
from tests.afteraction.conftest import exercise  # noqa: F401 (a fixture)


def user(person_id: int = 0, *roles: str, supervises: tuple[int, ...] = ()) -> SignedInUser:
    return SignedInUser(session_id=0, person_id=person_id, name="", email="", agency_id=0, agency_name="",
                        roles=frozenset(roles), supervised_agency_ids=frozenset(supervises), flashes=())


def supervisor_of(agency_id: int) -> SignedInUser:
    return user(0, "supervisor", supervises=(agency_id,))


async def test_who_reads_the_after_action_report(exercise):  # noqa: F811
    session = exercise.session.id
    assert await permissions.may_read_report(user(0, "coordinator"), session)
    assert await permissions.may_read_report(user(exercise.evaluator.id, "evaluator"), session)  # the staff
    assert await permissions.may_read_report(supervisor_of(exercise.players["patrol"].agency), session)
    assert await permissions.may_read_report(supervisor_of(exercise.attendee.agency), session)  # attended: played
    # the evaluator's and the facilitator's own agencies did not play: their supervisors do not read it
    assert not await permissions.may_read_report(supervisor_of(exercise.evaluator.agency), session)
    assert not await permissions.may_read_report(supervisor_of(exercise.facilitator.agency), session)
    assert not await permissions.may_read_report(supervisor_of(999), session)
    # supervising an agency takes the supervisor role too
    agency = exercise.players["patrol"].agency
    assert not await permissions.may_read_report(user(0, "officer", supervises=(agency,)), session)
    assert not await permissions.may_read_report(user(exercise.players["patrol"].id, "officer"), session)


async def test_participating_organisations_are_the_players_agencies(exercise):  # noqa: F811
    assert await permissions.participating_organisations(exercise.session.id) == {
        *(p.agency for p in exercise.players.values()), exercise.attendee.agency}


async def test_session_staff_rules(exercise):  # noqa: F811
    session, lead, evaluator = exercise.session.id, exercise.lead_evaluator, exercise.evaluator
    facilitator = user(exercise.facilitator.id, "facilitator")
    assert await permissions.facilitates(facilitator, session)
    assert not await permissions.facilitates(user(exercise.facilitator.id, "officer"), session)  # needs the role
    assert not await permissions.facilitates(user(evaluator.id, "facilitator", "evaluator"), session)  # evaluates here
    assert await permissions.evaluates(user(evaluator.id, "evaluator"), session)
    assert not await permissions.evaluates(facilitator, session)
    assert await permissions.leads_evaluation(user(lead.id, "evaluator"), session)
    assert not await permissions.leads_evaluation(user(evaluator.id, "evaluator"), session)
    for rule in (permissions.staffs, permissions.may_read_evaluation, permissions.may_take_attendance):
        assert await rule(facilitator, session) and not await rule(user(exercise.attendee.id, "officer"), session)
    assert await permissions.may_read_evaluation(user(0, "admin"), session)


async def test_took_part_and_joining(exercise):  # noqa: F811
    session, run = exercise.session.id, exercise.run
    for person in (exercise.facilitator, exercise.players["fire"], exercise.attendee):
        assert await permissions.took_part(user(person.id), session)
    assert not await permissions.took_part(user(999), session)
    assert await permissions.may_join_run(run, exercise.attendee.id)  # enrolled
    assert await permissions.may_join_run(run, exercise.evaluator.id)  # staff
    assert not await permissions.may_join_run(run, 999)


async def test_drafts_are_for_coordinators_and_their_staff(exercise):  # noqa: F811
    session = exercise.session
    session.status = "draft"
    assert await permissions.may_view_session(user(0, "coordinator"), session)
    assert await permissions.may_view_session(user(exercise.evaluator.id, "evaluator"), session)
    assert not await permissions.may_view_session(user(exercise.attendee.id, "officer"), session)
    session.status = "published"
    assert await permissions.may_view_session(user(exercise.attendee.id, "officer"), session)


def test_records_are_their_holders_their_supervisors_and_coordinators():
    holder, agency = 7, 3
    assert permissions.may_see_certificate(user(holder, "officer"), holder, agency)
    assert permissions.may_see_certificate(supervisor_of(agency), holder, agency)
    assert permissions.may_see_certificate(user(1, "coordinator"), holder, agency)
    assert not permissions.may_see_certificate(supervisor_of(agency + 1), holder, agency)
    assert not permissions.may_see_certificate(user(1, "officer", "evaluator"), holder, agency)
    assert permissions.may_see_records(supervisor_of(agency), holder, agency)
    assert not permissions.may_see_records(user(holder + 1, "officer"), holder, agency)
    assert permissions.may_see_agency_records(supervisor_of(agency), agency)
    assert not permissions.may_see_agency_records(user(0, "supervisor"), agency)


def test_role_groups():
    assert permissions.coordinates(user(0, "admin")) and permissions.coordinates(user(0, "coordinator"))
    assert not permissions.coordinates(user(0, "supervisor", "facilitator", "evaluator", "officer"))
    assert permissions.administers(user(0, "admin")) and not permissions.administers(user(0, "coordinator"))
    assert permissions.supervised_agencies(user(0, "officer", supervises=(4,))) == []
    assert permissions.supervised_agencies(user(0, "supervisor", supervises=(4, 2))) == [2, 4]
    assert SessionStaff.Role.facilitator.value == permissions.FACILITATOR
