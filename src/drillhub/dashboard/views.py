from litestar import Request, get
from litestar.response import Redirect, Template

from drillhub import web
from drillhub.agencies.tables import Agency


@get("/", name="dashboard:home")
async def home(request: Request) -> Template | Redirect:
    user = web.signed_in(request)
    if user is None:
        return Redirect(request.url_for("auth:sign_in_form"))
    supervised = []
    if user.supervised_agency_ids:
        supervised = await Agency.select(Agency.name).where(
            Agency.id.is_in(list(user.supervised_agency_ids))
        ).order_by(Agency.name)
    return await web.page(request, "dashboard/home.html", supervised=[row["name"] for row in supervised])
