"""The After-Action Report / Improvement Plan: read, drafted, finalised, downloaded and exported."""

from dataclasses import asdict

import anyio.to_thread
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import permissions, web
from drillhub.afteraction import aggregate, reportdata
from drillhub.afteraction.evaluation import RATING_MEANINGS
from drillhub.afteraction.exports import KINDS, export
from drillhub.afteraction.improvement import (
    ActionInput,
    add_action,
    list_actions,
    propose_follow_up,
    track_action,
)
from drillhub.afteraction.pdf import render_aar
from drillhub.afteraction.report import (
    ReportInput,
    evaluated_capabilities,
    finalize_report,
    get_report,
    list_reports,
    open_report,
    report_data,
    save_report,
)
from drillhub.afteraction.reportdata import ReportData
from drillhub.afteraction.tables import CorrectiveAction, Report
from drillhub.agencies.service import list_active_agencies
from drillhub.audit.service import record_event
from drillhub.errors import Forbidden, Invalid
from drillhub.scheduling.service import get_session, session_title


async def shown_data(session_id: int, report: Report | None) -> ReportData:
    """A final version shows the data as it was when it was made final; a draft shows it as it is."""
    if report is not None and report.status == Report.Status.final:
        return reportdata.read(report.snapshot)
    return await report_data(session_id)


async def report_context(request: HTMXRequest, session_id: int, version: int | None = None,
                         values: dict | None = None, errors: dict | None = None,
                         action_values: dict | None = None, action_errors: dict | None = None) -> dict:
    user = web.current_user(request)
    session = await get_session(session_id)
    versions = await list_reports(session_id)
    report = next((r for r in versions if r.version == version), None) if version else (versions[0] if versions else None)
    data = await shown_data(session_id, report)
    return {
        "session": session, "title": await session_title(session), "versions": versions, "report": report,
        "data": data, "editor": await permissions.leads_evaluation(user, session_id), "values": values, "errors": errors or {},
        "analysis": {row["capability"]: row for row in report.analysis} if report else {}, "kinds": KINDS,
        "action_values": action_values or {}, "action_errors": action_errors or {},
        "decisions_said": aggregate.decisions_said, "times_said": aggregate.times_said, "meanings": RATING_MEANINGS,
        "percent": aggregate.percent, "change_said": aggregate.change_said,
        "analytics_reader": user.has_role(*permissions.ANALYTICS_READERS),
        "capability_choices": [(c.capability, c.capability) for c in data.capabilities],
        "element_choices": [(e.value, e.value.capitalize()) for e in CorrectiveAction.Element],
        "agency_choices": [(a["id"], a["name"]) for a in await list_active_agencies()],
    }


