"""A large scenario's branch graph stays readable: an overview by phase (or chapter of the file), then
one phase at a time with the scenes outside it that its branches touch."""

import re

import pytest

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios import graph
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.service import add_upload


def large_scenario(scenes: int = 70, phases: dict[int, str] | None = None) -> str:
    """`scenes` scenes in a line, each deciding between the next scene and the one after; `phases` names
    the phase that begins at some scenes (the ones between keep it)."""
    phases = phases or {}
    lines = ["id: big-drill", "title: Big drill", 'version: "1"', "summary: Many scenes.", "exercise_type: tabletop",
             "expected_duration_minutes: 240", "threat_hazard: Flood", "mission_areas: [response]", "authors: [tests]",
             "objectives:", "  - {id: act, description: Act., core_capabilities: [Operational Coordination]}",
             "roles:", "  - {id: patrol, title: Patrol, agency_kind: municipal_police, briefing: Go.}",
             "start: s0", "nodes:"]
    for index in range(scenes):
        after = f"s{index + 1}" if index + 1 < scenes else "home"
        later = f"s{index + 2}" if index + 2 < scenes else "home"
        lines += [f"  - id: s{index}", f"    title: Scene {index}", f"    narrative: Scene {index}."]
        if index in phases:
            lines.append(f"    phase: {phases[index]}")
        lines += ["    decision:", "      prompt: Which way?", "      choices:",
                  f"        - {{id: on, label: On, expected: true, next: {after}, debrief: Go on.}}",
                  f"        - {{id: skip, label: Skip, next: {later}}}"]
    lines += ["endings:", "  - {id: home, title: Home, summary: Done., objectives: {act: met}}"]
    return "\n".join(lines) + "\n"


def compiled(text: str):
    result = check_text(text, play=False)
    assert result.ok, result.errors
    return result.compiled


def test_scenes_are_grouped_by_phase_and_a_scene_without_one_keeps_the_phase_above():
    phased = compiled(large_scenario(70, {0: "Warning", 25: "Impact", 50: "Recovery"}))
    assert [(group.number, group.title, len(group.names)) for group in graph.groups(phased)] == [
        (1, "Warning", 25), (2, "Impact", 25), (3, "Recovery", 20), (4, "Endings", 1)]
    later_first = compiled(large_scenario(70, {10: "Impact"}))  # scenes before the first phase: "Opening"
    assert [group.title for group in graph.groups(later_first)] == ["Opening", "Impact", "Endings"]


def test_a_file_without_phases_is_grouped_in_chapters_of_the_file():
    chapters = graph.groups(compiled(large_scenario(90)))
    assert [(group.title, len(group.names)) for group in chapters] == [
        ("Scenes 1–40", 40), ("Scenes 41–80", 40), ("Scenes 81–90", 10),
        ("Endings", 1)]


def test_the_overview_draws_one_box_per_phase_with_the_branches_between_them_counted():
    big = compiled(large_scenario(70, {0: "Warning", 25: "Impact", 50: "Recovery"}))
    overview = graph.to_svg(big, link="?phase={}#branches")
    assert overview.count("<rect") == 4 and '<a href="?phase=2#branches">' in overview
    # from Warning into Impact: s23 -> s25 (skip), s24 -> s25 (on) and s24 -> s26 (skip)
    assert "<title>1 to 2: 3 branches</title>" in overview and ">3 branches</text>" in overview
    assert "Phases of Big drill: 70 nodes in 3 phases, and 1 endings" in overview
    width, height = map(int, re.search(r'width="(\d+)" height="(\d+)"', overview).groups())
    assert width < 1000 and height < 1000
    assert "<a " not in graph.to_svg(big)  # a downloaded file links nowhere


def test_a_phase_is_drawn_with_the_scenes_outside_it_that_it_touches_dashed():
    big = compiled(large_scenario(70, {0: "Warning", 25: "Impact", 50: "Recovery"}))
    impact = graph.to_svg(big, group=2)
    assert impact.count("<rect") == 25 + 4  # its scenes; s23 and s24 lead in, s50 and s51 are led to
    for outside in ("s23", "s24", "s50", "s51"):
        assert f"<title>{outside}: Scene {outside[1:]} (in " in impact
    assert impact.count("stroke-dasharray") == 4 and "<title>s26: Scene 26</title>" in impact
    assert "s60" not in impact
    with pytest.raises(ValueError, match="no phase numbered 9"):
        graph.to_svg(big, group=9)


