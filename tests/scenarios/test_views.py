from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.service import add_upload
from tests.conftest import SCENARIO_FILES
from tests.support import csrf_token, post_form

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()


async def test_library_lists_and_filters(signed_in_client):
    await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    facilitator = await signed_in_client("facilitator")
    page = await facilitator.get("/scenarios/")
    assert "Footbridge collapse at the river festival" in page.text
    assert '<option value="dispatch"' in page.text  # agency-kind filter built from the library
    empty = await facilitator.get("/scenarios/?agency_kind=federal", headers={"HX-Request": "true"})
    assert empty.text.lstrip().startswith('<section id="scenario-list"') and "No scenario matches" in empty.text


async def test_a_kind_of_organisation_the_file_declares_is_named_by_its_title(signed_in_client):
    own = BRIDGE.replace("roles:\n", "agency_kinds:\n  - {id: port_authority, title: Port authority}\nroles:\n", 1) \
        .replace("    agency_kind: dispatch\n", "    agency_kind: port_authority\n", 1)
    await add_upload("bridge.yaml", own, ANONYMOUS)
    facilitator = await signed_in_client("facilitator")
    library = (await facilitator.get("/scenarios/")).text
    assert '<option value="port_authority" >Port authority</option>' in library
    detail = (await facilitator.get("/scenarios/bridge-collapse")).text
    assert "<td>911 shift supervisor</td><td>Port authority</td>" in detail


async def test_scenario_page_shows_metadata_roles_graph_and_versions(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    evaluator = await signed_in_client("evaluator")
    page = await evaluator.get("/scenarios/bridge-collapse")
    assert page.status_code == 200
    for text in ["Tabletop exercise (TTX)", "FOR OFFICIAL USE ONLY", "Patrol sergeant", "<svg",
                 "Operational Coordination", version.sha256, "this variable is never read"]:
        assert text in page.text, text
    assert (await evaluator.get("/scenarios/no-such-scenario")).status_code == 404


async def test_author_content_is_escaped(signed_in_client):
    hostile = BRIDGE.replace("title: Footbridge collapse at the river festival",
                             'title: "<script>alert(1)</script>"').replace(
        "summary: A pedestrian bridge fails", "summary: <img src=x onerror=alert(1)> A pedestrian bridge fails")
    await add_upload("hostile.yaml", hostile, ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    for url in ["/scenarios/", "/scenarios/bridge-collapse"]:
        text = (await coordinator.get(url)).text
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
        assert "<img src=x" not in text


async def test_downloads(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    source = await coordinator.get(f"/scenarios/versions/{version.id}/source")
    assert source.text == BRIDGE and 'filename="bridge-collapse-1.0.yaml"' in source.headers["content-disposition"]
    dot = await coordinator.get(f"/scenarios/versions/{version.id}/graph?format=dot")
    assert dot.text.startswith('digraph "bridge-collapse"')
    unknown_format = await coordinator.get(f"/scenarios/versions/{version.id}/graph?format=png")
    assert unknown_format.status_code == 200 and unknown_format.text.startswith("<svg")


async def test_upload_refused_whole_with_every_error_and_the_text_kept(signed_in_client):
    admin = await signed_in_client("admin")
    broken = BRIDGE.replace("exercise_type: tabletop", "exercise_type: tabletopp").replace(
        "next: late-rescue", "next: nowhere")
    token = await csrf_token(admin)
    response = await admin.post("/scenarios/upload", data={"_csrf_token": token},
                                files={"file": ("bridge.yaml", broken.encode(), "text/yaml")})
    assert response.status_code == 422
    assert "bridge.yaml was not added" in response.text
    assert "bridge.yaml:5:16: error: exercise_type:" in response.text
    assert (await admin.get("/scenarios/")).text.count("Footbridge") == 0


async def test_upload_by_pasting_then_see_it(signed_in_client):
    admin = await signed_in_client("admin")
    response = await post_form(admin, "/scenarios/upload", {"text": BRIDGE}, follow_redirects=True)
    assert response.status_code == 200 and "passed the checker. Review it here, then publish it." in response.text
    assert "Footbridge collapse" in response.text and "Publish version 1.0" in response.text
    empty = await post_form(admin, "/scenarios/upload", {"text": "  "})
    assert empty.status_code == 422 and "Choose a YAML file or paste the scenario." in empty.text
    binary = await admin.post("/scenarios/upload", data={"_csrf_token": await csrf_token(admin)},
                              files={"file": ("x.yaml", b"\xff\xfe\x00bad", "text/yaml")})
    assert binary.status_code == 422 and "x.yaml:1:1: error: The file is not UTF-8 text: the byte 0xff at line 1, " \
        "column 1 is not." in binary.text


async def test_reload_reports_each_file(signed_in_client):
    coordinator = await signed_in_client("coordinator")
    response = await post_form(coordinator, "/scenarios/reload")
    assert response.status_code == 200 and "bridge.yaml" in response.text and "added as a new version" in response.text
    again = await post_form(coordinator, "/scenarios/reload")
    assert "unchanged" in again.text
