from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, permissions, web
from drillhub.agencies.service import list_active_agencies
from drillhub.errors import Forbidden
from drillhub.ical.service import create_feed, feed_calendar, get_feed, invitation, list_feeds, revoke_feed
from drillhub.scheduling.service import get_session

ICS = "text/calendar; charset=utf-8"


def _calendar(data: bytes, filename: str) -> Response:
    return Response(data, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@get("/sessions/{session_id:int}/invite.ics", name="ical:session", guards=[web.signed_in_guard])
async def session_invite(request: HTMXRequest, session_id: web.RecordId) -> Response:
    """Coordinators get the invitation with every attendee; anyone else who may see the session gets
    it with just themselves (if enrolled)."""
    user = web.current_user(request)
    session = await get_session(session_id)
    if not await permissions.may_view_session(user, session):
        raise Forbidden("This session is still a draft.")
    settings = request.app.state.settings
    only = None if permissions.coordinates(user) else user.person_id  # attendees: everyone, or just you if you are enrolled
    data = await invitation(session_id, settings.public_url, settings.mail_from, only)
    return _calendar(data, f"session-{session_id}.ics")


@get("/feeds/{token:str}", name="ical:feed", cache=False)
async def feed(request: HTMXRequest, token: FromPath[str]) -> Response:
    """Public but unguessable: a subscription URL. Unknown and revoked tokens answer the same 404. Like
    every response it is not stored in caches (no-store: the URL is a secret); calendar programs keep
    their own copy and ask again with its ETag."""
    data, etag = await feed_calendar(token.removesuffix(".ics"), request.app.state.settings.public_url)
    headers = {"ETag": f'"{etag}"'}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(b"", status_code=304, headers=headers)
    return Response(data, media_type=ICS, headers=headers)


class FeedController(Controller):
    path = "/calendar-feeds"
    guards = [web.signed_in_guard]

    @get("/", name="feeds:list")
    async def list_page(self, request: HTMXRequest) -> Template:
        user = web.current_user(request)
        manageable = await self._agencies(user)
        return await web.page(request, "ical/feeds.html", mine=await list_feeds(person_id=user.person_id),
                              agency_feeds=await list_feeds(agency_ids=[a["id"] for a in manageable]),
                              agencies=manageable, new_url="")

    async def _agencies(self, user) -> list[dict]:
        return [a for a in await list_active_agencies() if permissions.may_see_agency_records(user, a["id"])]

    @post("/", name="feeds:create")
    async def create(self, request: HTMXRequest) -> Template:
        user = web.current_user(request)
        raw = await web.form_field(request, "agency")
        if raw:
            agency_id = parse.record_id(raw)
            if agency_id not in {a["id"] for a in await self._agencies(user)}:
                raise Forbidden("You may not make a feed for this agency.")
            token = await create_feed(web.actor(request), agency_id=agency_id)
        else:
            token = await create_feed(web.actor(request), person_id=user.person_id)
        manageable = await self._agencies(user)
        url = f"{request.app.state.settings.public_url}/feeds/{token}.ics"
        return await web.page(request, "ical/feeds.html", mine=await list_feeds(person_id=user.person_id),
                              agency_feeds=await list_feeds(agency_ids=[a["id"] for a in manageable]),
                              agencies=manageable, new_url=url)

    @post("/{feed_id:int}/revoke", name="feeds:revoke")
    async def revoke(self, request: HTMXRequest, feed_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        feed = await get_feed(feed_id)
        allowed = feed.person == user.person_id or (feed.agency is not None and permissions.may_see_agency_records(user, feed.agency))
        if not allowed:
            raise Forbidden("This is not your feed.")
        await revoke_feed(feed_id, web.actor(request))
        await web.flash(request, "The feed was revoked; its address no longer works.")
        return web.go_to(request, "feeds:list")
