"""Images, maps and documents kept beside a scenario's YAML: checked with their place in the file, stored
with the version, shown with the scene or inject that names them, and served so they can only be what
they are, to those they are shown to."""

import re

import pytest

from drillhub.audit.service import ANONYMOUS
from drillhub.exercises.service import start_self_paced
from drillhub.scenarios.attachments import beside, from_mapping
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.msel import COLUMNS, msel_rows
from drillhub.scenarios.service import (
    ScenarioRefused,
    add_upload,
    compiled_text,
    get_attachment,
    import_msel,
    sync_directory,
    version_files,
)
from drillhub.scenarios.tables import ScenarioAttachment, ScenarioVersion
from tests.conftest import SCENARIO_FILES
from tests.support import post_form
from tests.test_migrations import run_cli

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()
PNG, PDF = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"%PDF-1.7\n%\xe2\xe3\n"
DECLARED = """attachments:
  - id: river-map
    file: maps/river.png
    title: The river at the bridge
    alt: The footbridge in the river, with the boat ramp 200 yards downstream.
  - {id: call-log, file: call-log.pdf, title: 911 call log}
"""
WITH_FILES = BRIDGE.replace("start: collapse\n", DECLARED + "start: collapse\n", 1).replace(
    "    narrative: At 19:40 the **footbridge** collapses into the river.\n",
    "    narrative: At 19:40 the **footbridge** collapses into the river.\n    attachments: [river-map]\n", 1).replace(
    "objective: rescue}", "objective: rescue, attachments: [call-log]}", 1)
FILES = {"maps/river.png": PNG, "call-log.pdf": PDF}


def findings(text: str, files: dict | None = None) -> list[tuple[str, str, int, int, str]]:
    result = check_text(text, play=False, attachments=from_mapping(files) if files is not None else None)
    return [(f.severity, f.rule, f.line, f.column, f.message) for f in result.findings
            if "attachment" in f.rule or f.rule == "duplicate-id"]


def line_of(text: str, snippet: str) -> int:
    return text[:text.index(snippet)].count("\n") + 1


def test_a_scenario_with_its_files_checks_clean_and_keeps_them():
    result = check_text(WITH_FILES, play=False, attachments=from_mapping(FILES))
    assert [f for f in result.findings if "attachment" in f.rule] == [] and result.files == FILES


@pytest.mark.parametrize(("broken", "files", "rule", "snippet", "said"), [
    (WITH_FILES.replace("file: maps/river.png", "file: ../river.png"), FILES, "attachment-file", "../river.png",
     "give the file's path from the scenario file's folder"),
    (WITH_FILES.replace("file: call-log.pdf", "file: call-log.svg"), FILES, "attachment-file", "call-log.svg",
     "drillhub shows .gif, .jpeg, .jpg, .pdf, .png, .webp files; 'call-log.svg' is none of them"),
    (WITH_FILES, {**FILES, "maps/river.png": b"<html><script>alert(1)</script>"}, "attachment-file", "maps/river.png",
     "'maps/river.png' is not a PNG image: save it in that format"),
    (WITH_FILES, {"call-log.pdf": PDF}, "attachment-missing", "maps/river.png",
     "there is no file 'maps/river.png' beside the scenario"),
    (WITH_FILES.replace("    alt: The footbridge in the river, with the boat ramp 200 yards downstream.\n", ""), FILES,
     "attachment-alt", "id: river-map", "say what the image shows in `alt`, for players who cannot see it"),
    (WITH_FILES.replace("attachments: [river-map]", "attachments: [rivermap]"), FILES, "unknown-attachment",
     "rivermap]", "unknown attachment 'rivermap' (did you mean 'river-map'?)"),
    (WITH_FILES.replace("{id: call-log,", "{id: river-map,"), FILES, "duplicate-id", "{id: river-map,",
     "the id 'river-map' is used more than once"),
])
def test_each_attachment_rule_names_the_problem_and_its_place(broken, files, rule, snippet, said):
    found = [f for f in findings(broken, files) if f[1] == rule]
    assert found, findings(broken, files)
    severity, _, line, column, message = found[0]
    assert severity == "error" and said in message and line == line_of(broken, snippet)
    assert [f for f in findings(WITH_FILES, FILES) if f[1] == rule] == []  # the same file, put right, passes


def test_an_attachment_nothing_shows_is_a_warning():
    unused = WITH_FILES.replace(", attachments: [call-log]}", "}")
    [(severity, rule, line, _, message)] = [f for f in findings(unused, FILES) if f[1] == "unused-attachment"]
    assert (severity, line) == ("warning", line_of(unused, "{id: call-log")) and "no scene or inject shows" in message


def test_the_command_line_finds_the_files_beside_the_yaml(tmp_path):
    folder = tmp_path / "exercise"
    (folder / "maps").mkdir(parents=True)
    (folder / "bridge.yaml").write_text(WITH_FILES)
    (folder / "call-log.pdf").write_bytes(PDF)
    missing = run_cli("sqlite:///unused", "scenarios", "validate", str(folder))
    assert missing.returncode == 1 and (f"{folder / 'bridge.yaml'}:{line_of(WITH_FILES, 'file: maps/river.png')}:11: "
                                        "error: attachments[0](river-map).file: there is no file 'maps/river.png'") \
        in missing.stdout
    (folder / "maps" / "river.png").write_bytes(PNG)
    assert run_cli("sqlite:///unused", "scenarios", "validate", str(folder)).returncode == 0
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(PNG)
    (folder / "maps" / "river.png").unlink()
    (folder / "maps" / "river.png").symlink_to(outside)  # a link out of the folder is no file of it
    assert beside(folder / "bridge.yaml")("maps/river.png") is None


