from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import anyio.to_thread
from litestar import Controller, Response, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, permissions, web
from drillhub.accounts.service import PeopleFilter, list_people
from drillhub.agencies.service import list_active_agencies
from drillhub.enrolment.clashes import clashes_of
from drillhub.enrolment.pdf import SheetRow, SignInSheet, render_sign_in_sheet
from drillhub.enrolment.service import (
    approve_request,
    decline,
    enrol_people,
    mark_attendance,
    my_trainings,
    refuse_request,
    reply,
    request_seat,
    roster,
    withdraw,
)
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.ical import service as ical
from drillhub.scheduling.service import get_session, staff_of
from drillhub.scheduling.tables import Course
from drillhub.scheduling.when import describe_when


@dataclass(frozen=True)
class PeoplePicked:
    person: tuple[str, ...] = ()  # ids of the people ticked
    agency: str = ""  # the agency listed, to show the same list again
    reason: str = ""  # why people busy at that time are enrolled anyway


async def _picker(session_id: int, agency: str, ticked, reason: str = "", errors: dict | None = None) -> dict:
    """The enrol page's context: `ticked` is the ids ticked, or "all"."""
    session = await get_session(session_id)
    people = (await list_people(PeopleFilter(agency=agency), 1, per_page=500)).items if parse.record_id(agency) else []
    taken = {row["person"] for row in await roster(session_id) if row["status"] != "withdrawn"}
    people = [p for p in people if p["id"] not in taken]
    return {"session": session, "people": people, "agencies": await list_active_agencies(), "agency": agency,
            "ticked": {p["id"] for p in people} if ticked == "all" else set(ticked),
            "busy": await clashes_of(session_id, [p["id"] for p in people]), "reason": reason, "errors": errors or {}}


REPLIES = {"accept": "ACCEPTED", "decline": "DECLINED", "tentative": "TENTATIVE"}


def _back(request: HTMXRequest, session_id: int) -> Redirect | ClientRedirect:
    return web.go_to(request, "sessions:detail", session_id=session_id)


async def _person_named(request: HTMXRequest) -> int:
    """The person the form names (its `person` field)."""
    person_id = parse.record_id(await web.form_field(request, "person"))
    if person_id is None:
        raise NotFound("No such person.")
    return person_id


def _seat_went_to(user, promoted: list[str]) -> str:
    """Who got the seat given up: named to coordinators (who see the whole roster), not to an officer."""
    if not promoted:
        return ""
    if permissions.coordinates(user):
        return f"The seat went to {', '.join(promoted)} from the waitlist."
    return "The seat went to the next person on the waitlist."


