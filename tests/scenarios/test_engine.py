from dataclasses import replace
from pathlib import Path

import pytest

from drillhub.scenarios import engine
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.engine import EngineError

GOOD = (Path(__file__).parent / "files" / "bridge.yaml").read_text()


@pytest.fixture(scope="module")
def compiled():
    return check_text(GOOD, runs=0).compiled


def play(compiled, steps):
    """Steps: ("decide", role, choice) | ("confirm", choice) | ("advance",) | ("time_out",)."""
    state = engine.start(compiled)
    for step in steps:
        if step[0] == "decide":
            state = engine.decide(compiled, state, step[1], step[2])
        elif step[0] == "confirm":
            state = engine.confirm(compiled, state, step[1])
        else:
            state = getattr(engine, step[0])(compiled, state)
    return state


EXPECTED_OPENING = [("decide", "patrol", "perimeter"), ("decide", "fire", "throw-lines"),
                    ("decide", "dispatch", "tone-out"), ("advance",)]


def test_start(compiled):
    state = engine.start(compiled)
    assert state.node == "collapse" and state.path == ("collapse",)
    assert state.variables == {"victims_in_water": 6, "command_post": False, "crowd": "panicked"}
    assert state.scores == {"command": 0, "rescue": 0}
    assert engine.waiting_on(compiled, state) == ("patrol", "fire", "dispatch")


def test_each_role_decides_separately_and_rules_combine_them(compiled):
    state = play(compiled, EXPECTED_OPENING)
    assert state.node == "command-post" and state.path == ("collapse", "command-post")
    assert state.variables["crowd"] == "dispersed" and state.variables["victims_in_water"] == 3
    assert state.scores == {"command": 1, "rescue": 3}
    assert [(c.variable, c.before, c.after, c.choice) for c in state.changes] == [
        ("crowd", "panicked", "dispersed", "perimeter"), ("victims_in_water", 6, 3, "throw-lines")]


def test_choices_are_limited_to_roles_and_guards(compiled):
    state = engine.start(compiled)
    assert [c.id for c in engine.available_choices(compiled, state, "patrol")] == ["wait", "perimeter"]
    assert [c.id for c in engine.available_choices(compiled, state, "dispatch")] == ["wait", "tone-out"]
    with pytest.raises(EngineError, match="not offered to the patrol role"):
        engine.decide(compiled, state, "patrol", "throw-lines")
    with pytest.raises(EngineError, match="does not take part"):
        engine.decide(compiled, state, "ems", "wait")


def test_a_role_decides_once_and_advance_waits_for_all(compiled):
    state = play(compiled, [("decide", "patrol", "perimeter")])
    with pytest.raises(EngineError, match="already decided"):
        engine.decide(compiled, state, "patrol", "wait")
    with pytest.raises(EngineError, match="Not every role has decided"):
        engine.advance(compiled, state)
    assert engine.waiting_on(compiled, state) == ("fire", "dispatch")


def test_time_out_gives_the_default_to_whoever_has_not_decided(compiled):
    state = play(compiled, [("decide", "fire", "throw-lines"), ("time_out",)])
    assert state.node == "chaos"  # patrol defaulted to wait, so the perimeter rule did not match
    assert state.variables["victims_in_water"] == 6 - 3 + 2 + 2


def test_lead_decision_only_the_lead_chooses(compiled):
    state = play(compiled, [("decide", "patrol", "wait"), ("decide", "fire", "wait"),
                            ("decide", "dispatch", "wait"), ("advance",)])
    assert state.node == "chaos" and engine.waiting_on(compiled, state) == ("fire",)
    with pytest.raises(EngineError, match="does not take part"):
        engine.decide(compiled, state, "patrol", "set-up-command")
    state = engine.advance(compiled, engine.decide(compiled, state, "fire", "keep-going"))
    assert state.node == "late-rescue"
    state = engine.advance(compiled, state)  # a node without a decision moves on
    assert state.ended and state.node == "poor-ending"
    with pytest.raises(EngineError, match="has ended"):
        engine.advance(compiled, state)


def test_team_votes_can_change_until_confirmed(compiled):
    state = play(compiled, EXPECTED_OPENING)
    state = engine.decide(compiled, state, "patrol", "boats-staged")
    state = engine.decide(compiled, state, "patrol", "boats-staged")  # a vote may be cast again
    assert engine.waiting_on(compiled, state) == ("team",)
    with pytest.raises(EngineError, match="not offered to the team"):
        engine.confirm(compiled, state, "boats-now")  # guarded: victims_in_water is 3
    state = engine.confirm(compiled, state, "boats-staged")
    with pytest.raises(EngineError, match="already confirmed"):
        engine.decide(compiled, state, "fire", "boats-staged")
    state = engine.advance(compiled, state)
    assert state.ended and state.node == "partial-ending" and state.variables["victims_in_water"] == 1


