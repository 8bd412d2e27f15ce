import hashlib

import pytest

from drillhub.audit.service import Actor
from drillhub.audit.tables import AuditEvent
from drillhub.scenarios.service import (
    LibraryFilter,
    ScenarioRefused,
    add_upload,
    compiled_text,
    get_current,
    library_facets,
    list_library,
    list_versions,
    sync_directory,
)
from drillhub.scenarios.tables import ScenarioVersion
from tests.conftest import SCENARIO_FILES

ADMIN = Actor(person_id=None, label="admin@test.example", client="127.0.0.1")
BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()


async def test_sync_loads_new_files_once_and_reports_bad_ones(app, tmp_path):
    (tmp_path / "bridge.yaml").write_text(BRIDGE)
    (tmp_path / "broken.yml").write_text("id: broken\ntitle: [\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    first = {report.name: report for report in await sync_directory(tmp_path, ADMIN)}
    assert set(first) == {"bridge.yaml", "broken.yml"}
    assert first["bridge.yaml"].status == "added" and first["broken.yml"].status == "refused"
    assert first["broken.yml"].findings[0].rule == "yaml-syntax"
    second = await sync_directory(tmp_path, ADMIN)
    assert [report.status for report in second] == ["unchanged", "refused"]
    assert await ScenarioVersion.count() == 1


async def test_a_changed_file_becomes_a_new_version_and_the_old_text_is_kept(app, tmp_path):
    path = tmp_path / "bridge.yaml"
    path.write_text(BRIDGE)
    await sync_directory(tmp_path, ADMIN)
    path.write_text(BRIDGE.replace('version: "1.0"', 'version: "1.1"'))
    await sync_directory(tmp_path, ADMIN)
    current = await get_current("bridge-collapse")
    assert current.version == "1.1" and current.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    versions = await list_versions("bridge-collapse")
    assert [row["version"] for row in versions] == ["1.1", "1.0"]
    old = await ScenarioVersion.objects().get(ScenarioVersion.version == "1.0")
    assert old.source_text == BRIDGE  # runs that started on 1.0 keep exactly what they played


async def test_an_upload_with_errors_is_refused_whole(app):
    broken = BRIDGE.replace("next: late-rescue", "next: nowhere")
    with pytest.raises(ScenarioRefused) as refused:
        await add_upload("bridge.yaml", broken, ADMIN)
    assert any("unknown node or ending 'nowhere'" in f.message for f in refused.value.findings)
    assert await ScenarioVersion.count() == 0
    event = await AuditEvent.select().where(AuditEvent.action == "scenario.upload").first()
    assert event["outcome"] == "failure"


async def test_uploading_the_same_text_twice_stores_it_once(app):
    first = await add_upload("bridge.yaml", BRIDGE, ADMIN)
    again = await add_upload("copy.yaml", BRIDGE, ADMIN)
    assert first.id == again.id and await ScenarioVersion.count() == 1


async def test_library_search_by_facet(app):
    await add_upload("bridge.yaml", BRIDGE, ADMIN)
    facets = await library_facets()
    assert "Operational Coordination" in facets["capabilities"] and "dispatch" in facets["agency_kinds"]
    assert len(await list_library(LibraryFilter(capability="Mass Search and Rescue Operations"))) == 1
    assert len(await list_library(LibraryFilter(agency_kind="fire", exercise_type="tabletop"))) == 1
    assert await list_library(LibraryFilter(agency_kind="federal")) == []
    assert len(await list_library(LibraryFilter(search="unified COMMAND"))) == 1  # objective text
    assert await list_library(LibraryFilter(search="hurricane")) == []


def test_compiled_text_is_cached_by_content():
    assert compiled_text(BRIDGE) is compiled_text(BRIDGE)
    assert compiled_text(BRIDGE).scenario.id == "bridge-collapse"
