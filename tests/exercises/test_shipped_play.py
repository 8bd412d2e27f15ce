"""Every shipped scenario played alone through the pages, as each of its roles: every scene on the
path is shown, in order, with its narrative's title, the injects addressed to that role or to everyone
(with their times), and a Continue step where the role does not decide."""

import html
import re

import pytest
from markupsafe import escape

from drillhub.audit.service import ANONYMOUS
from drillhub.exercises.service import load
from drillhub.exercises.tables import Run
from drillhub.scenarios import engine
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.loader import scenario_files
from drillhub.scenarios.service import add_upload
from drillhub.settings import PROJECT_ROOT
from tests.support import token_in

SHIPPED = scenario_files(PROJECT_ROOT / "scenarios")
SCENE_TITLE = re.compile(r'<h1 id="scene-title" tabindex="-1">(.*?)</h1>')
FORM = re.compile(r'name="role" value="([^"]+)">.*?</fieldset>', re.S)
CHOICE = re.compile(r'name="choice" value="([^"]+)"')


async def play_alone(client, slug: str, role: str, compiled) -> tuple[list[str], int]:
    """Play to an ending through the pages; returns the scene titles shown, in order, and the run."""
    page = (await client.get("/exercises")).text
    started = await client.post("/exercises/start", data={"scenario": slug, "role": role,
                                                          "_csrf_token": token_in(page)})
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    shown: list[str] = []
    for turn in range(200):
        page = (await client.get(f"/runs/{run_id}")).text
        title = SCENE_TITLE.search(page)
        if title is None:
            assert "See the debrief" in page
            return shown, run_id
        played = await load(run_id)
        node = played.node
        assert html.unescape(title.group(1)) == node.title
        if played.step == len(shown):  # a new scene (playing every role, a scene has a form for each)
            shown.append(node.title)
        assert played.step == len(shown) - 1
        mine = set(compiled.role_ids) if role == "all" else {role}
        for inject in engine.self_paced_injects(compiled, played.state):
            addressed = "all" in inject.to or mine & set(inject.to)
            assert (str(escape(inject.message)) in page) == bool(addressed), (node.id, inject.id, role)
            if addressed:
                assert f"+{inject.at} · " in page
        for role_id, text in node.role_info.items():
            first_words = str(escape(text.split("\n")[0][:30]))
            if role_id in mine:
                assert first_words in page, (node.id, role_id)
        forms = FORM.findall(page)
        token = token_in(page)
        if forms:
            deciding = forms[0]
            form_html = page[page.index(f'name="role" value="{deciding}">'):]
            choices = CHOICE.findall(form_html[:form_html.index("</fieldset>")])
            choice = choices[(played.step + turn) % len(choices)]  # vary the path from role to role
            done = await client.post(f"/runs/{run_id}/decide", data={
                "step": str(played.step), "role": deciding, "choice": choice, "_csrf_token": token})
        else:
            assert "Continue</button>" in page, (node.id, role)
            done = await client.post(f"/runs/{run_id}/continue", data={"step": str(played.step), "_csrf_token": token})
        assert done.status_code == 303
    raise AssertionError("no ending after 200 pages")


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
async def test_every_role_alone_sees_every_scene_on_its_path(path, signed_in_client):
    compiled = check_text(path.read_text(), runs=0).compiled
    version = await add_upload(path.name, path.read_text(), ANONYMOUS)
    officer = await signed_in_client("officer")
    for role in [*compiled.role_ids, "all"]:
        shown, run_id = await play_alone(officer, version.slug, role, compiled)
        played = await load(run_id)
        assert played.run.status == Run.Status.ended and played.state.ended
        on_path = [compiled.nodes[node].title for node in played.state.path if node in compiled.nodes]
        assert shown == on_path, role