def test_confirm_only_for_team_decisions(compiled):
    with pytest.raises(EngineError, match="Only team decisions"):
        engine.confirm(compiled, engine.start(compiled), "wait")


def test_effects_are_clamped_to_bounds_and_the_wanted_value_kept(compiled):
    state = play(compiled, [("decide", "patrol", "wait"), ("decide", "fire", "wait"),
                            ("decide", "dispatch", "wait"), ("advance",), ("decide", "fire", "keep-going"),
                            ("advance",)])
    assert state.variables["victims_in_water"] == 16
    change = state.changes[0]
    assert (change.before, change.after, change.wanted) == (12, 16, 16)


def test_same_choices_same_run(compiled):
    steps = [*EXPECTED_OPENING, ("decide", "fire", "boats-staged"), ("confirm", "boats-staged"), ("advance",)]
    assert play(compiled, steps) == play(compiled, steps)


def test_injects_due_by_elapsed_time_and_contingencies_held_back(compiled):
    state = engine.start(compiled)
    assert [i.id for i in engine.injects_due(compiled, state, 29)] == []
    assert [i.id for i in engine.injects_due(compiled, state, 30)] == ["first-call"]
    assert [i.id for i in engine.injects_due(compiled, state, 600)] == ["first-call", "radio-check"]  # news-van: contingency


def test_a_scheduled_inject_with_when_goes_out_only_if_it_holds_as_the_scene_begins():
    text = GOOD.replace("message: Crowd surging to the bank.}", "message: Crowd surging to the bank., when: crowd == 'calm'}")
    compiled = check_text(text, runs=0).compiled
    panicked = engine.start(compiled)
    assert [i.id for i in engine.injects_due(compiled, panicked, 600)] == ["first-call"]
    assert [i.id for i in engine.self_paced_injects(compiled, panicked)] == ["first-call"]
    calm = replace(panicked, variables={**panicked.variables, "crowd": "calm"})
    assert [i.id for i in engine.injects_due(compiled, calm, 600)] == ["first-call", "radio-check"]


def test_a_stand_in_facilitator_releases_a_contingency_when_its_condition_holds():
    """Self-paced play: a scene's scheduled injects and the contingencies whose release_when holds as the
    scene begins, in order of time; a contingency without release_when is the facilitator's alone."""
    text = GOOD.replace("contingency: true}", "contingency: true, release_when: victims_in_water > 7}")
    compiled = check_text(text, runs=0).compiled
    calm = engine.start(compiled)
    assert [i.id for i in engine.self_paced_injects(compiled, calm)] == ["first-call", "radio-check"]
    crowded = replace(calm, variables={**calm.variables, "victims_in_water": 8})
    assert [i.id for i in engine.stand_in_releases(compiled, crowded)] == ["news-van"]
    assert [i.id for i in engine.self_paced_injects(compiled, crowded)] == ["first-call", "radio-check", "news-van"]
    plain = check_text(GOOD, runs=0).compiled  # no release_when: never released by a stand-in
    assert engine.stand_in_releases(plain, replace(engine.start(plain), variables=crowded.variables)) == []


TEAM_RULES = GOOD.replace('''          next: good-ending
        - id: boats-staged
          label: Stage the boats and rescue from the bank
          effects: {victims_in_water: victims_in_water / 2}
          next: partial-ending''', '''        - id: boats-staged
          label: Stage the boats and rescue from the bank
          effects: {victims_in_water: victims_in_water / 2}
      next:
        - when: choices.fire == 'boats-now' and choices.patrol == 'boats-now'
          goto: good-ending
        - goto: partial-ending''').replace("          when: victims_in_water > 3\n", "")


def test_a_team_rule_reads_the_confirmed_choice_not_the_votes():
    result = check_text(TEAM_RULES, runs=0)
    assert result.ok, [f.message for f in result.errors]
    compiled = result.compiled
    state = play(compiled, EXPECTED_OPENING)
    state = engine.decide(compiled, state, "patrol", "boats-staged")  # the patrol voted the other way
    state = engine.decide(compiled, state, "fire", "boats-now")
    state = engine.advance(compiled, engine.confirm(compiled, state, "boats-now"))
    assert state.node == "good-ending"  # the team confirmed the launch: every role's choice is the launch
    state = play(compiled, [*EXPECTED_OPENING, ("decide", "patrol", "boats-now"), ("decide", "fire", "boats-now"),
                            ("confirm", "boats-staged"), ("advance",)])
    assert state.node == "partial-ending"  # everyone voted to launch, the confirmation said stage


