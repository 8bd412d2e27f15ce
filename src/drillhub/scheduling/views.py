"""Sessions: the calendar, the session form with its live conflict check, and the session's life."""

import calendar
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, permissions, web
from drillhub.certificates.service import list_session_certificates
from drillhub.accounts.service import PeopleFilter, list_people
from drillhub.agencies.service import list_active_agencies
from drillhub.afteraction.improvement import actions_verified_by
from drillhub.enrolment.service import roster, seats_of
from drillhub.errors import Forbidden, Invalid
from drillhub.facilitation.service import runs_of_session
from drillhub.scheduling.service import (
    SessionFilter,
    SessionInput,
    cancel_session,
    clashes_as_typed,
    complete_session,
    copy_session,
    create_session,
    get_session,
    list_courses,
    list_venues,
    publish_session,
    session_input,
    sessions_between,
    staff_of,
    update_session,
)
from drillhub.scheduling.tables import Course, SeatReservation, Venue

VIEWS = ("month", "week", "list")
LIST_DAYS = 60


def _window(view: str, anchor: date) -> tuple[date, date, date, date]:
    """First and last day shown, and the anchors of the previous and next pages."""
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        start = first - timedelta(days=first.weekday())
        end = last + timedelta(days=6 - last.weekday())
        return start, end, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6), start - timedelta(days=7), start + timedelta(days=7)
    return anchor, anchor + timedelta(days=LIST_DAYS - 1), anchor - timedelta(days=LIST_DAYS), anchor + timedelta(days=LIST_DAYS)


async def calendar_context(user, view: str, anchor: date, filters: SessionFilter, today: date) -> dict:
    view = view if view in VIEWS else "month"
    start, end, previous, following = _window(view, anchor)
    # a day's edges differ by time zone; fetch a day either side and place by each session's own date
    rows = await sessions_between(datetime.combine(start - timedelta(days=1), time(0), UTC),
                                  datetime.combine(end + timedelta(days=2), time(0), UTC), filters, permissions.coordinates(user))
    by_day: dict[date, list[dict]] = {}
    for row in rows:
        day = row["local_start"].date()
        if start <= day <= end:
            by_day.setdefault(day, []).append(row)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return {
        "view": view, "anchor": anchor, "start": start, "end": end, "previous": previous, "following": following,
        "weeks": [days[i:i + 7] for i in range(0, len(days), 7)], "days": days, "by_day": by_day,
        "listed": [row for day in sorted(by_day) for row in by_day[day]], "filters": filters,
        "month_name": anchor.strftime("%B %Y"), "today": today,
        "agencies": await list_active_agencies(), "courses": await list_courses(), "venues": await list_venues(),
        "statuses": ["draft", "published", "cancelled", "completed"] if permissions.coordinates(user) else
                    ["published", "cancelled", "completed"],
    }


async def form_context(values: dict, errors: dict, session_id: int | None, clashes: list | None = None) -> dict:
    agencies = await list_active_agencies()
    staff = (await list_people(PeopleFilter(role="facilitator"), 1, per_page=500)).items
    evaluators = (await list_people(PeopleFilter(role="evaluator"), 1, per_page=500)).items
    reserved = dict(zip(values["reserve_agency"], zip(values["reserve_seats"], values["reserve_until"], strict=False),
                        strict=False))
    return {
        "values": values, "errors": errors, "session_id": session_id, "clashes": clashes or [],
        "course_choices": [(row["id"], row["title"]) for row in await list_courses()],
        "venue_choices": [(row["id"], f"{row['name']} ({row['capacity']} seats, {row['time_zone']})")
                          for row in await list_venues()],
        "zone_choices": [(zone, zone) for zone in parse.TIME_ZONES],
        "facilitator_choices": [(row["id"], row["name"], row["agency_code"]) for row in staff],
        "evaluator_choices": [(row["id"], row["name"], row["agency_code"]) for row in evaluators],
        "lead_evaluator_choices": [(row["id"], row["name"]) for row in evaluators],
        "reservation_rows": [(agency, reserved.get(str(agency["id"]), ("", ""))) for agency in agencies],
    }


