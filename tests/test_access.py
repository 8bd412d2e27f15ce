"""The role/route matrix: every route is requested anonymously and as each role.

ACCESS must name every route the app has; a new route without an entry fails the first test.
"""

import re
from pathlib import Path

import pytest
from litestar.routes import HTTPRoute

from drillhub.accounts.tables import Person
from drillhub.afteraction.evaluation import TargetInput, save_target
from drillhub.afteraction.improvement import ActionInput, add_action
from drillhub.audit.service import ANONYMOUS
from drillhub.facilitation.service import open_run
from drillhub.ical.service import create_feed
from drillhub.ical.tables import CalendarFeed
from drillhub.scenarios.service import add_upload
from tests.conftest import new_client
from tests.support import csrf_token, sign_in

PUBLIC, SIGNED_IN = "public", "signed in"
PLAYERS_ONLY = "the run's own players"  # the matrix's run and session are others': every role gets 403
ADMIN = {"admin"}
SCENARIO_READERS = {"admin", "coordinator", "facilitator", "evaluator"}
COORDINATORS = {"admin", "coordinator"}
ACCESS = {
    "static": PUBLIC,
    "health": PUBLIC,
    "auth:sign_in_form": PUBLIC,
    "auth:sign_in": PUBLIC,
    "auth:sign_out": SIGNED_IN,
    "dashboard:home": SIGNED_IN,
    "account:password_form": SIGNED_IN,
    "account:change_password": SIGNED_IN,
    "agencies:list": ADMIN,
    "agencies:new": ADMIN,
    "agencies:edit": ADMIN,
    "agencies:create": ADMIN,
    "agencies:update": ADMIN,
    "agencies:set_active": ADMIN,
    "people:list": ADMIN,
    "people:new": ADMIN,
    "people:edit": ADMIN,
    "people:create": ADMIN,
    "people:update": ADMIN,
    "people:set_active": ADMIN,
    "audit:list": ADMIN,
    "scenarios:library": SCENARIO_READERS,
    "scenarios:detail": SCENARIO_READERS,
    "scenarios:source": SCENARIO_READERS,
    "scenarios:graph": SCENARIO_READERS,
    "scenarios:upload_form": ADMIN,
    "scenarios:upload": ADMIN,
    "scenarios:reload": COORDINATORS,
    "courses:list": COORDINATORS, "courses:new": COORDINATORS, "courses:edit": COORDINATORS,
    "courses:create": COORDINATORS, "courses:update": COORDINATORS,
    "venues:list": COORDINATORS, "venues:new": COORDINATORS, "venues:edit": COORDINATORS,
    "venues:create": COORDINATORS, "venues:update": COORDINATORS,
    "sessions:calendar": SIGNED_IN, "sessions:detail": SIGNED_IN,
    "sessions:new": COORDINATORS, "sessions:create": COORDINATORS, "sessions:check": COORDINATORS,
    "sessions:edit": COORDINATORS, "sessions:update": COORDINATORS, "sessions:copy": COORDINATORS,
    "sessions:publish": COORDINATORS, "sessions:cancel": COORDINATORS, "sessions:complete": COORDINATORS,
    "enrolment:pick": COORDINATORS, "enrolment:enrol": COORDINATORS,
    "enrolment:attendance": COORDINATORS,  # and the session's own staff (none in this matrix)
    "enrolment:request": SIGNED_IN, "enrolment:withdraw": SIGNED_IN, "enrolment:reply": SIGNED_IN,
    "enrolment:mine": SIGNED_IN,
    "enrolment:sign_in_sheet": COORDINATORS,  # and the session's own staff
    "ical:session": SIGNED_IN, "ical:feed": PUBLIC,
    "feeds:list": SIGNED_IN, "feeds:create": SIGNED_IN,
    "feeds:revoke": {"admin", "coordinator", "supervisor"},  # an agency feed: its supervisors and coordinators
    "outbox:list": ADMIN, "outbox:send": ADMIN,
    "exercises:home": SIGNED_IN, "exercises:start": SIGNED_IN, "exercises:assign": COORDINATORS,
    "exercises:play": PLAYERS_ONLY, "exercises:decide": PLAYERS_ONLY, "exercises:continue": PLAYERS_ONLY,
    "exercises:debrief": PLAYERS_ONLY,
    "facilitation:choose": COORDINATORS, "facilitation:open": COORDINATORS,  # and the session's facilitators
    "facilitation:join_form": SIGNED_IN, "facilitation:join": SIGNED_IN,
    "facilitation:console": COORDINATORS, "facilitation:projector": COORDINATORS, "facilitation:pulse": COORDINATORS,
    "facilitation:assign": COORDINATORS, "facilitation:start": COORDINATORS, "facilitation:act": COORDINATORS,
    "facilitation:confirm": PLAYERS_ONLY,
    "feedback:form": PLAYERS_ONLY, "feedback:submit": PLAYERS_ONLY,  # those who took part in the exercise
    # and the exercise's staff: evaluators observe and rate, the lead evaluator keeps the EEG
    "evaluation:page": COORDINATORS, "evaluation:observe": COORDINATORS, "evaluation:rate": COORDINATORS,
    "evaluation:seed": COORDINATORS, "evaluation:new_target": COORDINATORS, "evaluation:create_target": COORDINATORS,
    "evaluation:edit_target": COORDINATORS, "evaluation:update_target": COORDINATORS,
    "evaluation:delete_target": COORDINATORS,
    # read also by supervisors of agencies that took part (none in this matrix); written by the lead evaluator
    "report:page": COORDINATORS, "report:pdf": COORDINATORS, "report:export": COORDINATORS,
    "report:open": COORDINATORS, "report:save": COORDINATORS, "report:finalize": COORDINATORS,
    "report:add_action": COORDINATORS,
    "improvement:list": {"admin", "coordinator", "supervisor"},
    "improvement:update": COORDINATORS,  # and supervisors of the responsible agency (not this matrix's one)
    "improvement:follow_up": COORDINATORS,
    "certificates:verify": PUBLIC, "certificates:verify_json": PUBLIC,
    "certificates:issue": COORDINATORS, "certificates:zip": COORDINATORS, "certificates:revoke": COORDINATORS, "certificates:reissue": COORDINATORS,
    # the matrix's person is an officer of the agency its supervisor supervises (and the officer themselves)
    "records:transcript": {"admin", "coordinator", "supervisor"},
    "records:transcript_pdf": {"admin", "coordinator", "supervisor"},
    "records:agency_hours": {"admin", "coordinator", "supervisor"},  # a supervisor of that agency
    "certificates:detail": COORDINATORS, "certificates:pdf": COORDINATORS,  # and the holder and their agency's supervisors (not this one's)
}
ROLES = [role.value for role in Person.Role]
BRIDGE = (Path(__file__).parent / "scenarios" / "files" / "bridge.yaml").read_text()


