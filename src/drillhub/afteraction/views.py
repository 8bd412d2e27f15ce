from dataclasses import asdict, replace
from zoneinfo import ZoneInfo

from litestar import Controller, get, post
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import permissions, web
from drillhub.afteraction.feedback import (
    AGREEMENT,
    PRIORITIES,
    STATEMENTS,
    FeedbackInput,
    check_may_give_feedback,
    feedback_input,
    find_feedback,
    submit_feedback,
)
from drillhub.afteraction.evaluation import (
    RATING_MEANINGS,
    ObservationInput,
    RatingInput,
    TargetInput,
    delete_target,
    get_target,
    linkable_events,
    list_observations,
    list_targets,
    rate,
    rating_board,
    record_observation,
    save_target,
    seed_targets,
)
from drillhub.afteraction.service import report_is_final
from drillhub.afteraction.tables import Feedback
from drillhub.errors import Forbidden, Invalid
from drillhub.reference import core_capabilities
from drillhub.scheduling.service import get_session, session_title


async def feedback_context(session_id: int, values: dict, errors: dict, sent: bool) -> dict:
    session = await get_session(session_id)
    return {
        "session": session, "title": await session_title(session), "values": values, "errors": errors, "sent": sent,
        "locked": await report_is_final(session_id), "statements": STATEMENTS, "agreement": AGREEMENT,
        "answers": dict(zip(STATEMENTS, values["ratings"], strict=False)),
        "priorities": PRIORITIES, "role_choices": [(role.value, role.value.capitalize()) for role in Feedback.ExerciseRole],
    }


async def read_feedback_form(request: HTMXRequest) -> FeedbackInput:
    """The form's fields, with one answer per statement (each a radio group of its own name)."""
    ratings = tuple([await web.form_field(request, f"rating_{key}") for key in STATEMENTS])
    return replace(await web.read_form(request, FeedbackInput), ratings=ratings)


