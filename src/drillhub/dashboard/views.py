from litestar import Request, get
from litestar.response import Template

from drillhub import web
from drillhub.agencies.tables import Agency


@get("/", name="dashboard:home", guards=[web.signed_in_guard])
async def home(request: Request) -> Template:
    user = web.current_user(request)
    supervised = []
    if user.supervised_agency_ids:
        supervised = await Agency.select(Agency.name).where(
            Agency.id.is_in(list(user.supervised_agency_ids))
        ).order_by(Agency.name)
    return await web.page(request, "dashboard/home.html", supervised=[row["name"] for row in supervised])
