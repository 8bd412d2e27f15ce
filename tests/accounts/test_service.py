import pytest

from drillhub.accounts.service import (
    PeopleFilter,
    PersonInput,
    change_own_password,
    create_person,
    list_people,
    set_person_active,
    update_person,
)
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.audit.service import Actor
from drillhub.audit.tables import AuditEvent
from drillhub.auth.passwords import verify_password
from drillhub.auth.service import TooManyFailures, sign_in
from drillhub.auth.tables import LoginSession
from drillhub.errors import Invalid
from tests.support import PASSWORD

ADMIN = Actor(person_id=None, label="admin@test.example", client="127.0.0.1")


def person_input(agency, **values) -> PersonInput:
    return PersonInput(**{
        "name": "Jordan Reyes", "email": "Jordan.Reyes@RPD.example", "agency": str(agency.id),
        "title": "Sergeant", "roles": ("officer",), "password": PASSWORD, **values,
    })


async def test_create_person_hashes_the_password_and_audits(make_agency):
    agency = await make_agency()
    person = await create_person(person_input(agency, roles=("officer", "facilitator")), ADMIN)
    assert person.email == "jordan.reyes@rpd.example"
    assert sorted(person.roles) == ["facilitator", "officer"]
    assert await verify_password(person.password_hash, PASSWORD)
    event = await AuditEvent.select().where(AuditEvent.action == "person.create").output(load_json=True).first()
    assert event["detail"]["roles"] == ["facilitator", "officer"]


async def test_person_rules_report_every_problem(make_agency):
    inactive = await make_agency(active=False)
    with pytest.raises(Invalid) as invalid:
        await create_person(
            PersonInput(name="", email="nope", agency=str(inactive.id), roles=("captain",), password="short"),
            ADMIN,
        )
    assert set(invalid.value.errors) == {"name", "email", "agency", "roles", "password"}


async def test_emails_are_unique_whatever_their_case(make_agency):
    agency = await make_agency()
    await create_person(person_input(agency), ADMIN)
    with pytest.raises(Invalid) as invalid:
        await create_person(person_input(agency, email="JORDAN.REYES@rpd.example"), ADMIN)
    assert "already signs in" in invalid.value.errors["email"]


async def test_a_supervisor_must_oversee_at_least_one_agency(make_agency):
    agency, other = await make_agency(), await make_agency()
    with pytest.raises(Invalid) as invalid:
        await create_person(person_input(agency, roles=("supervisor",)), ADMIN)
    assert "supervised_agencies" in invalid.value.errors
    person = await create_person(
        person_input(agency, roles=("supervisor",), supervised_agencies=(str(agency.id), str(other.id))), ADMIN
    )
    assert await SupervisedAgency.agency_ids_of(person.id) == sorted([agency.id, other.id])


async def test_role_and_agency_changes_are_audited_with_before_and_after(make_agency, make_person):
    agency, other = await make_agency(), await make_agency()
    person = await make_person(roles=("officer",), agency=agency)
    data = person_input(other, email=person.email, roles=("supervisor",), supervised_agencies=(str(other.id),),
                        password="")
    await update_person(person.id, data, ADMIN)
    roles = await AuditEvent.select().where(AuditEvent.action == "person.roles").output(load_json=True).first()
    assert roles["detail"]["roles_before"] == ["officer"] and roles["detail"]["roles_after"] == ["supervisor"]
    assert roles["detail"]["supervised_after"] == [other.id]
    moved = await AuditEvent.select().where(AuditEvent.action == "person.agency").output(load_json=True).first()
    assert moved["detail"] == {"agency_before": agency.id, "agency_after": other.id}


async def test_dropping_the_supervisor_role_drops_the_oversight(make_agency, make_person):
    agency = await make_agency()
    person = await make_person(roles=("supervisor",), agency=agency, supervised=[agency])
    await update_person(person.id, person_input(agency, email=person.email, password="",
                                                supervised_agencies=(str(agency.id),)), ADMIN)
    assert await SupervisedAgency.agency_ids_of(person.id) == []


