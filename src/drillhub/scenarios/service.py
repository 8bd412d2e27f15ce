"""The scenario library: checked versions loaded from scenarios/ or uploaded, searchable by facet."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath

import anyio.to_thread

from drillhub import db
from drillhub.audit.service import Actor, record_event
from drillhub.audit.tables import AuditEvent
from drillhub.errors import Conflict, DomainError, Invalid, NotFound
from drillhub.scenarios import attachments
from drillhub.scenarios.checker import CheckResult, check_text
from drillhub.scenarios.engine import Compiled
from drillhub.scenarios.loader import Finding, ScenarioInvalid, read_file, read_scenario, scenario_files
from drillhub.scenarios.model import Scenario
from drillhub.scenarios.msel_import import planned, relabelled, rewritten
from drillhub.scenarios.tables import ScenarioAttachment, ScenarioVersion

log = logging.getLogger("drillhub.scenarios")


class ScenarioRefused(DomainError):
    """An uploaded file did not pass the checker; nothing was stored."""

    status_code = 422

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"The scenario has {sum(f.severity == 'error' for f in findings)} error(s).")
        self.findings = findings


@dataclass(frozen=True)
class FileReport:
    name: str
    status: str  # added, unchanged or refused
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class LibraryFilter:
    search: str = ""
    capability: str = ""
    agency_kind: str = ""
    exercise_type: str = ""


def facets(scenario: Scenario) -> dict:
    return {
        "summary": scenario.summary,
        "exercise_type": scenario.exercise_type,
        "duration_minutes": scenario.expected_duration_minutes,
        "threat_hazard": scenario.threat_hazard,
        "mission_areas": list(scenario.mission_areas),
        "handling": scenario.handling,
        "authors": list(scenario.authors),
        "agency_kinds": sorted({role.agency_kind for role in scenario.roles}),
        "agency_kind_titles": {kind.id: kind.title for kind in scenario.agency_kinds},  # the file's own kinds
        "roles": [{"id": role.id, "title": role.title, "agency_kind": role.agency_kind} for role in scenario.roles],
        "capabilities": sorted({name for objective in scenario.objectives for name in objective.core_capabilities}),
        "objectives": [{"id": o.id, "description": o.description, "core_capabilities": list(o.core_capabilities)}
                       for o in scenario.objectives],
        "nodes": len(scenario.nodes),
        "endings": len(scenario.endings),
    }


async def _check(text: str, files: attachments.Lookup | None = None) -> CheckResult:
    # The checker simulates play: CPU work kept off the event loop.
    return await anyio.to_thread.run_sync(partial(check_text, text, attachments=files))


async def _store(text: str, result: CheckResult, source_name: str, actor: Actor,
                 published: bool = True) -> ScenarioVersion | None:
    """Insert a checked version (published, or a draft); None when the same text is already stored."""
    scenario = result.scenario
    now = datetime.now(UTC)
    version = ScenarioVersion(
        slug=scenario.id, version=scenario.version, title=scenario.title, sha256=attachments.fingerprint(
            text, result.files), source_text=text,
        source_name=source_name[:300], loaded_at=now, loaded_by=actor.person_id,
        facets=facets(scenario), warnings=[finding.as_dict() for finding in result.warnings],
        published_at=now if published else None,
    )
    try:
        async with db.transaction():
            await version.save()
            files = [ScenarioAttachment(
                version=version.id, attachment_id=attachment.id, file=attachment.file,
                media_type=attachments.media_type(attachment.file), content=result.files[attachment.file],
                sha256=hashlib.sha256(result.files[attachment.file]).hexdigest(),
            ) for attachment in scenario.attachments]
            if files:
                await ScenarioAttachment.insert(*files)
            await record_event("scenario.load", actor, target=f"scenario {scenario.id} {scenario.version}",
                               detail={"source": source_name, "sha256": version.sha256})
    except Exception as error:
        if db.is_unique_violation(error):  # another worker stored the same text first
            return None
        raise
    return version


async def sync_directory(directory: str | Path, actor: Actor) -> list[FileReport]:
    """Load every new or changed file of scenarios/; a file with errors is reported, not loaded."""
    known = {row["sha256"] for row in await ScenarioVersion.select(ScenarioVersion.sha256)}
    reports = []
    for path in scenario_files(directory):
        try:
            text = read_file(path)
        except ScenarioInvalid as unreadable:
            reports.append(FileReport(path.name, "refused", tuple(unreadable.findings)))
            continue
        files = await anyio.to_thread.run_sync(_declared_files, text, attachments.beside(path))  # reads the disk
        if attachments.fingerprint(text, files) in known:
            reports.append(FileReport(path.name, "unchanged"))
            continue
        result = await _check(text, attachments.beside(path))
        if not result.ok:
            log.warning("scenario file %s refused: %d error(s)", path.name, len(result.errors))
            reports.append(FileReport(path.name, "refused", tuple(result.findings)))
            continue
        stored = await _store(text, result, f"scenarios/{path.name}", actor)
        reports.append(FileReport(path.name, "added" if stored else "unchanged", tuple(result.warnings)))
    return reports


def _declared_files(text: str, lookup: attachments.Lookup) -> dict[str, bytes]:
    """The files a scenario's attachments name, as found (unchecked; none when the file does not read)."""
    try:
        scenario = read_scenario(text)[0]
    except ScenarioInvalid:
        return {}
    return {attachment.file: data for attachment in scenario.attachments
            if not attachments.path_problem(attachment.file) and (data := lookup(attachment.file)) is not None}


