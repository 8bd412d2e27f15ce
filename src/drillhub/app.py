"""create_app(settings) -> Litestar: the controllers, plugins, templates, static files and error pages."""

import asyncio
import logging
import time
from datetime import UTC
from urllib.parse import urlencode

from jinja2 import pass_context

from litestar import Litestar, Request, Response
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from drillhub import db, live, permissions, web
from drillhub.accounts.views import AccountController, PeopleController, RosterController
from drillhub.agencies.service import kind_label
from drillhub.afteraction.analytics_views import AnalyticsController
from drillhub.afteraction.report_views import ImprovementController, ReportController
from drillhub.afteraction.views import EvaluationController, FeedbackController
from drillhub.agencies.views import AgencyController
from drillhub.durations import clock, minutes_seconds
from drillhub.scenarios import attachments
from drillhub.scenarios import engine as scenario_engine
from drillhub.badges.views import did_json, status_list, verify_api, verify_form, verify_posted
from drillhub.certificates.views import CertificateController, RecordsController, verify_json, verify_page
from drillhub.audit.service import Actor
from drillhub.audit.views import AuditController
from drillhub.auth.csrf import csrf_middleware
from drillhub.auth.passwords import use_low_cost_hashing
from drillhub.auth.views import SignInController, session_middleware
from drillhub.background import run_forever
from drillhub.exercises.ticker import run_ticker
from drillhub.dashboard.views import home, people
from drillhub.enrolment.views import EnrolmentController, MyTrainingsController
from drillhub.errors import DomainError
from drillhub.exercises.views import ExerciseController
from drillhub.facilitation.views import FacilitationController, choose_scenario
from drillhub.health import healthz
from drillhub.http import refuse_odd_path, response_headers
from drillhub.ical.views import FeedController, feed, session_invite
from drillhub.mail.views import OutboxController
from drillhub.xapi.views import XapiController
from drillhub.logs import escape_log_records
from drillhub.markdown import render_markdown
from drillhub.scenarios.service import sync_directory
from drillhub.scenarios.views import AttachmentController, ScenarioController, attachment_url
from drillhub.scheduling.catalogue_views import CourseController, VenueController
from drillhub.scheduling.views import SessionController
from drillhub.settings import PROJECT_ROOT, Settings, load_settings, use_settings

log = logging.getLogger("drillhub")

ERROR_TITLES = {
    400: "This request could not be understood",
    403: "You may not do this",
    404: "Not found",
    405: "Not possible here",
    409: "This clashes with something else",
    413: "Too large",
    422: "This input cannot be accepted",
    429: "Too many requests",
    500: "Something went wrong on our side",
}


def _error_page(request: Request, status_code: int, message: str) -> Response:
    title = ERROR_TITLES.get(status_code, ERROR_TITLES[500])
    if request.headers.get("hx-request"):
        # htmx shows this text in the page's alert area (static/js/drillhub.js)
        return Response(message or title, status_code=status_code, media_type="text/plain")
    return Template(
        template_name="errors/error.html",
        context={"status_code": status_code, "title": title, "message": message},
        status_code=status_code,
    )


def _domain_error(request: Request, error: DomainError) -> Response:
    return _error_page(request, error.status_code, error.message)


def _sign_in_first(request: Request, _: NotAuthorizedException) -> Response:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": wanted, **({"notice": "expired"} if request.scope.get("session_ended") else {})}
    target = request.app.route_reverse("auth:sign_in_form") + "?" + urlencode(query, safe="/")
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def _http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code >= 500:
        log.error("HTTP %s on %s %s: %s", error.status_code, request.method, request.url.path, error.detail)
        return _error_page(request, 500, "")
    message = error.detail if error.status_code == 403 else ""
    if isinstance(error, ValidationException):
        message = "Part of the address or of what was sent is not valid: a number out of range, say."
    return _error_page(request, error.status_code, message)


def _unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return _error_page(request, 500, "The error was logged. Please try again.")


