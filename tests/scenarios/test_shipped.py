"""Every scenario shipped in scenarios/ passes the checker with no error and no warning."""

import json
from pathlib import Path

import pytest

from drillhub.scenarios.attachments import beside
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.loader import scenario_files
from drillhub.scenarios.model import json_schema
from drillhub.settings import PROJECT_ROOT

SHIPPED = scenario_files(PROJECT_ROOT / "scenarios")


def test_the_library_has_at_least_five_scenarios():
    assert len(SHIPPED) >= 5


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_shipped_scenario_is_clean_and_rich_enough(path: Path):
    result = check_text(path.read_text(), attachments=beside(path))  # its images found beside it too
    assert result.findings == [], "\n".join(f.format(str(path)) for f in result.findings)
    scenario = result.scenario
    assert len(scenario.nodes) >= 15
    assert len(scenario.roles) >= 3 and len({role.agency_kind for role in scenario.roles}) >= 3
    assert scenario.variables and len(scenario.endings) >= 3
    assert any(inject for node in scenario.nodes for inject in node.injects)
    assert any(choice.when or node.decision.next for node in scenario.nodes if node.decision
               for choice in node.decision.choices)
    assert set(result.simulation.reachable_endings) == {ending.id for ending in scenario.endings}


def test_the_published_json_schema_is_the_generated_one():
    published = json.loads((PROJECT_ROOT / "docs" / "scenario.schema.json").read_text())
    assert published == json_schema(), "run: drillhub scenarios schema > docs/scenario.schema.json"