class FeedbackController(Controller):
    """The hot wash Participant Feedback Form, for everyone who took part in the exercise."""

    path = "/sessions/{session_id:int}/feedback"
    guards = [web.signed_in_guard]

    @get("/", name="feedback:form")
    async def form(self, request: HTMXRequest, session_id: web.RecordId) -> Template:
        user = web.current_user(request)
        participant = await check_may_give_feedback(session_id, user.person_id)
        feedback = await find_feedback(session_id, user.person_id)
        values = asdict(feedback_input(feedback, participant))
        return await web.page(request, "afteraction/feedback.html",
                              **await feedback_context(session_id, values, {}, sent=feedback is not None))

    @post("/", name="feedback:submit")
    async def submit(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        user = web.current_user(request)
        data = await read_feedback_form(request)
        try:
            await submit_feedback(session_id, user.person_id, data)
        except Invalid as invalid:
            context = await feedback_context(session_id, asdict(data), invalid.errors, sent=False)
            return await web.form_with_errors(request, "afteraction/feedback.html", "afteraction/_feedback_form.html",
                                              context)
        await web.flash(request, "Thank you: your feedback is recorded. You can change it until the report is final.")
        return web.go_to(request, "feedback:form", session_id=session_id)


async def evaluation_context(request: HTMXRequest, session_id: int, observation_values: dict | None = None,
                             observation_errors: dict | None = None, rating_errors: dict | None = None) -> dict:
    user = web.current_user(request)
    session = await get_session(session_id)
    targets = await list_targets(session_id)
    board: dict[str, list] = {}
    for line in await rating_board(session_id):
        board.setdefault(line.capability, []).append(line)
    return {
        "session": session, "title": await session_title(session), "targets": targets,
        "locked": await report_is_final(session_id), "may_evaluate": await permissions.evaluates(user, session_id),
        "may_reconcile": await permissions.leads_evaluation(user, session_id), "observations": await list_observations(session_id),
        "board": board, "meanings": RATING_MEANINGS, "zone": ZoneInfo(session.time_zone),
        "concern_choices": targets, "link_choices": await linkable_events(session_id),
        "values": observation_values or {}, "errors": observation_errors or {}, "rating_errors": rating_errors or {},
        "capability_choices": [(name, name) for name in core_capabilities().names],
    }


class EvaluationController(Controller):
    """The exercise's EEG: its staff read it, evaluators observe and rate, the lead evaluator keeps it."""

    path = "/sessions/{session_id:int}/evaluation"
    guards = [web.signed_in_guard]

    @get("/", name="evaluation:page")
    async def page(self, request: HTMXRequest, session_id: web.RecordId) -> Template:
        if not await permissions.may_read_evaluation(web.current_user(request), session_id):
            raise Forbidden("Only this exercise's staff and coordinators see its evaluation.")
        return await web.page(request, "afteraction/evaluation.html", **await evaluation_context(request, session_id))

    @post("/observations", name="evaluation:observe")
    async def observe(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        user = await self._evaluator(request, session_id)
        data = await web.read_form(request, ObservationInput)
        session = await get_session(session_id)
        try:
            await record_observation(session_id, user.person_id, data, session.time_zone)
        except Invalid as invalid:
            context = await evaluation_context(request, session_id, asdict(data), invalid.errors)
            return await web.form_with_errors(request, "afteraction/evaluation.html", "afteraction/_observations.html",
                                              context)
        return await self._changed(request, session_id, "afteraction/_observations.html", "Observation recorded.")

    @post("/ratings", name="evaluation:rate")
    async def rate(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        user = await self._evaluator(request, session_id)
        data = await web.read_form(request, RatingInput)
        try:
            await rate(session_id, user.person_id, data, await permissions.leads_evaluation(user, session_id),
                       web.actor(request))
        except Invalid as invalid:
            context = await evaluation_context(request, session_id, rating_errors=invalid.errors)
            return await web.form_with_errors(request, "afteraction/evaluation.html", "afteraction/_ratings.html",
                                              context)
        return await self._changed(request, session_id, "afteraction/_ratings.html", "Rating recorded.")

    @post("/seed", name="evaluation:seed")
    async def seed(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        await self._keeper(request, session_id)
        count = await seed_targets(session_id)
        await web.flash(request, f"{count} capability target(s) drafted from the scenario objectives: check each one.")
        return web.go_to(request, "evaluation:page", session_id=session_id)

    @get("/targets/new", name="evaluation:new_target")
    async def new_target(self, request: HTMXRequest, session_id: web.RecordId) -> Template:
        await self._keeper(request, session_id)
        return await self._target_form(request, session_id, None, asdict(TargetInput()), {})

    @post("/targets", name="evaluation:create_target")
    async def create_target(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        return await self._save_target(request, session_id, None)

    @get("/targets/{target_id:int}/edit", name="evaluation:edit_target")
    async def edit_target(self, request: HTMXRequest, session_id: web.RecordId, target_id: web.RecordId) -> Template:
        await self._keeper(request, session_id)
        row = await get_target(session_id, target_id)
        values = {**row, "critical_tasks": "\n".join(row["critical_tasks"])}
        return await self._target_form(request, session_id, target_id, values, {})

    @post("/targets/{target_id:int}", name="evaluation:update_target")
    async def update_target(self, request: HTMXRequest, session_id: web.RecordId,
                            target_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        return await self._save_target(request, session_id, target_id)

    @post("/targets/{target_id:int}/delete", name="evaluation:delete_target")
    async def remove_target(self, request: HTMXRequest, session_id: web.RecordId,
                            target_id: web.RecordId) -> Redirect | ClientRedirect:
        await self._keeper(request, session_id)
        await delete_target(session_id, target_id)
        await web.flash(request, "The capability target and its ratings were deleted.")
        return web.go_to(request, "evaluation:page", session_id=session_id)

    async def _changed(self, request: HTMXRequest, session_id: int, partial: str, message: str):
        """After an observation or a rating: the refreshed section for htmx, else the page and a message."""
        if request.htmx:
            return web.partial(partial, **await evaluation_context(request, session_id))
        await web.flash(request, message)
        return web.go_to(request, "evaluation:page", session_id=session_id)

    async def _save_target(self, request: HTMXRequest, session_id: int, target_id: int | None):
        await self._keeper(request, session_id)
        data = await web.read_form(request, TargetInput)
        try:
            await save_target(session_id, target_id, data)
        except Invalid as invalid:
            return await self._target_form(request, session_id, target_id, asdict(data), invalid.errors)
        await web.flash(request, "Capability target saved.")
        return web.go_to(request, "evaluation:page", session_id=session_id)

    async def _target_form(self, request: HTMXRequest, session_id: int, target_id: int | None, values: dict,
                           errors: dict) -> Template:
        session = await get_session(session_id)
        context = {"session": session, "title": await session_title(session), "target_id": target_id,
                   "values": values, "errors": errors,
                   "capability_choices": [(name, name) for name in core_capabilities().names]}
        if errors:
            return await web.form_with_errors(request, "afteraction/target_form.html", "afteraction/_target_form.html",
                                              context)
        return await web.page(request, "afteraction/target_form.html", **context)

    async def _evaluator(self, request: HTMXRequest, session_id: int):
        user = web.current_user(request)
        if not await permissions.evaluates(user, session_id):
            raise Forbidden("Only this exercise's evaluators record observations and ratings.")
        return user

    async def _keeper(self, request: HTMXRequest, session_id: int) -> None:
        if not await permissions.leads_evaluation(web.current_user(request), session_id):
            raise Forbidden("Only the lead evaluator and coordinators keep the Exercise Evaluation Guide.")