async def test_an_admin_password_reset_signs_the_person_out(make_person):
    person = await make_person()
    await sign_in(person.email, PASSWORD, "", previous_token=None)
    data = PersonInput(name=person.name, email=person.email, agency=str(person.agency), roles=("officer",),
                       password="a-brand-new-passphrase")
    await update_person(person.id, data, ADMIN)
    assert await LoginSession.count() == 0
    assert await AuditEvent.exists().where(AuditEvent.action == "person.password_reset")


async def test_the_last_active_admin_cannot_be_removed(make_person):
    admin = await make_person(roles=("admin",))
    data = PersonInput(name=admin.name, email=admin.email, agency=str(admin.agency), roles=("officer",))
    with pytest.raises(Invalid) as invalid:
        await update_person(admin.id, data, ADMIN)
    assert "only active administrator" in invalid.value.errors["roles"]
    with pytest.raises(Invalid):
        await set_person_active(admin.id, False, ADMIN)
    second = await make_person(roles=("admin",))
    await set_person_active(admin.id, False, ADMIN)
    assert not (await Person.objects().get(Person.id == admin.id)).active
    assert second.active


async def test_deactivation_ends_sessions(make_person):
    person = await make_person()
    await sign_in(person.email, PASSWORD, "", previous_token=None)
    await set_person_active(person.id, False, ADMIN)
    assert await LoginSession.count() == 0


async def test_change_own_password_keeps_this_session_only(make_person):
    person = await make_person()
    await sign_in(person.email, PASSWORD, "", previous_token=None)
    await sign_in(person.email, PASSWORD, "", previous_token=None)
    keep = (await LoginSession.select(LoginSession.id).first())["id"]
    with pytest.raises(Invalid) as invalid:
        await change_own_password(person.id, "not my password", "another-good-passphrase", ADMIN, keep)
    assert "current" in invalid.value.errors
    with pytest.raises(Invalid):
        await change_own_password(person.id, PASSWORD, "password1234", ADMIN, keep)
    await change_own_password(person.id, PASSWORD, "another-good-passphrase", ADMIN, keep)
    assert [row["id"] for row in await LoginSession.select(LoginSession.id)] == [keep]


async def test_wrong_current_passwords_count_against_the_sign_in_limits(make_person):
    person = await make_person()
    owner = Actor(person_id=person.id, label=person.email, client="203.0.113.5")
    for _ in range(4):
        with pytest.raises(Invalid) as invalid:
            await change_own_password(person.id, "not my password", "another-good-passphrase", owner, 0)
        assert invalid.value.errors == {"current": "That is not your current password."}
    with pytest.raises(TooManyFailures):  # the fifth failure, at the sign-in page, starts the block
        await sign_in(person.email, "not my password", "203.0.113.5", previous_token=None)
    with pytest.raises(Invalid) as invalid:  # the right current password is not checked now
        await change_own_password(person.id, PASSWORD, "another-good-passphrase", owner, 0)
    assert invalid.value.errors["current"] == "Too many failed sign-ins from your address: try again in 10 minutes."
    assert await verify_password((await Person.objects().get(Person.id == person.id)).password_hash, PASSWORD)
    reasons = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "password.change").output(
        load_json=True)
    assert [row["detail"]["reason"] for row in reasons] == ["wrong password"] * 4 + ["blocked"]


async def test_list_people_filters(make_agency, make_person):
    rpd, hcso = await make_agency(), await make_agency()
    await make_person(name="Alice Ames", agency=rpd, roles=("officer",))
    await make_person(name="Bob Burke", agency=hcso, roles=("supervisor",), supervised=[hcso])
    await make_person(name="Cara Cole", agency=hcso, roles=("officer",), active=False, badge_number="B-77")
    names = lambda page: [row["name"] for row in page.items]  # noqa: E731
    assert names(await list_people(PeopleFilter(agency=str(hcso.id)))) == ["Bob Burke"]
    assert names(await list_people(PeopleFilter(role="supervisor", status="all"))) == ["Bob Burke"]
    assert names(await list_people(PeopleFilter(search="b-77", status="inactive"))) == ["Cara Cole"]
    page = await list_people(PeopleFilter(status="all"))
    assert page.total == 3 and "password_hash" not in page.items[0]
    assert page.items[0]["agency_code"] == rpd.code