class EnrolmentController(Controller):
    path = "/sessions/{session_id:int}"
    guards = [web.signed_in_guard]

    @get("/enrol", name="enrolment:pick", guards=[web.coordinators_only])
    async def pick(self, request: HTMXRequest, session_id: web.RecordId, agency: FromQuery[str] = "",
                   tick: FromQuery[str] = "") -> Template:
        """Enrol by agency: the agency's active people not yet enrolled, none ticked (or, asked, all), each
        busy one with what they are busy with."""
        context = await _picker(session_id, agency, ticked="all" if tick == "all" else ())
        if request.htmx:
            return web.partial("enrolment/_people_picker.html", **context)
        return await web.page(request, "enrolment/enrol.html", **context)

    @post("/enrol", name="enrolment:enrol", guards=[web.coordinators_only])
    async def enrol(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        picked = await web.read_form(request, PeoplePicked)
        ids = parse.record_ids(picked.person)
        try:
            outcomes = await enrol_people(session_id, ids, web.actor(request), picked.reason)
        except Conflict as refused:
            await web.flash(request, refused.message, "error")
            return _back(request, session_id)
        except Invalid as invalid:  # busy people and no reason: the same ticks again, with the warnings
            context = await _picker(session_id, picked.agency, ticked=ids, reason=picked.reason, errors=invalid.errors)
            return await web.page(request, "enrolment/enrol.html", status_code=422, **context)
        counts = {status: sum(o.status == status for o in outcomes) for status in ("enrolled", "waitlisted")}
        others = [f"{o.name} ({o.status}{': ' + o.message if o.message else ''})" for o in outcomes
                  if o.status not in counts]
        await web.flash(request, f"{counts['enrolled']} enrolled, {counts['waitlisted']} on the waitlist."
                        + (f" Not changed: {', '.join(others)}." if others else ""))
        return _back(request, session_id)

    @post("/request", name="enrolment:request")
    async def request_seat(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        user = web.current_user(request)
        try:
            outcome = await request_seat(session_id, user.person_id, web.actor(request))
        except Conflict as refused:
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, {"enrolled": "You have a seat. An invitation is on its way.",
                                      "requested": "Your seat is held until a supervisor of your agency approves "
                                                   "the request; you will be told.",
                                      "waitlisted": "The session is full: you are on the waitlist."}.get(
                outcome.status, f"You are {outcome.status}."))
            if outcome.message:
                await web.flash(request, f"Note: at that time you are {outcome.message}.", "warning")
        return _back(request, session_id)

    @post("/withdraw", name="enrolment:withdraw")
    async def withdraw(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        """Yourself, or (coordinators) anyone."""
        user = web.current_user(request)
        raw = await web.form_field(request, "person")
        person_id = parse.record_id(raw) if raw else user.person_id
        if person_id is None:
            raise NotFound("No such person.")
        if person_id != user.person_id and not permissions.coordinates(user):
            raise Forbidden("You can only withdraw yourself.")
        try:
            promoted = await withdraw(session_id, person_id, web.actor(request))
        except Conflict as refused:
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, f"Withdrawn. {_seat_went_to(user, promoted)}".strip())
        return _back(request, session_id)

    @post("/reply", name="enrolment:reply")
    async def reply(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        """Accept or tentative; decline (confirmed on the page) gives up the seat."""
        user = web.current_user(request)
        answer = REPLIES.get(await web.form_field(request, "answer"), "")
        try:
            if answer == "DECLINED":
                promoted = await decline(session_id, user.person_id, web.actor(request))
            else:
                await reply(session_id, user.person_id, answer)
        except Invalid as invalid:
            await web.flash(request, invalid.errors["answer"], "error")
        except (Conflict, NotFound) as refused:  # not (or no longer) enrolled, or the session has begun
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, f"You declined and gave up your seat. {_seat_went_to(user, promoted)}".strip()
                            if answer == "DECLINED" else "Your answer is recorded.")
        return _back(request, session_id)

    @post("/approve", name="enrolment:approve")
    async def approve(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        """A supervisor of the officer's agency (or a coordinator) approves a request for a seat."""
        person_id = await _person_named(request)
        try:
            await approve_request(session_id, person_id, web.current_user(request), web.actor(request))
        except (Conflict, NotFound) as refused:  # answered already (a second click), or the session closed
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, "Approved: the seat is theirs and their invitation is on its way.")
        return _back(request, session_id)

    @post("/refuse", name="enrolment:refuse")
    async def refuse(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        person_id = await _person_named(request)
        user = web.current_user(request)
        try:
            promoted = await refuse_request(session_id, person_id, await web.form_field(request, "reason"), user,
                                            web.actor(request))
        except Invalid as invalid:
            await web.flash(request, f"Not refused: {invalid.errors['reason']}", "error")
        except (Conflict, NotFound) as refused:
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, f"Refused; they are told why. {_seat_went_to(user, promoted)}".strip())
        return _back(request, session_id)

    @post("/attendance", name="enrolment:attendance")
    async def attendance(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        """Coordinators, and the session's facilitators and evaluators, mark who came."""
        user = web.current_user(request)
        if not await permissions.may_take_attendance(user, session_id):
            raise Forbidden("Only coordinators and the session's staff mark attendance.")
        marks = {person: mark for key, mark in (await request.form()).items() if key.startswith("attendance-")
                 and (person := parse.record_id(key.removeprefix("attendance-"))) and mark}
        try:
            await mark_attendance(session_id, marks, web.actor(request))
        except (Conflict, Invalid) as refused:
            await web.flash(request, refused.message, "error")
        else:
            await web.flash(request, f"Attendance saved for {len(marks)} people.")
        return _back(request, session_id)


    @get("/sign-in-sheet.pdf", name="enrolment:sign_in_sheet")
    async def sign_in_sheet(self, request: HTMXRequest, session_id: web.RecordId) -> Response:
        user = web.current_user(request)
        if not await permissions.may_take_attendance(user, session_id):
            raise Forbidden("Only coordinators and the session's staff print the sign-in sheet.")
        session = await get_session(session_id)
        row = await ical.session_row(session_id)
        course = await Course.objects().get(Course.id == session.course)
        sheet = SignInSheet(
            title=row["title"],
            when=describe_when(row),
            where=f"{row['venue_name']}, {row['venue_address']}" if row["venue_name"] else f"Online: {row['meeting_url']}",
            credit=f"{course.credit_hours.normalize():f} credit hours" + (
                f", category {course.credit_category}" if course.credit_category else ""),
            staff=", ".join(f"{person['name']} ({person['role']})" for person in await staff_of(session_id)),
            rows=tuple(SheetRow(entry["name"], entry["agency_code"], entry["badge_number"])
                       for entry in await roster(session_id) if entry["status"] == "enrolled"),
            printed=datetime.now(ZoneInfo(session.time_zone)).strftime("%d %b %Y %H:%M"),
        )
        data = await anyio.to_thread.run_sync(render_sign_in_sheet, sheet)
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="sign-in-sheet-session-{session_id}.pdf"'})


class MyTrainingsController(Controller):
    path = "/my"
    guards = [web.signed_in_guard]

    @get("/trainings", name="enrolment:mine")
    async def mine(self, request: HTMXRequest) -> Template:
        user = web.current_user(request)
        trainings, now = await my_trainings(user.person_id), datetime.now(UTC)
        return await web.page(request, "enrolment/mine.html",
                              upcoming=[t for t in trainings if t["ends_at"] > now],  # soonest first
                              past=[t for t in reversed(trainings) if t["ends_at"] <= now])  # latest first

