"""Every shipped scenario, and one written from docs/scenario-format.md alone, played alone through the
pages as each of its roles: every scene on the path is shown, in order, with its narrative's title, the
injects addressed to that role or to everyone (with their times), and a Continue step where the role does
not decide. The scenario written from the docs is also played live, as its file reads."""

import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.exercises.service import load
from drillhub.exercises.tables import Run
from drillhub.scenarios import engine
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.loader import scenario_files
from drillhub.scenarios.service import add_upload
from tests.support import files_beside
from drillhub.settings import PROJECT_ROOT
from tests.support import token_in

SHIPPED = scenario_files(PROJECT_ROOT / "scenarios")
FROM_THE_DOCS = Path(__file__).parent.parent / "scenarios" / "files" / "harbour.yaml"
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
            assert (first_words in page) == (role_id in mine), (node.id, role_id)  # theirs, and nobody else's
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
@pytest.mark.parametrize("path", [*SHIPPED, FROM_THE_DOCS], ids=[path.stem for path in [*SHIPPED, FROM_THE_DOCS]])
async def test_every_role_alone_sees_every_scene_on_its_path(path, signed_in_client):
    compiled = check_text(path.read_text(), runs=0).compiled
    version = await add_upload(path.name, path.read_text(), ANONYMOUS, files=files_beside(path))
    officer = await signed_in_client("officer")
    for role in [*compiled.role_ids, "all"]:
        shown, run_id = await play_alone(officer, version.slug, role, compiled)
        played = await load(run_id)
        assert played.run.status == Run.Status.ended and played.state.ended
        on_path = [compiled.nodes[node].title for node in played.state.path if node in compiled.nodes]
        assert shown == on_path, role


async def test_the_scenario_written_from_the_docs_plays_as_it_reads_alone(signed_in_client):
    """The contingency with release_when reaches a player alone only when its condition holds; the one
    without never does; a scene the role does not decide in is read and continued."""
    await add_upload(FROM_THE_DOCS.name, FROM_THE_DOCS.read_text(), ANONYMOUS)
    officer = await signed_in_client("officer")
    for first_choice, sheen in (("watch", True), ("close-road", False)):
        page = (await officer.get("/exercises")).text
        started = await officer.post("/exercises/start", data={"scenario": "harbour-fuel-spill", "role": "deputy",
                                                                "_csrf_token": token_in(page)})
        run_id = int(started.headers["location"].rsplit("/", 1)[1])
        page = (await officer.get(f"/runs/{run_id}")).text
        assert "You patrol the harbour road" in page and "The driver is out of the cab" in page
        assert "+0:20 · phone from Driver" in page and "+1:00 · radio from County dispatch" in page
        await officer.post(f"/runs/{run_id}/decide", data={"step": "0", "role": "deputy", "choice": first_choice,
                                                           "_csrf_token": token_in(page)})
        page = (await officer.get(f"/runs/{run_id}")).text
        assert "Fuel in the drains" in page and "The drain outfall is at pontoon C" not in page  # hazmat's
        assert ("A sheen is spreading past pontoon C." in page) is sheen  # 1,000 litres after watching, else 400
        assert "A crew is filming" not in page  # no release_when: a facilitator's call only
        await officer.post(f"/runs/{run_id}/decide", data={"step": "1", "role": "deputy", "choice": "boom-outfall",
                                                           "_csrf_token": token_in(page)})
        page = (await officer.get(f"/runs/{run_id}")).text
        assert "Warning the marina" in page and "Your role does not decide in this scene" in page
        await officer.post(f"/runs/{run_id}/continue", data={"step": "2", "_csrf_token": token_in(page)})
        page = (await officer.get(f"/runs/{run_id}")).text
        assert "Contained at the outfall" in page
        assert "Emergency manager chose <strong>Deputies go boat to boat" in page  # the stand-in, by label


async def test_the_scenario_written_from_the_docs_plays_as_it_reads_live(make_session, make_person, make_agency):
    from drillhub.enrolment.service import enrol_people
    from drillhub.exercises.debrief import debrief
    from drillhub.exercises.service import decide
    from drillhub.facilitation.service import assign, confirm_as_lead, facilitator_action, join, open_run, start
    from drillhub.facilitation.views import projector_timeline

    await add_upload(FROM_THE_DOCS.name, FROM_THE_DOCS.read_text(), ANONYMOUS)
    session = await make_session()
    facilitator = await make_person(roles=("facilitator",))
    players = {role: await make_person(agency=await make_agency()) for role in ("deputy", "hazmat", "em")}
    await enrol_people(session.id, [p.id for p in players.values()], ANONYMOUS)
    as_facilitator = Actor(facilitator.id, facilitator.email)
    run = await open_run(session.id, "harbour-fuel-spill", as_facilitator)
    for role, person in players.items():
        await join(run.join_code, person.id)
        await assign(run.id, person.id, role, as_facilitator)
    await start(run.id, as_facilitator)
    deputy, hazmat, em = (players[r] for r in ("deputy", "hazmat", "em"))
    await decide(run.id, 0, "deputy", "watch", "", deputy.id, Actor(deputy.id, deputy.email))
    await facilitator_action(run.id, "advance", as_facilitator, step=0)
    await facilitator_action(run.id, "release", as_facilitator, inject_id="tv-crew")  # by hand: no release_when
    await decide(run.id, 1, "hazmat", "boom-outfall", "Booms on the trailer", hazmat.id, Actor(hazmat.id, hazmat.email))
    await decide(run.id, 1, "deputy", "evacuate-marina", "", deputy.id, Actor(deputy.id, deputy.email))
    await confirm_as_lead(run.id, 1, "boom-outfall", em.id, Actor(em.id, em.email))
    await facilitator_action(run.id, "advance", as_facilitator, step=1)
    played = await load(run.id)
    assert played.state.node == "warned"  # the rule read the team's confirmed choice (boomed), not the votes
    assert [text for _, text in projector_timeline(played)] == [
        "Scene: The tanker overturns", "Scene: Fuel in the drains", "The team's choice: Boom the outfall at pontoon C",
        "Scene: Warning the marina"]  # the TV crew inject went to the emergency manager alone
    await decide(run.id, 2, "em", "door-to-door", "", em.id, Actor(em.id, em.email))
    await facilitator_action(run.id, "advance", as_facilitator, step=2)
    report = await debrief(run.id, deputy.id)
    assert report.ending_title == "Contained at the outfall"
    # contain: the deputy watched (0 of 1), the team boomed the outfall (2 of 2) -> 2 of 3; warn: 2 of 2
    assert [(o.points, o.possible, o.outcome) for o in report.objectives] == [(2, 3, "partially met"), (2, 3, "partially met")]
