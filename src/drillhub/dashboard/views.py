from datetime import UTC, datetime

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from drillhub import parse, permissions, web
from drillhub.afteraction.service import agency_overview
from drillhub.agencies.service import list_active_agencies
from drillhub.agencies.tables import Agency
from drillhub.certificates.records import expiring_soon
from drillhub.dashboard.people import own_record, people_records
from drillhub.enrolment.service import requests_to_answer
from drillhub.errors import Forbidden


@get("/", name="dashboard:home", guards=[web.signed_in_guard])
async def home(request: Request) -> Template:
    agency_ids = permissions.supervised_agencies(web.current_user(request))
    supervised = await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(agency_ids)).order_by(Agency.name) if agency_ids else []
    today = web.today(request)
    overview = await agency_overview(agency_ids, today) if agency_ids else None
    expiring = await expiring_soon(agency_ids, today) if agency_ids else []
    own = await own_record(web.current_user(request).person_id, datetime.now(UTC), today)
    return await web.page(request, "dashboard/home.html", supervised=supervised, overview=overview,
                          expiring=expiring, year=today.year, own=own,
                          to_answer=await requests_to_answer(web.current_user(request)))


@get("/people", name="dashboard:people", guards=[web.signed_in_guard])
async def people(request: Request, agency: FromQuery[str] = "") -> Template:
    """Supervisors: the people of the agencies they supervise (one of them, if chosen); coordinators:
    the people of the agency they choose."""
    user = web.current_user(request)
    coordinator = permissions.coordinates(user)
    if not coordinator and not permissions.supervised_agencies(user):
        raise Forbidden("Only supervisors and coordinators see people's training records.")
    agencies = [a for a in await list_active_agencies() if permissions.may_see_agency_records(user, a["id"])]
    chosen = parse.record_id(agency)
    if chosen is not None and chosen not in {a["id"] for a in agencies}:
        raise Forbidden("You do not supervise that agency.")
    shown = [chosen] if chosen else ([] if coordinator else [a["id"] for a in agencies])
    today = web.today(request)
    return await web.page(request, "dashboard/people.html", agencies=agencies, agency=agency,
                          people=await people_records(shown, today) if shown else [], year=today.year,
                          chosen=bool(shown))
