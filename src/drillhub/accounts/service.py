"""People, their roles, and which agencies a supervisor oversees."""

from dataclasses import dataclass

from drillhub import db, parse
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.agencies.service import EMAIL_PATTERN
from drillhub.agencies.tables import Agency
from drillhub.audit.service import Actor, record_event
from drillhub.audit.tables import AuditEvent
from drillhub.auth.passwords import hash_password, password_problem
from drillhub.auth.service import SignInFailed, TooManyFailures, check_password, end_sessions
from drillhub.errors import Invalid, NotFound
from drillhub.paging import PER_PAGE, Page, fetch_page

ROLES = [role.value for role in Person.Role]


@dataclass(frozen=True)
class PersonInput:
    name: str = ""
    email: str = ""
    agency: str = ""
    title: str = ""
    badge_number: str = ""
    roles: tuple[str, ...] = ()
    supervised_agencies: tuple[str, ...] = ()
    password: str = ""


@dataclass(frozen=True)
class PeopleFilter:
    search: str = ""
    agency: str = ""
    role: str = ""
    status: str = "active"  # active, inactive or all


async def get_person(person_id: int) -> Person:
    person = await Person.objects().where(Person.id == person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person


async def list_people(filters: PeopleFilter, number: int = 1, per_page: int = PER_PAGE) -> Page:
    conditions = []
    if search := parse.search_text(filters.search):
        pattern = f"%{search}%"
        conditions.append(
            Person.name.ilike(pattern) | Person.email.ilike(pattern) | Person.badge_number.ilike(pattern)
        )
    if agency := parse.record_id(filters.agency):
        conditions.append(Person.agency == agency)
    if filters.role in ROLES:
        conditions.append(Person.roles.any(filters.role))
    if filters.status in ("active", "inactive"):
        conditions.append(Person.active.eq(filters.status == "active"))
    select = (
        Person.select(
            *Person.all_columns(exclude=[Person.password_hash]),
            Person.agency.name.as_alias("agency_name"),
            Person.agency.code.as_alias("agency_code"),
        )
        .where(*conditions)
        .order_by(Person.name)
    )
    return await fetch_page(select, Person.count().where(*conditions), number, per_page)


async def _validated(data: PersonInput, person_id: int | None) -> dict:
    errors = {}
    name = data.name.strip()
    email = data.email.strip().lower()
    if not name or len(name) > 200:
        errors["name"] = "Enter the person's full name (at most 200 characters)."
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        errors["email"] = "Enter an e-mail address like name@agency.gov."
    elif await Person.exists().where((Person.email == email) & (Person.id != (person_id or 0))):
        errors["email"] = "Someone else already signs in with this e-mail address."
    agency_id = parse.record_id(data.agency)
    if agency_id is None or not await Agency.exists().where((Agency.id == agency_id) & Agency.active.eq(True)):
        errors["agency"] = "Choose the person's agency."
    roles = sorted(set(data.roles))
    if not roles or any(role not in ROLES for role in roles):
        errors["roles"] = "Choose at least one role."
    supervised = parse.record_ids(data.supervised_agencies)
    if "supervisor" in roles and not supervised:
        errors["supervised_agencies"] = "Choose the agencies this supervisor oversees."
    elif supervised and await Agency.count().where(Agency.id.is_in(supervised)) != len(supervised):
        errors["supervised_agencies"] = "Choose agencies from the list."
    if len(data.title) > 100 or len(data.badge_number) > 40:
        errors["title"] = "Title is limited to 100 characters and badge number to 40."
    if person_id is None or data.password:
        problem = password_problem(data.password, email)
        if problem:
            errors["password"] = problem
    if person_id is not None and "admin" not in roles and await _is_last_admin(person_id):
        errors["roles"] = "This is the only active administrator; keep the admin role."
    if errors:
        raise Invalid(errors)
    return {
        "name": name,
        "email": email,
        "agency": agency_id,
        "title": data.title.strip(),
        "badge_number": data.badge_number.strip(),
        "roles": roles,
        "supervised": supervised if "supervisor" in roles else [],
    }


async def _is_last_admin(person_id: int) -> bool:
    admins = await Person.select(Person.id).where(Person.roles.any("admin") & Person.active.eq(True))
    return [row["id"] for row in admins] == [person_id]


async def _replace_supervised(person_id: int, agency_ids: list[int]) -> None:
    await SupervisedAgency.delete().where(SupervisedAgency.person == person_id)
    if agency_ids:
        await SupervisedAgency.insert(
            *(SupervisedAgency(person=person_id, agency=agency_id) for agency_id in agency_ids)
        )


async def create_person(data: PersonInput, actor: Actor) -> Person:
    values = await _validated(data, person_id=None)
    supervised = values.pop("supervised")
    password_hash = await hash_password(data.password)
    try:
        async with db.transaction():
            person = Person(**values, password_hash=password_hash)
            await person.save()
            await _replace_supervised(person.id, supervised)
            await record_event(
                "person.create", actor, target=f"person {person.id} {person.email}",
                detail={"roles": values["roles"], "agency": values["agency"], "supervised": supervised},
            )
    except Exception as error:
        if db.is_unique_violation(error):
            raise Invalid({"email": "Someone else already signs in with this e-mail address."}) from error
        raise
    return person


async def update_person(person_id: int, data: PersonInput, actor: Actor) -> Person:
    person = await get_person(person_id)
    values = await _validated(data, person_id=person_id)
    supervised = values.pop("supervised")
    before_supervised = await SupervisedAgency.agency_ids_of(person_id)
    if data.password:
        values["password_hash"] = await hash_password(data.password)
    target = f"person {person_id} {values['email']}"
    async with db.transaction():
        await Person.update(values).where(Person.id == person_id)
        await _replace_supervised(person_id, supervised)
        changed = sorted(
            key for key in ("name", "email", "title", "badge_number") if getattr(person, key) != values[key]
        )
        if changed:
            await record_event("person.update", actor, target=target, detail={"changed": changed})
        if sorted(person.roles) != values["roles"] or before_supervised != supervised:
            await record_event(
                "person.roles", actor, target=target,
                detail={
                    "roles_before": sorted(person.roles), "roles_after": values["roles"],
                    "supervised_before": before_supervised, "supervised_after": supervised,
                },
            )
        if person.agency != values["agency"]:
            await record_event(
                "person.agency", actor, target=target,
                detail={"agency_before": person.agency, "agency_after": values["agency"]},
            )
        if data.password:
            await end_sessions(person_id)
            await record_event("person.password_reset", actor, target=target)
    return await get_person(person_id)


async def set_person_active(person_id: int, active: bool, actor: Actor) -> Person:
    person = await get_person(person_id)
    if not active and await _is_last_admin(person_id):
        raise Invalid({"active": "This is the only active administrator; it cannot be deactivated."})
    async with db.transaction():
        await Person.update({Person.active: active}).where(Person.id == person_id)
        if not active:
            await end_sessions(person_id)
        await record_event(
            "person.activate" if active else "person.deactivate", actor,
            target=f"person {person_id} {person.email}",
        )
    person.active = active
    return person


async def change_own_password(
    person_id: int, current: str, new: str, actor: Actor, keep_session_id: int
) -> None:
    person = await get_person(person_id)
    try:
        await check_password(person.email, person, current, actor)  # counted like a sign-in
    except SignInFailed as failure:
        await record_event("password.change", actor, target=f"person {person_id}",
                           outcome=AuditEvent.Outcome.failure, detail={"reason": failure.reason})
        blocked = isinstance(failure, TooManyFailures)
        raise Invalid({"current": failure.message if blocked else "That is not your current password."}) from None
    problem = password_problem(new, person.email)
    if problem:
        raise Invalid({"new": problem})
    password_hash = await hash_password(new)
    async with db.transaction():
        await Person.update({Person.password_hash: password_hash}).where(Person.id == person_id)
        await end_sessions(person_id, keep_session_id=keep_session_id)
        await record_event("password.change", actor, target=f"person {person_id}")