SHIPPED = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_every_shipped_team_point_follows_its_confirmed_choice(path):
    """At each team decision of a shipped scenario, every role votes for one choice and the team
    confirms another: the run goes where the confirmed choice (through the rules, if any) says."""
    compiled = check_text(path.read_text(), runs=0).compiled
    for node in compiled.scenario.nodes:
        decision = node.decision
        if decision is None or decision.mode != "team":
            continue
        state = engine.RunState(node=node.id, variables={v.id: v.initial for v in compiled.scenario.variables},
                                scores={o: 0 for o in compiled.objective_ids}, path=(node.id,))
        team = [c for c in decision.choices if any(engine._offered(compiled, state, c, role)
                                                   for role in engine.deciding_roles(decision, compiled.role_ids))]
        for confirmed in team:
            voted = next((c for c in team if c.id != confirmed.id), confirmed)
            voting = state
            for role in engine.deciding_roles(decision, compiled.role_ids):
                if engine._offered(compiled, voting, voted, role):
                    voting = engine.decide(compiled, voting, role, voted.id)
            after = engine.advance(compiled, engine.confirm(compiled, voting, confirmed.id))
            alone = engine.advance(compiled, engine.confirm(compiled, state, confirmed.id))
            assert after.node == alone.node, f"{node.id}: votes for {voted.id} changed where {confirmed.id} leads"
            if not decision.next:
                assert after.node == confirmed.next


def test_a_scene_s_entry_effects_and_conditional_effects():
    text = GOOD.replace(
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n",
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n    effects: {victims_in_water: 8}\n",
    ).replace(
        "          effects: {crowd: dispersed}\n",
        "          effects: {crowd: dispersed}\n          conditional_effects:\n"
        "            - {when: victims_in_water > 7, effects: {victims_in_water: victims_in_water - 1}}\n"
        "            - {when: victims_in_water > 100, effects: {crowd: calm}}\n",
    ).replace(
        "    narrative: A command post is set up at the boat ramp.\n",
        "    narrative: A command post is set up at the boat ramp.\n    effects: {command_post: true}\n"
        "    conditional_effects:\n      - {when: crowd == 'dispersed', effects: {victims_in_water: victims_in_water + 10}}\n",
    )
    compiled = check_text(text, runs=0).compiled
    first = engine.start(compiled)
    assert first.variables["victims_in_water"] == 8  # the start scene's entry effect
    assert [(c.variable, c.before, c.after, c.choice) for c in first.changes] == [("victims_in_water", 6, 8, "")]
    state = play(compiled, EXPECTED_OPENING)
    assert state.node == "command-post" and state.variables["command_post"] is True
    assert [(c.variable, c.before, c.after, c.choice) for c in state.changes] == [
        ("crowd", "panicked", "dispersed", "perimeter"),
        ("victims_in_water", 8, 7, "perimeter"),  # 8 > 7: the first conditional effect; not the second
        ("victims_in_water", 7, 4, "throw-lines"),
        ("command_post", False, True, ""),  # entering the scene, after what led there
        ("victims_in_water", 4, 14, ""),  # the crowd was dispersed
    ]


def test_a_variable_s_value_in_a_scene_s_text():
    variables = {"victims": 8, "command_post": True, "crowd": "panicked"}
    assert engine.filled("{victims} in the water; command post: {command_post}; crowd {crowd}; {other} {{x}}",
                         variables) == "8 in the water; command post: yes; crowd panicked; {other} {{x}}"


def test_a_scene_s_text_that_depends_on_state():
    text = GOOD.replace("    role_info:\n      dispatch: Twelve 911 calls in the first minute.\n",
                        "    role_info:\n      dispatch: Twelve 911 calls in the first minute.\n    conditional_text:\n"
                        "      - {when: crowd == 'panicked', text: People push toward the railing.}\n"
                        "      - {when: victims_in_water > 10, text: Dozens in the water., to: [fire]}\n")
    compiled = check_text(text, runs=0).compiled
    state = engine.start(compiled)
    assert [t.text for t in engine.texts_that_hold(compiled, state)] == ["People push toward the railing."]
    many = replace(state, variables={**state.variables, "victims_in_water": 12, "crowd": "calm"})
    assert [(t.text, t.to) for t in engine.texts_that_hold(compiled, many)] == [("Dozens in the water.", ["fire"])]
