import json

from tests.conftest import SCENARIO_FILES
from tests.test_migrations import run_cli

BRIDGE = SCENARIO_FILES / "bridge.yaml"


def test_validate_reports_like_a_compiler_and_fails_on_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BRIDGE.read_text().replace("exercise_type: tabletop", "exercise_type: tabletopp"))
    result = run_cli("sqlite:///unused", "scenarios", "validate", str(BRIDGE), str(bad))
    assert result.returncode == 1
    assert f"{bad}:5:16: error: exercise_type: 'tabletopp' is not one of" in result.stdout
    assert "2 file(s): 1 error(s), 2 warning(s)" in result.stdout


def test_validate_json_and_a_clean_run(tmp_path):
    result = run_cli("sqlite:///unused", "scenarios", "validate", "--format", "json", str(BRIDGE))
    assert result.returncode == 0
    [report] = json.loads(result.stdout)
    assert report["ok"] and report["errors"] == [] and len(report["warnings"]) == 2


def test_validate_defaults_to_the_scenarios_folder():
    result = run_cli("sqlite:///unused", "scenarios", "validate", DRILLHUB_SCENARIOS_DIR=str(SCENARIO_FILES))
    assert result.returncode == 0 and "2 file(s): 0 error(s)" in result.stdout  # bridge.yaml and harbour.yaml


def test_graph_formats():
    for output, start in [("dot", 'digraph "bridge-collapse"'), ("mermaid", "flowchart TD"), ("svg", "<svg")]:
        result = run_cli("sqlite:///unused", "scenarios", "graph", "bridge-collapse", "--format", output,
                         DRILLHUB_SCENARIOS_DIR=str(SCENARIO_FILES))
        assert result.returncode == 0 and result.stdout.startswith(start)
    missing = run_cli("sqlite:///unused", "scenarios", "graph", "nope", DRILLHUB_SCENARIOS_DIR=str(SCENARIO_FILES))
    assert missing.returncode == 1 and "No file or scenario id 'nope'" in missing.stderr


def test_simulate_is_repeatable_for_a_seed():
    args = ("scenarios", "simulate", str(BRIDGE), "--runs", "300", "--seed", "11", "--format", "json")
    first, second = run_cli("sqlite:///unused", *args), run_cli("sqlite:///unused", *args)
    assert first.returncode == 0 and first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert sum(ending["random_runs"] for ending in report["endings"].values()) == 300
    assert report["exhaustive"]["complete"] and report["scores"]["rescue"] == {"min": 0, "max": 5}
    alone = run_cli("sqlite:///unused", *args, "--processes", "1")
    shared = run_cli("sqlite:///unused", *args, "--processes", "3")
    assert alone.stdout == shared.stdout == first.stdout  # the runs are the same however they are shared


def test_validate_takes_folders_and_one_bad_file_stops_nothing(tmp_path):
    folder = tmp_path / "exercises"
    (folder / "chapter-2").mkdir(parents=True)
    (folder / "bridge.yaml").write_text(BRIDGE.read_text())
    (folder / "latin1.yaml").write_bytes("id: bridge\ntitle: Caf\xe9 fire\n".encode("latin-1"))  # not UTF-8
    (folder / "chapter-2" / "broken.yml").write_text("id: [unclosed\n")
    (folder / "notes.txt").write_text("not a scenario")
    result = run_cli("sqlite:///unused", "scenarios", "validate", str(folder))
    assert result.returncode == 1
    assert (f"{folder / 'latin1.yaml'}:2:11: error: The file is not UTF-8 text: the byte 0xe9 at line 2, "
            "column 11 is not.") in result.stdout
    assert f"{folder / 'chapter-2' / 'broken.yml'}:2:1: error:" in result.stdout
    assert result.stdout.rstrip().endswith("3 file(s): 2 error(s), 2 warning(s)")  # the summary, always


def test_validate_in_json_is_json_whatever_it_meets(tmp_path):
    missing = tmp_path / "missing.yaml"
    (tmp_path / "latin1.yaml").write_bytes(b"id: caf\xe9\n")
    result = run_cli("sqlite:///unused", "scenarios", "validate", "--format", "json", str(BRIDGE), str(missing),
                     str(tmp_path / "latin1.yaml"))
    assert result.returncode == 1
    bridge, gone, latin1 = json.loads(result.stdout)
    assert bridge["ok"] and not gone["ok"] and not latin1["ok"]
    assert gone["errors"][0]["message"] == "cannot read the file: No such file or directory"
    assert (latin1["errors"][0]["line"], latin1["errors"][0]["column"]) == (1, 8)