async def test_the_folder_stores_files_with_the_version_and_a_changed_file_is_a_new_version(app, tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "bridge.yaml").write_text(WITH_FILES)
    (tmp_path / "maps" / "river.png").write_bytes(PNG)
    (tmp_path / "call-log.pdf").write_bytes(PDF)
    [added] = await sync_directory(tmp_path, ANONYMOUS)
    first = await ScenarioVersion.objects().get(ScenarioVersion.slug == "bridge-collapse")
    assert added.status == "added" and await version_files(first.id) == FILES
    row = await get_attachment(first.id, "river-map")
    assert (row["media_type"], row["file"]) == ("image/png", "maps/river.png")
    assert [report.status for report in await sync_directory(tmp_path, ANONYMOUS)] == ["unchanged"]
    (tmp_path / "maps" / "river.png").write_bytes(PNG + b"redrawn")
    assert [report.status for report in await sync_directory(tmp_path, ANONYMOUS)] == ["added"]
    assert await ScenarioVersion.count() == 2 and await ScenarioAttachment.count() == 4
    assert (await version_files(first.id))["maps/river.png"] == PNG  # the first version keeps its own picture


async def test_an_upload_brings_its_files_and_a_new_yaml_alone_keeps_them(signed_in_client):
    coordinator = await signed_in_client("coordinator")
    sent = await post_form(coordinator, "/scenarios/upload", {"text": WITH_FILES}, files=[
        ("attachments", ("river.png", PNG, "image/png")), ("attachments", ("call-log.pdf", PDF, "application/pdf"))])
    assert sent.status_code == 303
    first = await ScenarioVersion.objects().get(ScenarioVersion.version == "1.0")
    assert await version_files(first.id) == FILES
    newer = WITH_FILES.replace('version: "1.0"', 'version: "1.1"')
    again = await post_form(coordinator, "/scenarios/upload", {"text": newer})  # no files chosen this time
    assert again.status_code == 303
    second = await ScenarioVersion.objects().get(ScenarioVersion.version == "1.1")
    assert await version_files(second.id) == FILES
    refused = await post_form(coordinator, "/scenarios/upload", {"text": newer.replace("maps/river.png", "maps/new.png")})
    assert refused.status_code == 422 and "there is no file &#39;maps/new.png&#39; beside the scenario" in refused.text
    assert "choose them again" in refused.text and "1.1" in refused.text  # the YAML is kept in the form


async def test_the_msel_import_keeps_the_versions_files(app):
    version = await add_upload("bridge.yaml", WITH_FILES, ANONYMOUS, files={"river.png": PNG, "call-log.pdf": PDF})
    rows = [COLUMNS, *msel_rows(compiled_text(version.source_text).scenario)]
    rows[1][COLUMNS.index("Message")] = "People in the water, many of them!"
    draft = await import_msel(version.id, rows, ANONYMOUS, "1.1")
    assert draft.id != version.id and await version_files(draft.id) == FILES


async def test_files_are_served_as_what_they_are_to_those_they_are_shown_to(signed_in_client):
    version = await add_upload("bridge.yaml", WITH_FILES, ANONYMOUS, files={"river.png": PNG, "call-log.pdf": PDF})
    coordinator = await signed_in_client("coordinator")
    url = f"/scenarios/versions/{version.id}/attachments"
    image = await coordinator.get(f"{url}/river-map")
    assert image.status_code == 200 and image.content == PNG and image.headers["content-type"] == "image/png"
    assert image.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["content-disposition"] == 'inline; filename="river.png"'
    document = await coordinator.get(f"{url}/call-log")
    assert document.headers["content-disposition"] == 'attachment; filename="call-log.pdf"'
    assert (await coordinator.get(f"{url}/nothing")).status_code == 404

    dispatcher, patrol = await signed_in_client("officer"), await signed_in_client("officer")
    assert (await dispatcher.get(f"{url}/river-map")).status_code == 403  # an officer reads no library
    links = {}
    for player, role in ((dispatcher, "dispatch"), (patrol, "patrol")):
        run = await start_self_paced("bridge-collapse", player.person.id, role, ANONYMOUS)
        page = (await player.get(f"/runs/{run.id}")).text
        links[role] = dict(re.findall(r'/attachments/([a-z-]+)\?key=([0-9a-f]+)', page))
        assert '<img src="' in page and 'alt="The footbridge in the river, with the boat ramp 200 yards downstream."' in page
    assert set(links["dispatch"]) == {"river-map", "call-log"}  # the 911 call goes to dispatch only
    assert set(links["patrol"]) == {"river-map"}
    shown = await dispatcher.get(f"{url}/call-log?key={links['dispatch']['call-log']}")
    assert shown.status_code == 200 and shown.content == PDF
    guessed = await patrol.get(f"{url}/call-log?key={links['patrol']['river-map']}")  # another file's key
    assert guessed.status_code == 403


async def test_an_upload_cannot_tell_two_files_of_one_name_apart(app):
    twice = WITH_FILES.replace("file: call-log.pdf", "file: logs/river.png").replace(
        "title: 911 call log}", "title: 911 call log, alt: The log.}")
    with pytest.raises(ScenarioRefused) as refused:
        await add_upload("bridge.yaml", twice, ANONYMOUS, files={"river.png": PNG})
    [finding] = refused.value.findings
    assert finding.line == line_of(twice, "logs/river.png") and "two attachments' files are called 'river.png'" \
        in finding.message
