import hmac
import json
from pathlib import PurePosixPath
from urllib.parse import urlencode

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import permissions, web
from drillhub.agencies.tables import KIND_LABELS
from drillhub.audit.service import record_event
from drillhub.errors import Forbidden, Invalid, NotFound
from drillhub.exercises.preview import CONTINUE, TIME_OUT, moves_of, rehearsed
from drillhub.exercises.scene import scene
from drillhub.scenarios import graph
from drillhub.scenarios.attachments import KINDS, MAX_ATTACHMENT_BYTES, is_image, link_key
from drillhub.scenarios.engine import Compiled
from drillhub.scenarios.loader import ScenarioInvalid, decoded
from drillhub.scenarios.model import EXERCISE_TYPE_LABELS
from drillhub.scenarios.msel import msel_csv, msel_xlsx
from drillhub.scenarios.msel_import import SheetUnreadable, next_label, planned, sheet_rows
from drillhub.scenarios.service import (
    LibraryFilter,
    ScenarioRefused,
    add_upload,
    compiled_text,
    get_attachment,
    get_current,
    get_version,
    import_msel,
    library_facets,
    list_drafts,
    list_library,
    list_versions,
    publish,
    sync_directory,
)
from drillhub.scenarios.tables import ScenarioVersion
from drillhub.settings import settings_in_use

GRAPH_FORMATS = {"svg": ("image/svg+xml", graph.to_svg), "dot": ("text/vnd.graphviz", graph.to_dot),
                 "mermaid": ("text/plain", graph.to_mermaid)}
MSEL_FORMATS = {"csv": ("text/csv; charset=utf-8", msel_csv),
                "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", msel_xlsx)}
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
MAX_ATTACHMENTS_BYTES = 32 * 1024 * 1024  # all of one upload's images and documents
KIND_NAMES = {kind.value: label for kind, label in KIND_LABELS.items()}


async def library_context(filters: LibraryFilter) -> dict:
    facets = await library_facets()
    return {
        "scenarios": await list_library(filters),
        "filters": filters,
        "facets": facets,
        "type_labels": EXERCISE_TYPE_LABELS,
        "kind_labels": {**KIND_NAMES, **facets["agency_kind_titles"]},
    }


def _phase(compiled: Compiled, number: int) -> graph.Group:
    try:
        return graph.group(compiled, number)
    except ValueError as missing:
        raise NotFound(f"This scenario has {missing}.") from None