class SessionController(Controller):
    path = "/sessions"
    guards = [web.signed_in_guard]

    @get("/", name="sessions:calendar")
    async def calendar_page(
        self, request: HTMXRequest, view: FromQuery[str] = "month", on: FromQuery[str] = "",
        agency: FromQuery[str] = "", course: FromQuery[str] = "", venue: FromQuery[str] = "",
        status: FromQuery[str] = "",
    ) -> Template:
        filters = SessionFilter(agency=agency, course=course, venue=venue, status=status)
        today = web.today(request)  # where the person is: a day's edges differ by time zone
        context = await calendar_context(web.current_user(request), view, parse.day(on) or today, filters, today)
        if request.htmx:
            return web.partial("scheduling/_calendar.html", **context)
        return await web.page(request, "scheduling/calendar.html", **context)

    @get("/new", name="sessions:new", guards=[web.coordinators_only])
    async def new(self, request: HTMXRequest, course: FromQuery[str] = "") -> Template:
        course_id = parse.record_id(course)
        chosen = await Course.objects().where(Course.id == course_id).first() if course_id else None
        values = asdict(SessionInput(course=course, capacity=str(chosen.default_capacity) if chosen else ""))
        return await web.page(request, "scheduling/session_form.html", **await form_context(values, {}, None))

    @post("/check", name="sessions:check", guards=[web.coordinators_only])
    async def check(self, request: HTMXRequest) -> Template:
        """The live conflict panel: what the form as typed would clash with, before saving."""
        data = await web.read_form(request, SessionInput)
        session_id = parse.record_id(await web.form_field(request, "session_id"))
        clashes, problems = await clashes_as_typed(data, session_id)
        typed = {"starts_at": data.starts_at, "ends_at": data.ends_at}
        time_problems = [message for field, message in problems.items()  # not "enter the time" before it is typed
                         if field.removesuffix("_fold") in typed and typed[field.removesuffix("_fold")].strip()]
        return web.partial("scheduling/_conflicts.html", clashes=clashes, problems=problems, time_problems=time_problems)

    @post("/", name="sessions:create", guards=[web.coordinators_only])
    async def create(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, SessionInput)
        publish = await web.form_field(request, "publish") == "yes"
        try:
            session = await create_session(data, web.actor(request), publish=publish)
        except Invalid as invalid:
            return await self._form_with_errors(request, data, invalid, None)
        await web.flash(request, "The session was published." if publish else "The session was saved as a draft.")
        return web.go_to(request, "sessions:detail", session_id=session.id)

    @get("/{session_id:int}/edit", name="sessions:edit", guards=[web.coordinators_only])
    async def edit(self, request: HTMXRequest, session_id: web.RecordId) -> Template:
        session = await get_session(session_id)
        reservations = await SeatReservation.select().where(SeatReservation.session == session_id)
        values = asdict(session_input(session, await staff_of(session_id), reservations))
        return await web.page(request, "scheduling/session_form.html",
                              status=session.status, **await form_context(values, {}, session_id))

    @post("/{session_id:int}", name="sessions:update", guards=[web.coordinators_only])
    async def update(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, SessionInput)
        try:
            await update_session(session_id, data, web.actor(request))
        except Invalid as invalid:
            return await self._form_with_errors(request, data, invalid, session_id)
        await web.flash(request, "The session was saved.")
        return web.go_to(request, "sessions:detail", session_id=session_id)

    async def _form_with_errors(self, request: HTMXRequest, data: SessionInput, invalid: Invalid,
                                session_id: int | None) -> Template:
        clashes, _ = await clashes_as_typed(data, session_id)
        context = await form_context(asdict(data), invalid.errors, session_id, clashes)
        return await web.form_with_errors(request, "scheduling/session_form.html", "scheduling/_session_form.html",
                                          context)

    @get("/{session_id:int}", name="sessions:detail")
    async def detail(self, request: HTMXRequest, session_id: web.RecordId) -> Template:
        return await self._detail_page(request, session_id)

    async def _detail_page(self, request: HTMXRequest, session_id: int, status_code: int = 200,
                           cancelling: dict | None = None) -> Template:
        """The session's page; `cancelling` is a refused cancellation's typed reason and error."""
        user = web.current_user(request)
        session = await get_session(session_id)
        if not await permissions.may_view_session(user, session):
            raise Forbidden("This session is still a draft.")
        manager = permissions.coordinates(user)
        staff = await staff_of(session_id)
        entries = await roster(session_id)
        is_staff = await permissions.staffs(user, session_id)
        visible_roster = [row for row in entries if manager or is_staff or permissions.supervises(user, row["agency"])
                          or row["person"] == user.person_id]
        reservations = await SeatReservation.select(*SeatReservation.all_columns(),
                                                    SeatReservation.agency.name.as_alias("agency_name")).where(
            SeatReservation.session == session_id)
        course = await Course.objects().get(Course.id == session.course)
        venue = await Venue.objects().where(Venue.id == session.venue).first() if session.venue else None
        zone = ZoneInfo(session.time_zone)
        started = session.starts_at <= datetime.now(UTC)
        return await web.page(
            request, "scheduling/session.html", status_code=status_code, cancelling=cancelling or {},
            session=session, course=course, venue=venue, staff=staff,
            roster=visible_roster, mine=next((row for row in entries if row["person"] == user.person_id), None),
            seats=await seats_of(session_id), reservations=reservations, manager=manager, is_staff=is_staff,
            notes_for={row["agency"] for row in reservations if permissions.may_see_agency_records(user, row["agency"])},
            local_start=session.starts_at.astimezone(zone), local_end=session.ends_at.astimezone(zone),
            started=started, agencies=await list_active_agencies(),
            can_facilitate=await permissions.facilitates(user, session_id), runs=await runs_of_session(session_id),
            took_part=started and await permissions.took_part(user, session_id),
            reads_report=started and await permissions.may_read_report(user, session_id),
            certificates=await list_session_certificates(session_id, None if manager else user.person_id),
            verifies=await actions_verified_by(session_id) if manager or is_staff else [],
        )

    @post("/{session_id:int}/copy", name="sessions:copy", guards=[web.coordinators_only])
    async def copy(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        copy = await copy_session(session_id, web.actor(request))
        await web.flash(request, "A draft copy one week later was made. Check its date and time.")
        return web.go_to(request, "sessions:edit", session_id=copy.id)

    @post("/{session_id:int}/publish", name="sessions:publish", guards=[web.coordinators_only])
    async def publish(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        await publish_session(session_id, web.actor(request))
        await web.flash(request, "The session is published; people enrolled were sent invitations.")
        return web.go_to(request, "sessions:detail", session_id=session_id)

    @post("/{session_id:int}/cancel", name="sessions:cancel", guards=[web.coordinators_only])
    async def cancel(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        reason = await web.form_field(request, "reason")
        try:
            await cancel_session(session_id, reason, web.actor(request))
        except Invalid as invalid:
            return await self._detail_page(request, session_id, 422, {"reason": reason, "error": invalid.errors["reason"]})
        await web.flash(request, "The session is cancelled; everyone enrolled was told.")
        return web.go_to(request, "sessions:detail", session_id=session_id)

    @post("/{session_id:int}/complete", name="sessions:complete", guards=[web.coordinators_only])
    async def complete(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        await complete_session(session_id, web.actor(request))
        await web.flash(request, "The session is marked completed.")
        return web.go_to(request, "sessions:detail", session_id=session_id)