async def version_files(version_id: int) -> dict[str, bytes]:
    rows = await ScenarioAttachment.select(ScenarioAttachment.file, ScenarioAttachment.content).where(
        ScenarioAttachment.version == version_id)
    return {row["file"]: row["content"] for row in rows}


async def _uploaded_or_kept(text: str, uploaded: dict[str, bytes], earlier_version: int | None) -> attachments.Lookup:
    """An attachment's file as uploaded (by its name), else as the earlier version (by default the
    scenario's newest) kept it: replacing the YAML alone keeps its pictures. Two attachments whose files
    have the name of an uploaded file are refused: which is which cannot be told."""
    try:
        scenario, document = read_scenario(text)
    except ScenarioInvalid:
        return attachments.from_mapping({})  # the checker says why
    names = [PurePosixPath(attachment.file).name for attachment in scenario.attachments]
    if twice := [index for index, name in enumerate(names) if name in uploaded and names.index(name) != index]:
        line, column = document.position(("attachments", twice[0], "file"))
        raise ScenarioRefused([Finding("error", "attachment-file", f"two attachments' files are called "
                                       f"{names[twice[0]]!r}: an upload finds each file by its name, so give them "
                                       "different names", line, column)])
    if earlier_version is None:
        newest = await ScenarioVersion.select(ScenarioVersion.id).where(ScenarioVersion.slug == scenario.id).order_by(
            ScenarioVersion.loaded_at, ascending=False).first()
        earlier_version = newest["id"] if newest else None
    kept = await version_files(earlier_version) if earlier_version else {}
    return lambda file: uploaded.get(PurePosixPath(file).name) or kept.get(file)


async def get_attachment(version_id: int, attachment_id: str) -> dict:
    row = await ScenarioAttachment.select().where(
        (ScenarioAttachment.version == version_id) & (ScenarioAttachment.attachment_id == attachment_id)).first()
    if row is None:
        raise NotFound("This scenario version has no such attachment.")
    return row