def test_a_small_scenario_is_drawn_whole():
    small = compiled(large_scenario(graph.LARGE))
    assert not graph.is_large(small)
    drawn = graph.to_svg(small)
    assert drawn.count("<rect") == graph.LARGE + 1
    assert drawn.count('paint-order="stroke">on</text>') == graph.LARGE - 1  # each branch says what it is
    assert drawn.count('paint-order="stroke">skip</text>') == graph.LARGE - 1
    assert drawn.count('paint-order="stroke">on, skip</text>') == 1  # the last scene's two choices both end it


async def test_the_scenario_page_shows_the_overview_and_the_phase_asked_for(signed_in_client):
    version = await add_upload("big.yaml", large_scenario(70, {0: "Warning", 25: "Impact", 50: "Recovery"}),
                               ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    page = (await coordinator.get(f"/scenarios/versions/{version.id}")).text
    assert 'aria-label="Overview of the phases"' in page and '<a href="?phase=3#branches">' in page
    assert "Branches as a list" not in page  # 210 branches: listed a phase at a time
    impact = (await coordinator.get(f"/scenarios/versions/{version.id}?phase=2")).text
    assert "Phase 2: Impact" in impact and "Branch graph of phase 2" in impact
    assert impact.count('id="graph-title"') == impact.count('id="phase-2-title"') == 1  # two drawings, no id twice
    assert 'role="group" aria-labelledby="graph-title"' in impact  # the overview holds links: not an image
    assert "Branches of phase 2 as a list" in impact and "<code>s30</code> → <code>s31</code>" in impact
    assert "<code>s60</code>" not in impact
    missing = await coordinator.get(f"/scenarios/versions/{version.id}?phase=7")
    assert missing.status_code == 404 and "This scenario has no phase numbered 7: its phases are numbered 1 to 4." \
        in missing.text
    download = await coordinator.get(f"/scenarios/versions/{version.id}/graph?format=svg&phase=2")
    assert download.headers["content-disposition"] == 'attachment; filename="big-drill-phase-2.svg"'
    assert download.text.count("<rect") == 29


def test_the_endings_are_drawn_below_every_phase_even_when_an_early_one_can_end_play():
    text = large_scenario(70, {0: "Warning", 25: "Impact", 50: "Recovery"}).replace(
        "  - id: s5\n", "  - id: s5\n    next: home\n", 1).replace(  # s5 ends play at once
        "  - id: s5\n    next: home\n    title: Scene 5\n    narrative: Scene 5.\n    decision:\n      prompt: Which way?\n"
        "      choices:\n        - {id: on, label: On, expected: true, next: s6, debrief: Go on.}\n"
        "        - {id: skip, label: Skip, next: s7}\n", "  - id: s5\n    next: home\n    title: Scene 5\n"
        "    narrative: Scene 5.\n")
    overview = graph.to_svg(compiled(text), link="?phase={}")
    rows = {name: int(y) for name, y in re.findall(r'href="\?phase=(\d)"><rect x="\d+" y="(\d+)"', overview)}
    assert rows["4"] > rows["3"] > rows["2"] > rows["1"]
    assert "<title>4. Endings: 1 ending; open its drawing</title>" in overview
    assert "30 scenes, s0 to s29" not in overview and "25 scenes, s0 to s24" in overview


def test_a_phase_named_endings_is_a_phase_like_any_other():
    big = compiled(large_scenario(70, {0: "Warning", 60: "Endings"}))
    assert [(group.title, len(group.names), group.endings) for group in graph.groups(big)] == [
        ("Warning", 60, False), ("Endings", 10, False), ("Endings", 1, True)]
    overview = graph.to_svg(big, link="?phase={}")
    assert "<title>2. Endings: 10 scenes, s60 to s69; open its drawing</title>" in overview
    assert "<title>3. Endings: 1 ending; open its drawing</title>" in overview
