from dataclasses import asdict, replace

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import web
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
from drillhub.afteraction.service import report_is_final
from drillhub.afteraction.tables import Feedback
from drillhub.errors import Invalid
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
    form = await request.form()
    ratings = tuple(str(form.get(f"rating_{key}", "")) for key in STATEMENTS)
    return replace(await web.read_form(request, FeedbackInput), ratings=ratings)


class FeedbackController(Controller):
    """The hot wash Participant Feedback Form, for everyone who took part in the exercise."""

    path = "/sessions/{session_id:int}/feedback"
    guards = [web.signed_in_guard]

    @get("/", name="feedback:form")
    async def form(self, request: HTMXRequest, session_id: FromPath[int]) -> Template:
        user = web.current_user(request)
        participant = await check_may_give_feedback(session_id, user.person_id)
        feedback = await find_feedback(session_id, user.person_id)
        values = asdict(feedback_input(feedback, participant))
        return await web.page(request, "afteraction/feedback.html",
                              **await feedback_context(session_id, values, {}, sent=feedback is not None))

    @post("/", name="feedback:submit")
    async def submit(self, request: HTMXRequest, session_id: FromPath[int]) -> Template | Redirect | ClientRedirect:
        user = web.current_user(request)
        data = await read_feedback_form(request)
        try:
            await submit_feedback(session_id, user.person_id, data)
        except Invalid as invalid:
            context = await feedback_context(session_id, asdict(data), invalid.errors, sent=False)
            return await web.form_with_errors(request, "afteraction/feedback.html", "afteraction/_feedback_form.html",
                                              context)
        await web.flash(request, "Thank you: your feedback is recorded. You can change it until the report is final.")
        return web.go_to(request, request.url_for("feedback:form", session_id=session_id))
