"""The role/route matrix: every route is requested anonymously and as each role.

ACCESS must name every route the app has; a new route without an entry fails the first test.
"""

import pytest

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from tests.conftest import new_client
from tests.support import concrete, csrf_token, routes, sign_in

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
    "dashboard:people": {"admin", "coordinator", "supervisor"},  # supervisors: their agencies
    "roster:form": COORDINATORS, "roster:preview": COORDINATORS, "roster:confirm": COORDINATORS,
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
    "scenarios:msel": SCENARIO_READERS,  # a draft version's: coordinators only (tests/scenarios/test_publish.py)
    "scenarios:version": SCENARIO_READERS,
    "scenarios:publish": COORDINATORS,
    "scenarios:preview": COORDINATORS,
    "scenarios:attachment": SCENARIO_READERS,  # and, with the key of a page that showed it, its players (test_attachments)
    "scenarios:msel_import_form": COORDINATORS,
    "scenarios:msel_preview": COORDINATORS,
    "scenarios:msel_import": COORDINATORS,
    "scenarios:upload_form": COORDINATORS,
    "scenarios:upload": COORDINATORS,
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
    "enrolment:approve": SIGNED_IN, "enrolment:refuse": SIGNED_IN,  # checked on the request: its agency's supervisors
    "enrolment:sign_in_sheet": COORDINATORS,  # and the session's own staff
    "ical:session": SIGNED_IN, "ical:feed": PUBLIC,
    "feeds:list": SIGNED_IN, "feeds:create": SIGNED_IN,
    "feeds:revoke": {"admin", "coordinator", "supervisor"},  # an agency feed: its supervisors and coordinators
    "outbox:list": ADMIN, "outbox:send": ADMIN,
    "xapi:status": ADMIN, "xapi:download": ADMIN, "xapi:send": ADMIN, "xapi:replay": ADMIN,
    "exercises:home": SIGNED_IN, "exercises:start": SIGNED_IN, "exercises:assign": COORDINATORS,
    "exercises:play": PLAYERS_ONLY, "exercises:decide": PLAYERS_ONLY, "exercises:continue": PLAYERS_ONLY,
    "exercises:debrief": PLAYERS_ONLY, "exercises:draft": PLAYERS_ONLY,
    "facilitation:choose": COORDINATORS, "facilitation:open": COORDINATORS,  # and the session's facilitators
    "facilitation:join_form": SIGNED_IN, "facilitation:join": SIGNED_IN,
    "facilitation:console": COORDINATORS, "facilitation:projector": COORDINATORS, "facilitation:pulse": COORDINATORS,
    "facilitation:stream": COORDINATORS,
    "facilitation:assign": COORDINATORS, "facilitation:start": COORDINATORS, "facilitation:act": COORDINATORS,
    "facilitation:confirm": PLAYERS_ONLY,
    "feedback:form": PLAYERS_ONLY, "feedback:submit": PLAYERS_ONLY,  # those who took part in the exercise
    # and the exercise's staff: evaluators observe and rate, the lead evaluator keeps the EEG
    "evaluation:page": COORDINATORS, "evaluation:observe": COORDINATORS, "evaluation:rate": COORDINATORS,
    "evaluation:seed": COORDINATORS, "evaluation:new_target": COORDINATORS, "evaluation:create_target": COORDINATORS,
    "evaluation:edit_target": COORDINATORS, "evaluation:update_target": COORDINATORS,
    "evaluation:delete_target": COORDINATORS,
    # read also by supervisors of organisations that played (none here: the supervised agency has an evaluator on
    # the session's staff, which does not make it a participating organisation); written by the lead evaluator
    "report:page": COORDINATORS, "report:pdf": COORDINATORS, "report:export": COORDINATORS,
    "report:open": COORDINATORS, "report:save": COORDINATORS, "report:finalize": COORDINATORS,
    "report:add_action": COORDINATORS,
    "improvement:list": {"admin", "coordinator", "supervisor"},
    "improvement:update": COORDINATORS,  # and supervisors of the responsible agency (not this matrix's one)
    "improvement:follow_up": COORDINATORS,
    "analytics:index": {"admin", "coordinator", "supervisor"},
    "analytics:scenario": {"admin", "coordinator", "supervisor"},  # a supervisor: their agencies' decisions
    "analytics:pdf": {"admin", "coordinator", "supervisor"},
    "certificates:verify": PUBLIC, "certificates:verify_json": PUBLIC,
    "badges:did": PUBLIC, "badges:status": PUBLIC, "badges:verify_form": PUBLIC, "badges:verify": PUBLIC,
    "badges:verify_json": PUBLIC,
    "certificates:issue": COORDINATORS, "certificates:zip": COORDINATORS, "certificates:revoke": COORDINATORS, "certificates:reissue": COORDINATORS,
    # the matrix's person is an officer of the agency its supervisor supervises (and the officer themselves)
    "records:transcript": {"admin", "coordinator", "supervisor"},
    "records:transcript_pdf": {"admin", "coordinator", "supervisor"},
    "records:agency_hours": {"admin", "coordinator", "supervisor"},  # a supervisor of that agency
    "certificates:detail": COORDINATORS, "certificates:pdf": COORDINATORS, "certificates:credential": COORDINATORS,  # and the holder and their agency's supervisors (not this one's)
}
ROLES = [role.value for role in Person.Role]


def test_every_route_is_in_the_matrix(app):
    names = {name for _, _, name in routes(app)}
    assert names == set(ACCESS), f"missing: {names - set(ACCESS)}, stale: {set(ACCESS) - names}"


def sent_to_sign_in(response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
async def test_role_route_matrix(app, role, make_person, every_record):
    ids = await every_record()
    agency = await Agency.objects().get(Agency.id == ids["agency_id"])
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