async def add_upload(file_name: str, text: str, actor: Actor, published: bool = True,
                     files: dict[str, bytes] | None = None, earlier_version: int | None = None) -> ScenarioVersion:
    """A checked file stored as a version: published at once (the scenarios folder, tests), or a draft
    that a coordinator reviews and publishes (an upload in the browser). `files` are its attachments'
    files by name; one not given is kept from the earlier version. The same version stored before is
    that version."""
    result = await _check(text, await _uploaded_or_kept(text, files or {}, earlier_version))
    if not result.ok:
        await record_event("scenario.upload", actor, target=file_name[:200], outcome=AuditEvent.Outcome.failure,
                           detail={"errors": len(result.errors)})
        raise ScenarioRefused(result.findings)
    stored = await _store(text, result, f"upload: {file_name}", actor, published)
    if stored is None:
        return await ScenarioVersion.objects().get(ScenarioVersion.sha256 == attachments.fingerprint(text, result.files))
    return stored


async def _current_versions() -> list[dict]:
    """The newest published version of each scenario."""
    rows = await ScenarioVersion.select(
        ScenarioVersion.id, ScenarioVersion.slug, ScenarioVersion.version, ScenarioVersion.title,
        ScenarioVersion.facets, ScenarioVersion.loaded_at,
    ).where(ScenarioVersion.published_at.is_not_null()).order_by(ScenarioVersion.published_at, ascending=False).output(
        load_json=True)
    current: dict[str, dict] = {}
    for row in rows:
        current.setdefault(row["slug"], row)
    return sorted(current.values(), key=lambda row: row["title"].lower())


def _matches(row: dict, filters: LibraryFilter) -> bool:
    found = row["facets"]
    if filters.exercise_type and found["exercise_type"] != filters.exercise_type:
        return False
    if filters.agency_kind and filters.agency_kind not in found["agency_kinds"]:
        return False
    if filters.capability and filters.capability not in found["capabilities"]:
        return False
    if filters.search:
        haystack = " ".join([row["title"], found["summary"], found["threat_hazard"],
                             *(objective["description"] for objective in found["objectives"])]).lower()
        return all(word in haystack for word in filters.search.lower().split())
    return True


async def list_library(filters: LibraryFilter) -> list[dict]:
    return [row for row in await _current_versions() if _matches(row, filters)]


async def library_facets() -> dict:
    """The values the library's filters can take, from what is in the library, and the titles of the
    kinds of organisation scenarios declare themselves."""
    rows = await _current_versions()
    return {
        "capabilities": sorted({name for row in rows for name in row["facets"]["capabilities"]}),
        "agency_kinds": sorted({kind for row in rows for kind in row["facets"]["agency_kinds"]}),
        "agency_kind_titles": {kind: title for row in rows
                               for kind, title in row["facets"].get("agency_kind_titles", {}).items()},
        "exercise_types": sorted({row["facets"]["exercise_type"] for row in rows}),
    }


async def get_current(slug: str) -> ScenarioVersion:
    """The version published last: what the library shows and new runs play."""
    version = await ScenarioVersion.objects().where(
        (ScenarioVersion.slug == slug) & ScenarioVersion.published_at.is_not_null()
    ).order_by(ScenarioVersion.published_at, ascending=False).output(load_json=True).first()
    if version is None:
        raise NotFound("No scenario has this id.")
    return version


async def get_version(version_id: int) -> ScenarioVersion:
    version = await ScenarioVersion.objects().where(ScenarioVersion.id == version_id).output(load_json=True).first()
    if version is None:
        raise NotFound("No such scenario version.")
    return version


async def list_versions(slug: str, drafts: bool = False) -> list[dict]:
    """Every published version of the scenario, newest first (and its drafts, if asked)."""
    query = ScenarioVersion.select(
        ScenarioVersion.id, ScenarioVersion.version, ScenarioVersion.sha256, ScenarioVersion.source_name,
        ScenarioVersion.loaded_at, ScenarioVersion.published_at,
        ScenarioVersion.loaded_by.name.as_alias("loaded_by_name"),
    ).where(ScenarioVersion.slug == slug)
    if not drafts:
        query = query.where(ScenarioVersion.published_at.is_not_null())
    return await query.order_by(ScenarioVersion.id, ascending=False)


