"""Courses and venues: the catalogue coordinators schedule from."""

from dataclasses import asdict

from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import parse, web
from drillhub.agencies.service import list_active_agencies
from drillhub.errors import Invalid
from drillhub.reference import core_capabilities
from drillhub.scenarios.model import EXERCISE_TYPE_LABELS
from drillhub.scenarios.service import LibraryFilter, list_library
from drillhub.scheduling.service import (
    CourseInput,
    VenueInput,
    get_course,
    get_venue,
    list_courses,
    list_venues,
    save_course,
    save_venue,
)



async def course_form_context(values: dict, errors: dict, course_id: int | None) -> dict:
    return {
        "values": values, "errors": errors, "course_id": course_id,
        "type_choices": list(EXERCISE_TYPE_LABELS.items()),
        "capability_choices": [(name, name, "") for name in core_capabilities().names],
        "scenario_choices": [(row["slug"], row["title"], "") for row in await list_library(LibraryFilter())],
    }


def course_values(course) -> dict:
    return {
        "title": course.title, "description": course.description, "exercise_type": course.exercise_type,
        "objectives": "\n".join(course.objectives), "core_capabilities": tuple(course.core_capabilities),
        "credit_hours": f"{course.credit_hours.normalize():f}", "credit_category": course.credit_category,
        "default_capacity": str(course.default_capacity), "validity_months": str(course.validity_months or ""),
        "scenarios": tuple(course.scenarios), "requires_exercise": "yes" if course.requires_exercise else "",
        "requires_approval": "yes" if course.requires_approval else "",
    }


class CourseController(Controller):
    path = "/courses"
    guards = [web.coordinators_only]

    @get("/", name="courses:list")
    async def list_page(self, request: HTMXRequest) -> Template:
        return await web.page(request, "scheduling/courses.html", courses=await list_courses(include_inactive=True),
                              type_labels=EXERCISE_TYPE_LABELS)

    @get("/new", name="courses:new")
    async def new(self, request: HTMXRequest) -> Template:
        return await web.page(request, "scheduling/course_form.html",
                              **await course_form_context(asdict(CourseInput()), {}, None))

    @get("/{course_id:int}/edit", name="courses:edit")
    async def edit(self, request: HTMXRequest, course_id: web.RecordId) -> Template:
        course = await get_course(course_id)
        return await web.page(request, "scheduling/course_form.html",
                              **await course_form_context(course_values(course), {}, course_id))

    @post("/", name="courses:create")
    async def create(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        return await self._save(request, None)

    @post("/{course_id:int}", name="courses:update")
    async def update(self, request: HTMXRequest, course_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        await get_course(course_id)
        return await self._save(request, course_id)

    async def _save(self, request: HTMXRequest, course_id: int | None) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, CourseInput)
        try:
            course = await save_course(course_id, data, web.actor(request))
        except Invalid as invalid:
            return await web.form_with_errors(request, "scheduling/course_form.html", "scheduling/_course_form.html",
                                              await course_form_context(asdict(data), invalid.errors, course_id))
        await web.flash(request, f"Course {course.title} was saved.")
        return web.go_to(request, "courses:list")


def venue_form_context(values: dict, errors: dict, venue_id: int | None, agencies: list[dict]) -> dict:
    return {"values": values, "errors": errors, "venue_id": venue_id,
            "agency_choices": [(row["id"], row["name"]) for row in agencies],
            "zone_choices": [(zone, zone) for zone in parse.TIME_ZONES]}


class VenueController(Controller):
    path = "/venues"
    guards = [web.coordinators_only]

    @get("/", name="venues:list")
    async def list_page(self, request: HTMXRequest) -> Template:
        return await web.page(request, "scheduling/venues.html", venues=await list_venues(include_inactive=True))

    @get("/new", name="venues:new")
    async def new(self, request: HTMXRequest) -> Template:
        context = venue_form_context(asdict(VenueInput()), {}, None, await list_active_agencies())
        return await web.page(request, "scheduling/venue_form.html", **context)

    @get("/{venue_id:int}/edit", name="venues:edit")
    async def edit(self, request: HTMXRequest, venue_id: web.RecordId) -> Template:
        venue = await get_venue(venue_id)
        values = {key: str(getattr(venue, key)) for key in asdict(VenueInput())}
        context = venue_form_context(values, {}, venue_id, await list_active_agencies())
        return await web.page(request, "scheduling/venue_form.html", **context)

    @post("/", name="venues:create")
    async def create(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        return await self._save(request, None)

    @post("/{venue_id:int}", name="venues:update")
    async def update(self, request: HTMXRequest, venue_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        await get_venue(venue_id)
        return await self._save(request, venue_id)

    async def _save(self, request: HTMXRequest, venue_id: int | None) -> Template | Redirect | ClientRedirect:
        data = await web.read_form(request, VenueInput)
        try:
            venue = await save_venue(venue_id, data, web.actor(request))
        except Invalid as invalid:
            context = venue_form_context(asdict(data), invalid.errors, venue_id, await list_active_agencies())
            return await web.form_with_errors(request, "scheduling/venue_form.html", "scheduling/_venue_form.html",
                                              context)
        await web.flash(request, f"Venue {venue.name} was saved.")
        return web.go_to(request, "venues:list")
