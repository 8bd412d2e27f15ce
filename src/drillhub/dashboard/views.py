from litestar import Request, get
from litestar.response import Template

from datetime import UTC, datetime

from drillhub import permissions, web
from drillhub.afteraction.service import agency_overview
from drillhub.certificates.records import expiring_soon
from drillhub.agencies.tables import Agency


@get("/", name="dashboard:home", guards=[web.signed_in_guard])
async def home(request: Request) -> Template:
    agency_ids = permissions.supervised_agencies(web.current_user(request))
    supervised = await Agency.select(Agency.id, Agency.name).where(
        Agency.id.is_in(agency_ids)).order_by(Agency.name) if agency_ids else []
    today = datetime.now(UTC).date()
    overview = await agency_overview(agency_ids, today) if agency_ids else None
    expiring = await expiring_soon(agency_ids, today) if agency_ids else []
    return await web.page(request, "dashboard/home.html", supervised=supervised, overview=overview,
                          expiring=expiring, year=today.year)