async def list_drafts() -> list[dict]:
    """Uploaded versions waiting for a coordinator to publish them, newest first."""
    return await ScenarioVersion.select(
        ScenarioVersion.id, ScenarioVersion.slug, ScenarioVersion.version, ScenarioVersion.title,
        ScenarioVersion.loaded_at, ScenarioVersion.loaded_by.name.as_alias("loaded_by_name"),
    ).where(ScenarioVersion.published_at.is_null()).order_by(ScenarioVersion.id, ascending=False)


async def publish(version_id: int, actor: Actor) -> ScenarioVersion:
    """A draft becomes the scenario's current version (the one published last): the library shows it and
    new runs play it. Runs already played keep the version they played."""
    async with db.transaction():
        await db.lock_row(ScenarioVersion, version_id)  # two coordinators publishing at once: one wins
        version = await get_version(version_id)
        if version.published_at is not None:
            raise Conflict(f"Version {version.version} of this scenario is already published.")
        await ScenarioVersion.update({ScenarioVersion.published_at: datetime.now(UTC)}).where(
            ScenarioVersion.id == version_id)
        await record_event("scenario.publish", actor, target=f"scenario {version.slug} {version.version}",
                           detail={"sha256": version.sha256})
    return await get_version(version_id)


@lru_cache(maxsize=64)
def compiled_text(text: str) -> Compiled:
    """A stored version, ready to play or draw. Cached by its text, so it can never be stale."""
    result = check_text(text, play=False)
    if result.compiled is None:
        raise ValueError("a stored scenario no longer passes the checker")
    return result.compiled


_COMPILED_VERSIONS: dict[str, Compiled] = {}  # by SHA-256 of the text: it cannot go stale


async def compiled_version(version_id: int) -> Compiled:
    """A stored version, ready to play, without fetching its text again once this process has it."""
    row = await ScenarioVersion.select(ScenarioVersion.sha256).where(ScenarioVersion.id == version_id).first()
    if row is None:
        raise NotFound("No such scenario version.")
    if row["sha256"] not in _COMPILED_VERSIONS:
        text = await ScenarioVersion.select(ScenarioVersion.source_text).where(ScenarioVersion.id == version_id).first()
        _COMPILED_VERSIONS[row["sha256"]] = compiled_text(text["source_text"])
    return _COMPILED_VERSIONS[row["sha256"]]


async def import_msel(version_id: int, rows: list[list[str]], actor: Actor, label: str) -> ScenarioVersion:
    """A new draft of the scenario, labelled `label`, with its injects as the edited MSEL `rows` say
    (msel_import); refused with the rows' problems, when nothing would change, for a label the scenario
    has already, or with the checker's findings on the result."""
    version = await get_version(version_id)
    scenario, document = read_scenario(version.source_text)
    plan = planned(scenario, rows)
    if plan.errors:
        raise Invalid({"msel": " ".join(plan.errors)})
    if not plan.changes:
        raise Invalid({"msel": "The MSEL changes nothing in this version's injects."})
    label = label.strip()
    if not 1 <= len(label) <= 40:
        raise Invalid({"label": "Give the new version a label of 1 to 40 characters, e.g. 1.2."})
    if await ScenarioVersion.exists().where((ScenarioVersion.slug == version.slug) & (ScenarioVersion.version == label)):
        raise Invalid({"label": f"{version.title} has a version {label} already: give the new draft its own label."})
    try:
        text = rewritten(relabelled(version.source_text, document, label), document, scenario, plan)
    except ValueError as refused:
        raise Invalid({"label": f"The new version cannot be labelled: {refused}."}) from None
    return await add_upload(f"MSEL into {version.slug} {version.version}", text, actor, published=False,
                            earlier_version=version.id)