class ScenarioController(Controller):
    path = "/scenarios"
    guards = [web.require_roles(*permissions.SCENARIO_READERS)]

    @get("/", name="scenarios:library")
    async def library(
        self, request: HTMXRequest, q: FromQuery[str] = "", capability: FromQuery[str] = "",
        agency_kind: FromQuery[str] = "", exercise_type: FromQuery[str] = "",
    ) -> Template:
        filters = LibraryFilter(search=q.strip(), capability=capability, agency_kind=agency_kind,
                                exercise_type=exercise_type)
        context = await library_context(filters)
        if request.htmx:
            return web.partial("scenarios/_scenario_list.html", **context)
        drafts = await list_drafts() if permissions.coordinates(web.current_user(request)) else []
        return await web.page(request, "scenarios/library.html", drafts=drafts, **context)

    @get("/{slug:str}", name="scenarios:detail")
    async def detail(self, request: HTMXRequest, slug: FromPath[str], phase: FromQuery[int | None] = None) -> Template:
        return await self._version_page(request, await get_current(slug), phase)

    @get("/versions/{version_id:int}", name="scenarios:version")
    async def version(self, request: HTMXRequest, version_id: web.RecordId,
                      phase: FromQuery[int | None] = None) -> Template:
        """Any version, old or new; a draft (an upload not yet published) only for coordinators."""
        return await self._version_page(request, await self._readable(request, version_id), phase)

    @post("/versions/{version_id:int}/publish", name="scenarios:publish", guards=[web.coordinators_only])
    async def publish_version(self, request: HTMXRequest, version_id: web.RecordId) -> Redirect | ClientRedirect:
        version = await publish(version_id, web.actor(request))
        await web.flash(request, f"Version {version.version} of {version.title} is published: the library shows it "
                                 "and new runs play it.")
        return web.go_to(request, "scenarios:detail", slug=version.slug)

    @get("/versions/{version_id:int}/preview", name="scenarios:preview", guards=[web.coordinators_only])
    async def preview(self, request: HTMXRequest, version_id: web.RecordId, role: FromQuery[str] = "all",
                      moves: FromQuery[str] = "", move: FromQuery[str] = "") -> Template | Redirect:
        """Play the version as a role, as an officer alone would, before publishing it: nothing is recorded,
        the address holds the moves so far (a form adds its `move` and comes back here)."""
        version = await get_version(version_id)
        if move:
            query = urlencode({"role": role, "moves": ".".join([*moves_of(moves), move])})
            return Redirect(f"{request.app.route_reverse('scenarios:preview', version_id=version_id)}?{query}#play",
                            status_code=303)
        user = web.current_user(request)
        rehearsal = await rehearsed(version, role, moves_of(moves), user.person_id)
        compiled = rehearsal.played.compiled
        return await web.page(
            request, "scenarios/preview.html", version=version, scenario=compiled.scenario, role=role,
            moves=".".join(rehearsal.moves), back=".".join(rehearsal.moves[:-1]), refused=rehearsal.refused,
            continue_move=CONTINUE, time_out_move=TIME_OUT, **scene(rehearsal.played, user.person_id))

    @get("/versions/{version_id:int}/msel", name="scenarios:msel")
    async def msel(self, request: HTMXRequest, version_id: web.RecordId, format: FromQuery[str] = "xlsx") -> Response:
        """The version's Master Scenario Events List, as an XLSX workbook or as CSV."""
        version = await self._readable(request, version_id)
        extension = format if format in MSEL_FORMATS else "xlsx"
        media_type, render = MSEL_FORMATS[extension]
        return Response(render(compiled_text(version.source_text).scenario), media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="{version.slug}-{version.version}-msel.{extension}"'})

    @get("/versions/{version_id:int}/msel-import", name="scenarios:msel_import_form", guards=[web.coordinators_only])
    async def msel_import_form(self, request: HTMXRequest, version_id: web.RecordId) -> Template:
        return await self._msel_page(request, await get_version(version_id))

    @post("/versions/{version_id:int}/msel-import", name="scenarios:msel_preview", guards=[web.coordinators_only],
          request_max_body_size=MAX_UPLOAD_BYTES + 64 * 1024)
    async def msel_preview(self, request: HTMXRequest, version_id: web.RecordId) -> Template:
        """The edited MSEL read against the version: its rows' problems, or the changes to confirm."""
        version = await get_version(version_id)
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._msel_page(request, version, 422, problems=["Choose the MSEL file (.xlsx or .csv)."])
        try:
            rows = sheet_rows(upload.filename, await upload.read())
        except SheetUnreadable as unreadable:
            return await self._msel_page(request, version, 422, problems=[str(unreadable)])
        plan = planned(compiled_text(version.source_text).scenario, rows)
        return await self._msel_page(request, version, 422 if plan.errors else 200, problems=plan.errors,
                                     changes=[] if plan.errors else plan.changes, rows=json.dumps(rows),
                                     file_name=upload.filename)

    @post("/versions/{version_id:int}/msel-import/confirm", name="scenarios:msel_import",
          guards=[web.coordinators_only], request_max_body_size=4 * MAX_UPLOAD_BYTES)
    async def msel_import(self, request: HTMXRequest, version_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        """Written only now: a new draft version with the MSEL's injects, to review and publish."""
        version = await get_version(version_id)
        label = await web.form_field(request, "label")
        try:
            rows = json.loads(await web.form_field(request, "rows"))
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ValueError
            rows = [[str(cell) for cell in row] for row in rows]
            draft = await import_msel(version_id, rows, web.actor(request), label)
        except (ValueError, RecursionError):  # not the rows the preview sent
            return await self._msel_page(request, version, 422, problems=["Send the MSEL file again."])
        except Invalid as invalid:
            if "label" in invalid.errors:  # the changes stand: only the label is to put right
                return await self._msel_page(request, version, 422, errors=invalid.errors, label=label,
                                             rows=json.dumps(rows), file_name=await web.form_field(request, "file_name"),
                                             changes=planned(compiled_text(version.source_text).scenario, rows).changes)
            return await self._msel_page(request, version, 422, problems=list(invalid.errors.values()))
        except ScenarioRefused as refused:
            return await self._msel_page(request, version, 422, problems=[
                f.format("the scenario with these injects") for f in refused.findings if f.severity == "error"])
        await web.flash(request, f"The MSEL's injects are in a new draft of {draft.title}. Review it, then publish it.")
        return web.go_to(request, "scenarios:version", version_id=draft.id)

    async def _msel_page(self, request: HTMXRequest, version: ScenarioVersion, status_code: int = 200,
                         **context) -> Template:
        return await web.page(request, "scenarios/msel_import.html", status_code=status_code, version=version,
                              **{"problems": [], "changes": [], "rows": "", "file_name": "", "errors": {},
                                 "label": next_label(version.version), **context})

    async def _readable(self, request: HTMXRequest, version_id: int) -> ScenarioVersion:
        version = await get_version(version_id)
        if version.published_at is None and not permissions.coordinates(web.current_user(request)):
            raise Forbidden("Only coordinators review a scenario version before it is published.")
        return version

    async def _version_page(self, request: HTMXRequest, version: ScenarioVersion, phase: int | None) -> Template:
        """A large scenario's branches are drawn by phase: the overview, and the phase asked for."""
        compiled = compiled_text(version.source_text)
        large, phases = graph.is_large(compiled), graph.groups(compiled)
        shown = _phase(compiled, phase) if large and phase is not None else None
        edges = graph.edges(compiled)
        if large:
            edges = [edge for edge in edges if shown and {edge.source, edge.target} & set(shown.names)]
        return await web.page(
            request, "scenarios/detail.html", version=version, scenario=compiled.scenario,
            graph_svg=graph.to_svg(compiled, link="?phase={}#branches" if large else None),
            phase_svg=graph.to_svg(compiled, group=shown.number) if shown else "", phases=phases if large else [],
            shown_phase=shown, expected_path=graph.expected_path(compiled), edges=edges,
            type_labels=EXERCISE_TYPE_LABELS,
            versions=await list_versions(version.slug, drafts=permissions.coordinates(web.current_user(request))),
            kind_labels={**KIND_NAMES, **{kind.id: kind.title for kind in compiled.scenario.agency_kinds}},
        )

    @get("/versions/{version_id:int}/source", name="scenarios:source")
    async def source(self, request: HTMXRequest, version_id: web.RecordId) -> Response:
        version = await self._readable(request, version_id)
        return Response(version.source_text, media_type="text/yaml; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{version.slug}-{version.version}.yaml"'})

    @get("/versions/{version_id:int}/graph", name="scenarios:graph")
    async def graph_file(self, request: HTMXRequest, version_id: web.RecordId, format: FromQuery[str] = "svg",
                         phase: FromQuery[int | None] = None) -> Response:
        """The whole graph as Graphviz or Mermaid; as SVG, a large scenario's overview or one of its phases."""
        version = await self._readable(request, version_id)
        compiled = compiled_text(version.source_text)
        if format == "svg" and phase is not None:
            shown = _phase(compiled, phase)
            return Response(graph.to_svg(compiled, group=shown.number), media_type="image/svg+xml", headers={
                "Content-Disposition": f'attachment; filename="{version.slug}-phase-{shown.number}.svg"'})
        media_type, render = GRAPH_FORMATS.get(format, GRAPH_FORMATS["svg"])
        extension = {"svg": "svg", "dot": "dot", "mermaid": "mmd"}[format if format in GRAPH_FORMATS else "svg"]
        return Response(render(compiled), media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="{version.slug}.{extension}"'})

    @get("/upload", name="scenarios:upload_form", guards=[web.coordinators_only])
    async def upload_form(self, request: HTMXRequest) -> Template:
        return await self._upload_page(request, 200, findings=[], file_name="", text="")

    @post("/upload", name="scenarios:upload", guards=[web.coordinators_only],
          request_max_body_size=MAX_UPLOAD_BYTES + MAX_ATTACHMENTS_BYTES + 64 * 1024)
    async def upload(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        """The YAML (a file, or pasted), and its attachments' files: a file not chosen again is kept from the
        scenario's newest version."""
        form = await request.form()
        files = {part.filename: await part.read() for part in form.getall("attachments", [])
                 if isinstance(part, UploadFile) and part.filename}
        upload, text = form.get("file"), str(form.get("text", ""))
        file_name = "pasted text"
        if isinstance(upload, UploadFile) and upload.filename:
            file_name = upload.filename
            try:
                text = decoded(await upload.read())
            except ScenarioInvalid as unreadable:
                return await self._refused(request, file_name, "", [f.format(file_name) for f in unreadable.findings])
        if not text.strip():
            return await self._refused(request, file_name, text, ["Choose a YAML file or paste the scenario."])
        try:
            version = await add_upload(file_name, text, web.actor(request), published=False, files=files)
        except ScenarioRefused as refused:
            return await self._refused(request, file_name, text, [f.format(file_name) for f in refused.findings])
        await web.flash(request, f"{version.title} (version {version.version}) passed the checker. Review it here, "
                                 "then publish it." if version.published_at is None else
                                 f"{version.title} (version {version.version}) is already in the library.")
        return web.go_to(request, "scenarios:version", version_id=version.id)

    async def _refused(self, request: HTMXRequest, file_name: str, text: str, problems: list[str]) -> Template:
        return await self._upload_page(request, 422, file_name=file_name, text=text, findings=problems)

    async def _upload_page(self, request: HTMXRequest, status_code: int, **context) -> Template:
        return await web.page(request, "scenarios/upload.html", status_code=status_code, **context,
                              kinds=",".join(sorted(KINDS)), mib_each=MAX_ATTACHMENT_BYTES // 2**20,
                              mib_all=MAX_ATTACHMENTS_BYTES // 2**20)

    @post("/reload", name="scenarios:reload", guards=[web.coordinators_only])
    async def reload(self, request: HTMXRequest) -> Template:
        settings = request.app.state.settings
        reports = await sync_directory(settings.scenarios_dir, web.actor(request))
        await record_event("scenario.reload", web.actor(request), target="scenarios/",
                           detail={report.status: sum(r.status == report.status for r in reports) for report in reports})
        return await web.page(request, "scenarios/reload.html", reports=reports)


def attachment_url(version_id: int, attachment_id: str) -> str:
    """An attachment's link, with the key that lets whoever it is shown to open it (a Jinja global)."""
    key = link_key(settings_in_use().secret_key, version_id, attachment_id)
    return f"/scenarios/versions/{version_id}/attachments/{attachment_id}?key={key}"


class AttachmentController(Controller):
    """A scenario version's files, for the players they are shown to as well as the library's readers."""

    guards = [web.signed_in_guard]

    @get("/scenarios/versions/{version_id:int}/attachments/{attachment_id:str}", name="scenarios:attachment")
    async def attachment(self, request: HTMXRequest, version_id: web.RecordId, attachment_id: FromPath[str],
                         key: FromQuery[str] = "") -> Response:
        """With the key of a page that showed it, or as one who may read the version; served so that it can
        only ever be shown as the file it is (no script, no sniffing), a document as a download."""
        expected = link_key(settings_in_use().secret_key, version_id, attachment_id)
        if not hmac.compare_digest(key.encode(), expected.encode()):
            user = web.current_user(request)
            version = await get_version(version_id)
            if not user.has_role(*permissions.SCENARIO_READERS) or (
                    version.published_at is None and not permissions.coordinates(user)):
                raise Forbidden("This file is shown to the players of its scenes and to the scenario's readers.")
        row = await get_attachment(version_id, attachment_id)
        name = PurePosixPath(row["file"]).name
        return Response(row["content"], media_type=row["media_type"], headers={
            "Content-Disposition": f'{"inline" if is_image(row["file"]) else "attachment"}; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, max-age=86400",  # a version's files never change
        })

