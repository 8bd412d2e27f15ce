"""Coordinators upload a scenario as a draft version, review it (check results, graph, MSEL) and publish
it; the library and new runs use the newest published version, and older versions stay."""

from io import BytesIO

from openpyxl import load_workbook

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.service import add_upload, get_current, list_versions
from drillhub.scenarios.tables import ScenarioVersion
from tests.conftest import SCENARIO_FILES
from tests.support import post_form

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()
NEWER = BRIDGE.replace('version: "1.0"', 'version: "1.1"').replace("People in the water!", "Two people in the water!")


async def test_an_upload_is_a_draft_until_a_coordinator_publishes_it(signed_in_client):
    first = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)  # published, as the folder's files are
    coordinator = await signed_in_client("coordinator")
    sent = await post_form(coordinator, "/scenarios/upload", {"text": NEWER})
    assert sent.status_code == 303
    draft = await ScenarioVersion.objects().get(ScenarioVersion.version == "1.1")
    assert sent.headers["location"] == f"/scenarios/versions/{draft.id}" and draft.published_at is None
    assert (await get_current("bridge-collapse")).id == first.id  # play and the library keep 1.0
    review = (await coordinator.get(f"/scenarios/versions/{draft.id}")).text
    for text in ("Draft", "version 1.1", "<svg", "Line 31, column 10: variables[1](command_post).id: this variable is never read",
                 f"/scenarios/versions/{draft.id}/msel?format=xlsx", "Publish version 1.1"):
        assert text in review, text
    workbook = await coordinator.get(f"/scenarios/versions/{draft.id}/msel?format=xlsx")
    assert load_workbook(BytesIO(workbook.content)).active["H2"].value == "Two people in the water!"
    library = (await coordinator.get("/scenarios/")).text
    assert "Drafts to review" in library and f"/scenarios/versions/{draft.id}" in library
    published = await post_form(coordinator, f"/scenarios/versions/{draft.id}/publish")
    assert published.status_code == 303 and published.headers["location"] == "/scenarios/bridge-collapse"
    assert (await get_current("bridge-collapse")).id == draft.id
    assert [v["version"] for v in await list_versions("bridge-collapse")] == ["1.1", "1.0"]  # the old one stays
    again = await post_form(coordinator, f"/scenarios/versions/{draft.id}/publish")
    assert again.status_code == 409


async def test_who_uploads_reviews_and_publishes(signed_in_client):
    await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    draft = await add_upload("bridge.yaml", NEWER, ANONYMOUS, published=False)
    facilitator = await signed_in_client("facilitator")
    assert (await facilitator.get(f"/scenarios/versions/{draft.id}")).status_code == 403  # drafts: coordinators
    for download in ("msel?format=csv", "graph?format=svg", "source"):
        assert (await facilitator.get(f"/scenarios/versions/{draft.id}/{download}")).status_code == 403, download
    assert (await post_form(facilitator, "/scenarios/upload", {"text": NEWER})).status_code == 403
    assert (await post_form(facilitator, f"/scenarios/versions/{draft.id}/publish")).status_code == 403
    first = await ScenarioVersion.objects().get(ScenarioVersion.version == "1.0")
    assert (await facilitator.get(f"/scenarios/versions/{first.id}")).status_code == 200  # a published one
    officer = await signed_in_client("officer")
    assert (await officer.get(f"/scenarios/versions/{first.id}")).status_code == 403
    coordinator = await signed_in_client("coordinator")
    assert (await coordinator.get("/scenarios/versions/999999")).status_code == 404
    assert (await coordinator.get("/scenarios/upload")).status_code == 200
