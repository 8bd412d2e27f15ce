import pytest

from drillhub.agencies.service import (
    AgencyInput,
    create_agency,
    list_agencies,
    set_agency_active,
    update_agency,
)
from drillhub.agencies.tables import Agency
from drillhub.audit.service import Actor
from drillhub.audit.tables import AuditEvent
from drillhub.errors import Invalid

ADMIN = Actor(person_id=None, label="admin@test.example", client="127.0.0.1")
VALID = AgencyInput(name="Bexley Fire District", code="bfd", kind="fire", jurisdiction="Bexley County",
                    contact_email="Chief@BFD.example")


async def test_create_agency_normalises_and_audits(app):
    agency = await create_agency(VALID, ADMIN)
    assert (agency.code, agency.contact_email) == ("BFD", "chief@bfd.example")
    event = await AuditEvent.select().where(AuditEvent.action == "agency.create").first()
    assert event["target"] == f"agency {agency.id} BFD" and event["actor_label"] == ADMIN.label


async def test_every_broken_rule_is_reported_at_once(app):
    with pytest.raises(Invalid) as invalid:
        await create_agency(AgencyInput(code="x", kind="navy", contact_email="not-an-email", time_zone="Mars/Base"), ADMIN)
    assert set(invalid.value.errors) == {"name", "code", "kind", "jurisdiction", "contact_email", "time_zone"}
    assert await Agency.count() == 0


async def test_names_and_codes_are_unique(app):
    await create_agency(VALID, ADMIN)
    with pytest.raises(Invalid) as invalid:
        await create_agency(AgencyInput(**{**VALID.__dict__, "name": "BEXLEY FIRE DISTRICT"}), ADMIN)
    assert invalid.value.errors == {
        "name": "Another agency already has this name.", "code": "Another agency already uses this code.",
    }


async def test_update_keeps_its_own_code_and_records_what_changed(app):
    agency = await create_agency(VALID, ADMIN)
    updated = await update_agency(agency.id, AgencyInput(**{**VALID.__dict__, "jurisdiction": "Bexley"}), ADMIN)
    assert updated.jurisdiction == "Bexley"
    event = await AuditEvent.select().where(AuditEvent.action == "agency.update").output(load_json=True).first()
    assert event["detail"] == {"changed": ["jurisdiction"]}


async def test_deactivated_agencies_stay_listed_and_can_return(app):
    agency = await create_agency(VALID, ADMIN)
    await set_agency_active(agency.id, False, ADMIN)
    assert (await list_agencies()).items[0]["active"] is False
    assert (await list_agencies(include_inactive=False)).total == 0
    await set_agency_active(agency.id, True, ADMIN)
    assert (await list_agencies(include_inactive=False)).total == 1


async def test_search_and_paging(make_agency):
    for n in range(30):
        await make_agency(name=f"Agency {n:02}", jurisdiction="North" if n % 2 else "South")
    page = await list_agencies("north", number=1)
    assert page.total == 15 and len(page.items) == 15
    everything = await list_agencies("", number=2)
    assert (everything.total, everything.pages, len(everything.items)) == (30, 2, 5)
    assert (await list_agencies("", number=99)).number == 2  # past the end: the last page


async def test_an_agency_keeps_its_time_zone(app):
    agency = await create_agency(AgencyInput(**{**VALID.__dict__, "time_zone": "America/Denver"}), ADMIN)
    assert agency.time_zone == "America/Denver"
    assert (await create_agency(AgencyInput(**{**VALID.__dict__, "name": "Other", "code": "OTH"}), ADMIN)).time_zone \
        == "America/Chicago"