def routes(app) -> list[tuple[str, str, str]]:
    """(method, path template, route name) for every handler, sign-out last as it ends the session."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                    found.append((method, route.path, handler.name))
    return sorted(found, key=lambda item: item[2] == "auth:sign_out")


def concrete(path: str, ids: dict[str, int]) -> str:
    path = path.replace("{file_path:path}", "css/app.css").replace("{action:str}", "pause")
    return re.sub(r"\{(\w+):\w+\}", lambda match: str(ids[match.group(1)]), path)


async def a_certificate(session_id: int, agency) -> int:
    """Someone else's certificate, of an agency the matrix's supervisor does not supervise."""
    from datetime import UTC, date, datetime

    from drillhub.certificates.tables import Certificate

    holder = await Person.select(Person.id).first()
    certificate = Certificate(serial="DH-2026-999999", code="c" * 22, person=holder["id"], session=session_id,
                              holder_name="Someone", agency=agency.id, agency_name=agency.name, course_title="TTX",
                              exercise_type="Tabletop", credit_hours=4, credit_category="", starts_on=date.today(),
                              ends_on=date.today(), issuer_agency="", coordinator_name="", issued_at=datetime.now(UTC),
                              revoke_reason="")
    await certificate.save()
    return certificate.id


def test_every_route_is_in_the_matrix(app):
    names = {name for _, _, name in routes(app)}
    assert names == set(ACCESS), f"missing: {names - set(ACCESS)}, stale: {set(ACCESS) - names}"


def sent_to_sign_in(response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
async def test_role_route_matrix(app, role, make_person, make_agency, make_session):
    agency, other_agency = await make_agency(), await make_agency()
    target = await make_person(roles=("officer",), agency=agency)
    scenario = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    session = await make_session()
    token = await create_feed(ANONYMOUS, agency_id=agency.id)
    feed = await CalendarFeed.select(CalendarFeed.id).first()
    run = await open_run(session.id, scenario.slug, ANONYMOUS)  # players: none of the roles below
    corrective_action = await add_action(session.id, ActionInput(
        capability="Planning", issue="No plan", action="Write one", element="planning", agency=str(other_agency.id),
        start_on="2026-01-01", due_on="2026-02-01"), ["Planning"], ANONYMOUS)
    capability_target = await save_target(session.id, None, TargetInput(capability="Planning", target="A plan in an hour"))
    ids = {"agency_id": agency.id, "person_id": target.id, "slug": scenario.slug, "session_id": session.id,
           "course_id": session.course, "venue_id": session.venue, "feed_id": feed["id"],
           "token": f"not-{token[:8]}.ics", "run_id": run.id, "target_id": capability_target,
           "version": 1, "file": "decisions.csv", "action_id": corrective_action,
           "certificate_id": await a_certificate(session.id, other_agency), "code": "not-a-code"}
    async with new_client(app) as client:
        if role != "anonymous":
            me = await make_person(roles=(role,), supervised=[agency] if role == "supervisor" else ())
            await sign_in(client, me.email)
        token = await csrf_token(client)
        wrong = []
        for method, path, name in routes(app):
            url = concrete(path, ids)
            response = await client.request(method, url, data={"_csrf_token": token} if method == "POST" else None)
            rule = ACCESS[name]
            if rule == PUBLIC:
                ok = response.status_code != 403 and not sent_to_sign_in(response)
            elif role == "anonymous":
                ok = sent_to_sign_in(response)
            elif rule == PLAYERS_ONLY:
                ok = response.status_code == 403
            elif rule == SIGNED_IN or role in rule:
                ok = response.status_code != 403 and not sent_to_sign_in(response) and response.status_code < 500
            else:
                ok = response.status_code == 403
            if not ok:
                wrong.append(f"{method} {url} ({name}) as {role}: {response.status_code}")
        assert not wrong, "\n".join(wrong)
