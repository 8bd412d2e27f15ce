"""Agencies: the police, fire, EMS and partner organisations that train together."""

import re
from dataclasses import asdict, dataclass

from piccolo.query.functions.string import Lower

from drillhub import db, parse
from drillhub.agencies.tables import KIND_LABELS, Agency
from drillhub.audit.service import Actor, record_event
from drillhub.errors import Invalid, NotFound
from drillhub.paging import Page, fetch_page

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,11}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AgencyInput:
    name: str = ""
    code: str = ""
    kind: str = ""
    jurisdiction: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    time_zone: str = "America/Chicago"


async def get_agency(agency_id: int) -> Agency:
    agency = await Agency.objects().where(Agency.id == agency_id).first()
    if agency is None:
        raise NotFound("No such agency.")
    return agency


async def list_agencies(search: str = "", number: int = 1, include_inactive: bool = True) -> Page:
    conditions = []
    if search := parse.search_text(search):
        pattern = f"%{search}%"
        conditions.append(
            Agency.name.ilike(pattern) | Agency.code.ilike(pattern) | Agency.jurisdiction.ilike(pattern)
        )
    if not include_inactive:
        conditions.append(Agency.active.eq(True))
    select = Agency.select().where(*conditions).order_by(Agency.name)
    return await fetch_page(select, Agency.count().where(*conditions), number)


async def list_active_agencies() -> list[dict]:
    return await Agency.select(Agency.id, Agency.name, Agency.code).where(
        Agency.active.eq(True)
    ).order_by(Agency.name)


async def _validated(data: AgencyInput, agency_id: int | None) -> dict:
    values = {key: value.strip() for key, value in asdict(data).items()}
    values["code"] = values["code"].upper()
    values["contact_email"] = values["contact_email"].lower()
    errors = {}
    if not values["name"]:
        errors["name"] = "Enter the agency's name."
    elif len(values["name"]) > 200:
        errors["name"] = "Use at most 200 characters."
    if not CODE_PATTERN.match(values["code"]):
        errors["code"] = "Use 2 to 12 capital letters, digits or hyphens, e.g. RPD or HCSO."
    if values["kind"] not in Agency.Kind.__members__:
        errors["kind"] = "Choose what kind of agency this is."
    if not values["jurisdiction"]:
        errors["jurisdiction"] = "Enter the area the agency serves."
    elif len(values["jurisdiction"]) > 200:
        errors["jurisdiction"] = "Use at most 200 characters."
    if values["contact_email"] and not EMAIL_PATTERN.match(values["contact_email"]):
        errors["contact_email"] = "Enter an e-mail address like name@agency.gov."
    elif len(values["contact_email"]) > 254:
        errors["contact_email"] = "Use at most 254 characters."
    if len(values["contact_name"]) > 200 or len(values["contact_phone"]) > 40:
        errors["contact_name"] = "Contact details are too long."
    if parse.time_zone(values["time_zone"]) is None:
        errors["time_zone"] = "Choose the agency's time zone."

    def taken(condition):
        query = Agency.exists().where(condition)
        return query.where(Agency.id != agency_id) if agency_id is not None else query

    if "name" not in errors and await taken(Lower(Agency.name) == values["name"].lower()):
        errors["name"] = "Another agency already has this name."
    if "code" not in errors and await taken(Agency.code == values["code"]):
        errors["code"] = "Another agency already uses this code."
    if errors:
        raise Invalid(errors)
    return values


def _raise_if_duplicate(error: Exception) -> None:
    """Another request saved the same name or code between our check and our write."""
    if db.is_unique_violation(error):
        raise Invalid({"name": "Another agency already has this name or code."}) from error


async def create_agency(data: AgencyInput, actor: Actor) -> Agency:
    values = await _validated(data, agency_id=None)
    try:
        async with db.transaction():
            agency = Agency(**values)
            await agency.save()
            await record_event("agency.create", actor, target=f"agency {agency.id} {agency.code}")
    except Exception as error:
        _raise_if_duplicate(error)
        raise
    return agency


async def update_agency(agency_id: int, data: AgencyInput, actor: Actor) -> Agency:
    agency = await get_agency(agency_id)
    values = await _validated(data, agency_id=agency_id)
    changed = {key: value for key, value in values.items() if getattr(agency, key) != value}
    try:
        async with db.transaction():
            await Agency.update(values).where(Agency.id == agency_id)
            await record_event(
                "agency.update", actor, target=f"agency {agency_id} {values['code']}",
                detail={"changed": sorted(changed)},
            )
    except Exception as error:
        _raise_if_duplicate(error)
        raise
    return await get_agency(agency_id)


async def set_agency_active(agency_id: int, active: bool, actor: Actor) -> Agency:
    agency = await get_agency(agency_id)
    async with db.transaction():
        await Agency.update({Agency.active: active}).where(Agency.id == agency_id)
        await record_event(
            "agency.activate" if active else "agency.deactivate", actor,
            target=f"agency {agency_id} {agency.code}",
        )
    agency.active = active
    return agency


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(Agency.Kind(kind), kind) if kind in Agency.Kind.__members__ else kind