class ReportController(Controller):
    path = "/sessions/{session_id:int}/report"
    guards = [web.signed_in_guard]

    @get("/", name="report:page")
    async def page(self, request: HTMXRequest, session_id: web.RecordId, version: FromQuery[int | None] = None) -> Template:
        await self._reader(request, session_id)
        return await web.page(request, "afteraction/report.html", **await report_context(request, session_id, version))

    @post("/", name="report:open")
    async def open(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        await self._editor(request, session_id)
        report = await open_report(session_id, web.actor(request))
        await web.flash(request, f"Version {report.version} of the report is open as a draft.")
        return web.go_to(request, "report:page", session_id=session_id)

    @post("/{version:int}", name="report:save")
    async def save(self, request: HTMXRequest, session_id: web.RecordId,
                   version: web.RecordId) -> Template | Redirect | ClientRedirect:
        await self._editor(request, session_id)
        data = await web.read_form(request, ReportInput)
        try:
            await save_report(session_id, version, data)
        except Invalid as invalid:
            return await web.page(request, "afteraction/report.html", status_code=422, **await report_context(
                request, session_id, version, asdict(data), invalid.errors))
        await web.flash(request, "The draft is saved.")
        return web.go_to(request, "report:page", session_id=session_id)

    @post("/{version:int}/finalize", name="report:finalize")
    async def finalize(self, request: HTMXRequest, session_id: web.RecordId,
                       version: web.RecordId) -> Redirect | ClientRedirect:
        await self._editor(request, session_id)
        await finalize_report(session_id, version, web.actor(request))
        await web.flash(request, f"Version {version} is final. Feedback and evaluation are now closed.")
        return web.go_to(request, "report:page", session_id=session_id)

    @get("/{version:int}/pdf", name="report:pdf")
    async def pdf(self, request: HTMXRequest, session_id: web.RecordId, version: web.RecordId) -> Response:
        await self._reader(request, session_id)
        report = await get_report(session_id, version)
        data = await shown_data(session_id, report)
        body = await anyio.to_thread.run_sync(render_aar, data, report.to_dict())  # seconds of CPU for big exercises
        await record_event("aar.download", web.actor(request), target=f"session {session_id}",
                           detail={"version": version, "status": report.status})
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="aar-session-{session_id}-v{version}.pdf"'})

    @get("/data/{file:str}", name="report:export")
    async def export(self, request: HTMXRequest, session_id: web.RecordId, file: FromPath[str]) -> Response:
        await self._reader(request, session_id)
        body, media_type = await export(session_id, file)
        await record_event("aar.export", web.actor(request), target=f"session {session_id}", detail={"file": file})
        return Response(body, media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="session-{session_id}-{file}"'})

    @post("/actions", name="report:add_action")
    async def add_action(self, request: HTMXRequest, session_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        await self._editor(request, session_id)
        data = await web.read_form(request, ActionInput)
        try:
            await add_action(session_id, data, await evaluated_capabilities(session_id), web.actor(request))
        except Invalid as invalid:
            return await web.page(request, "afteraction/report.html", status_code=422, **await report_context(
                request, session_id, action_values=asdict(data), action_errors=invalid.errors))
        await web.flash(request, "The corrective action is in the Improvement Plan.")
        return web.go_to(request, "report:page", session_id=session_id)

    async def _reader(self, request: HTMXRequest, session_id: int) -> None:
        if not await permissions.may_read_report(web.current_user(request), session_id):
            raise Forbidden("Only coordinators, this exercise's staff and supervisors of the organisations that "
                            "played in it read its After-Action Report.")

    async def _editor(self, request: HTMXRequest, session_id: int) -> None:
        if not await permissions.leads_evaluation(web.current_user(request), session_id):
            raise Forbidden("Only the lead evaluator and coordinators write the After-Action Report.")


class ImprovementController(Controller):
    """Corrective actions across exercises: coordinators see all, supervisors their agencies'."""

    path = "/improvement"
    guards = [web.require_roles(*permissions.IMPROVEMENT_READERS)]

    @get("/", name="improvement:list")
    async def list(self, request: HTMXRequest) -> Template:
        return await self._page(request)

    @post("/{action_id:int}", name="improvement:update")
    async def update(self, request: HTMXRequest, action_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        status, note = await web.form_field(request, "status"), await web.form_field(request, "notes")
        try:
            await track_action(action_id, status, note, web.current_user(request), web.actor(request))
        except Invalid as invalid:  # the page again, with what was typed and what is wrong beside that action
            return await self._page(request, 422, {"id": action_id, "status": status, "notes": note,
                                                   "errors": invalid.errors})
        await web.flash(request, "The corrective action is updated.")
        return web.go_to(request, "improvement:list")

    async def _page(self, request: HTMXRequest, status_code: int = 200, typed: dict | None = None) -> Template:
        user = web.current_user(request)
        return await web.page(request, "afteraction/improvement.html", status_code=status_code,
                              actions=await list_actions(user, web.today(request)),
                              statuses=[s.value for s in CorrectiveAction.Status],
                              coordinator=permissions.coordinates(user), typed=typed or {})

    @post("/{action_id:int}/follow-up", name="improvement:follow_up",
          guards=[web.coordinators_only])
    async def follow_up(self, request: HTMXRequest, action_id: web.RecordId) -> Redirect | ClientRedirect:
        session_id = await propose_follow_up(action_id, web.actor(request))
        await web.flash(request, "A draft follow-up session of the same course was made to verify the fix. "
                                 "Set its date and publish it.")
        return web.go_to(request, "sessions:edit", session_id=session_id)
