import pytest

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.service import add_upload
from tests.conftest import SCENARIO_FILES


@pytest.fixture
async def bridge(app):
    """The test scenario in the library (each, lead and team decisions; three endings)."""
    return await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