@pass_context
def local_time(context, moment, pattern: str = "%d %b %Y %H:%M") -> str:
    """A stored time as the clock of the signed-in person's agency shows it."""
    request = context.get("request")
    return moment.astimezone(web.zone(request) if request else UTC).strftime(pattern)


def _configure_jinja(engine: JinjaTemplateEngine, reload: bool) -> None:
    engine.engine.auto_reload = reload  # looking at every template file's time on each render costs
    engine.engine.globals["permissions"] = permissions  # templates ask the same rules as the views
    engine.engine.globals["server_now_ms"] = lambda: int(time.time() * 1000)  # countdowns allow for the browser's clock
    engine.engine.filters["kind_label"] = kind_label
    engine.engine.filters["markdown"] = render_markdown
    engine.engine.filters["filled"] = scenario_engine.filled  # {variable} in a scene's texts
    engine.engine.globals["texts_that_hold"] = scenario_engine.texts_that_hold  # the console and projector
    engine.engine.globals["attachment_url"] = attachment_url
    engine.engine.globals["attachment_is_image"] = attachments.is_image
    engine.engine.globals["attachment_called"] = attachments.called
    engine.engine.filters["minutes_seconds"] = minutes_seconds
    engine.engine.filters["clock"] = clock
    engine.engine.filters["local"] = local_time


def create_app(settings: Settings | None = None) -> Litestar:
    settings = use_settings(settings or load_settings())
    escape_log_records()
    if settings.env == "test":
        use_low_cost_hashing()
    engine = db.make_engine(settings.database_url)
    db.use_engine(engine)

    async def open_database() -> None:
        await db.open_database(engine)

    async def load_scenarios() -> None:
        """Each worker loads new or changed files of scenarios/; the same text is stored once."""
        try:
            await sync_directory(settings.scenarios_dir, Actor(person_id=None, label="drillhub startup"))
        except Exception:  # a bad file or a busy database must not keep the app from starting
            log.exception("Loading scenarios/ at start failed")

    async def close_database() -> None:
        await db.close_database(engine)

    background: list[asyncio.Task] = []

    async def start_background() -> None:
        background.append(asyncio.create_task(run_forever(settings)))
        background.append(asyncio.create_task(run_ticker()))  # each worker: the exercises' timed work
        background.append(asyncio.create_task(live.listen_forever()))  # and the changes its streams follow

    async def stop_background() -> None:
        for task in background:
            task.cancel()

    return Litestar(
        route_handlers=[
            home,
            people,
            healthz,
            SignInController,
            AccountController,
            AgencyController,
            PeopleController,
            RosterController,
            AuditController,
            ScenarioController,
            AttachmentController,
            CourseController,
            VenueController,
            SessionController,
            EnrolmentController,
            MyTrainingsController,
            FeedController,
            session_invite,
            feed,
            OutboxController,
            XapiController,
            ExerciseController,
            FacilitationController,
            FeedbackController,
            EvaluationController,
            ReportController,
            ImprovementController,
            AnalyticsController,
            CertificateController,
            RecordsController,
            verify_page,
            verify_json,
            did_json,
            status_list,
            verify_form,
            verify_posted,
            verify_api,
            choose_scenario,
            create_static_files_router(path="/static", directories=[PROJECT_ROOT / "static"],
                                       cache_control=CacheControlHeader(max_age=3600)),
        ],
        middleware=[session_middleware(settings), csrf_middleware(settings)],
        before_request=refuse_odd_path,
        before_send=[response_headers(settings)],
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            directory=PROJECT_ROOT / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: _configure_jinja(engine, reload=settings.env == "development"),
        ),
        exception_handlers={
            DomainError: _domain_error,
            NotAuthorizedException: _sign_in_first,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        on_startup=[open_database, load_scenarios, start_background],
        on_shutdown=[stop_background, close_database],
        state=State({"settings": settings}),
        openapi_config=None,  # no public /schema: it would list every route to anyone
        debug=False,
    )


def create_app_from_environment() -> Litestar:
    """The factory uvicorn's workers call: each worker process builds its own app."""
    return create_app(load_settings())
