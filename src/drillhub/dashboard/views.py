from litestar import Request, get
from litestar.response import Template

from datetime import UTC, datetime

from drillhub import web
from drillhub.afteraction.service import agency_overview
from drillhub.certificates.records import expiring_soon
from drillhub.agencies.tables import Agency


@get("/", name="dashboard:home", guards=[web.signed_in_guard])
async def home(request: Request) -> Template:
    user = web.current_user(request)
    supervised = []
    if user.supervised_agency_ids:
        supervised = await Agency.select(Agency.id, Agency.name).where(
            Agency.id.is_in(list(user.supervised_agency_ids))
        ).order_by(Agency.name)
    today = datetime.now(UTC).date()
    supervising = user.has_role("supervisor") and user.supervised_agency_ids
    overview = await agency_overview(sorted(user.supervised_agency_ids), today) if supervising else None
    expiring = await expiring_soon(sorted(user.supervised_agency_ids), today) if supervising else []
    return await web.page(request, "dashboard/home.html", supervised=supervised, overview=overview,
                          expiring=expiring, year=today.year)
