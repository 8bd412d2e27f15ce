"""One bad file per checker rule: each case edits the good fixture and says where the error must point."""

from pathlib import Path

import pytest

from drillhub.scenarios.checker import check_text

GOOD = (Path(__file__).parent / "files" / "bridge.yaml").read_text()


def located(text: str, marker: str, occurrence: int = 1) -> tuple[int, int]:
    """Line and column (1-based) of the `occurrence`-th `marker` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(marker, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def edited(*replacements: tuple[str, str]) -> str:
    text = GOOD
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_fixture_is_clean_apart_from_two_write_only_variables():
    result = check_text(GOOD)
    assert result.ok
    assert [finding.rule for finding in result.findings] == ["unused-variable", "unused-variable"]


CASES = [
    # (rule, edits, message fragment, marker where the error points, which occurrence of it)
    ("schema", [("exercise_type: tabletop", "exercise_type: tabletopp")], "'tabletopp' is not one of", "tabletopp", 1),
    ("schema", [("    briefing: You", "    briefng: You")], "unknown field 'briefng'; did you mean 'briefing'?", "briefng", 1),
    ("schema", [("title: Footbridge collapse at the river festival\n", "")], "'title' is required here", "id: bridge", 1),
    ("schema", [("      choices:\n", "      chioces:\n")], "decision: unknown field 'chioces'; did you mean 'choices'? ('choices' is required here)", "chioces", 1),
    ("schema", [('at: "0:30"', "at: NO")], "'NO' is not valid: use m:ss or h:mm:ss", "NO", 1),
    ("schema", [("  - id: fire\n", "  - id: Fire Chief\n")], "'Fire Chief' is not valid: use lower-case letters, digits and _", "Fire Chief", 1),
    ("schema", [("      mode: lead\n", "      mode: leed\n")], "decision.mode: 'leed' is not one of ['each', 'lead', 'team']", "leed", 1),
    ("schema", [("      prompt: Who takes charge?\n", "      prompt: [Who, takes, charge]\n")], "decision.prompt: expected text, not ['Who', 'takes', 'charge']", "[Who", 1),
    ("schema", [("expected_duration_minutes: 90", "expected_duration_minutes: ninety")], "expected a whole number, not 'ninety'", "ninety", 1),
    ("duplicate-key", [("mode: lead\n", "mode: lead\n      mode: team\n")], "Duplicate key 'mode'", "mode: team", 1),
    ("yaml-comma", [("message: People in the water!,", "message: People in the water, fast!,")], "'fast!' has no value: in a {...} mapping a ',' ends the text before it. Put text that has ': ', ',' or a bracket in it in quotes", ", expected_action", 1),
    ("yaml-syntax", [("message: People in the water!,", "message: Caller: people in the water!,")], "The {...} mapping that begins at line 41, column 9 is not closed with '}', or text inside it has ': ' in it", ": people", 1),
    ("yaml-syntax", [("  - id: patrol\n", "\t- id: patrol\n")], "A tab: indent with spaces only.", "\t", 1),
    ("yaml-syntax", [("    title: Patrol sergeant\n", "   title: Patrol sergeant\n")], "This line is in a list whose items each begin with '- ' in the same column", "title: Patrol", 1),
    ("duplicate-id", [("  - id: late-rescue", "  - id: chaos")], "the id 'chaos' is used more than once", "chaos", 3),
    ("unknown-target", [("next: late-rescue", "next: late-rescu")], "unknown node or ending 'late-rescu' (did you mean 'late-rescue'?)", "late-rescu\n", 1),
    ("unknown-target", [("start: collapse", "start: colapse")], "no node has the id 'colapse'", "colapse", 1),
    ("unknown-role", [("      dispatch: Twelve", "      dispatcher: Twelve")], "unknown role 'dispatcher'", "dispatcher", 1),
    ("unknown-role", [("to: [dispatch], method: phone", "to: [ems], method: phone")], "unknown role 'ems'", "ems]", 1),
    ("unknown-agency-kind", [("    agency_kind: fire\n", "    agency_kind: fier\n")], "unknown kind of organisation 'fier' (did you mean 'fire'?): use one of drillhub's, or declare your own under agency_kinds", "fier", 1),
    ("unknown-agency-kind", [("    agency_kind: dispatch\n", "    agency_kind: port_authority\n")], "unknown kind of organisation 'port_authority'", "port_authority", 1),
    ("agency-kind", [("roles:\n", "agency_kinds:\n  - {id: fire, title: Fire and rescue}\nroles:\n")], "'fire' is already a kind drillhub knows: use it without declaring it", "fire, title", 1),
    ("duplicate-id", [("roles:\n", "agency_kinds:\n  - {id: port_authority, title: Port authority}\n  - {id: port_authority, title: Port}\nroles:\n")], "the id 'port_authority' is used more than once", "port_authority", 2),
    ("unknown-role", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up at the boat ramp.\n    conditional_text:\n      - {when: command_post, text: Radio quiet., to: [ems]}\n")], "unknown role 'ems'", "ems]", 1),
    ("unknown-objective", [("points: {rescue: 2}", "points: {rescues: 2}")], "unknown objective 'rescues'", "rescues", 1),
    ("unknown-capability", [("[Operational Coordination]", "[Operational Coordinaton]")], "did you mean 'Operational Coordination'", "Operational Coordinaton", 1),
    ("unknown-variable", [("effects: {crowd: dispersed}", "effects: {crowds: dispersed}")], "unknown variable 'crowds'", "crowds", 1),
    ("variable", [("initial: 6, min: 0", "initial: 30, min: 0")], "30 is outside 0..20", "30", 1),
    ("variable", [("values: [calm, panicked, dispersed], initial: panicked", "values: [calm, dispersed], initial: panicked")], "'panicked' is not one of its values", "panicked", 1),
    ("condition", [("when: victims_in_water > 3", "when: victim_in_water > 3")], "unknown name 'victim_in_water'", "victim_in_water", 1),
    ("condition", [("when: victims_in_water > 3", "when: 'command_post and victim_in_water > 3'")], "unknown name 'victim_in_water'", "victim_in_water", 1),  # quoted: the column counts the quote
    ("condition", [("when: victims_in_water > 3", "when: victims_in_water > 3 > 1")], "comparisons cannot be chained", "> 1", 1),
    ("condition", [("when: victims_in_water > 3", "when: victims_in_water")], "gives integer, but boolean is needed", "victims_in_water\n", 1),
    ("condition", [("choices.patrol == 'perimeter'", "choices.patrol == 'perimter'")], "choices.patrol is never 'perimter'", "choices.patrol", 1),
    ("condition", [("when: victims_in_water > 3", "when: victims_in_water > 'three'")], "compares an integer with a text", "> 'three'", 1),  # at the operator
    ("condition", [("victims_in_water + 2}", "victims_in_water +}")], "ends too early", "}\n          debrief: Waiting", 1),  # where more was due
    ("unknown-variable", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up at the boat ramp.\n    effects: {comand_post: true}\n")], "unknown variable 'comand_post' (did you mean 'command_post'?)", "comand_post", 1),
    ("effect", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up at the boat ramp.\n    conditional_effects:\n      - {when: crowd == 'calm', effects: {crowd: quiet}}\n")], "'quiet' is not one of crowd's values", "quiet", 1),
    ("condition", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up at the boat ramp.\n    conditional_effects:\n      - {when: crowd > 2, effects: {crowd: calm}}\n")], "compares a text with an integer", "> 2", 1),
    ("effect", [("effects: {crowd: dispersed}", "effects: {crowd: scattered}")], "'scattered' is not one of crowd's values", "scattered", 1),
    ("effect", [("effects: {command_post: true,", "effects: {command_post: 3,")], "command_post is true or false, not 3", "3,", 1),
    ("effect-bounds", [("effects: {victims_in_water: 0}", "effects: {victims_in_water: 25}")], "25 is outside victims_in_water's bounds 0..20", "25", 1),
    ("unreachable", [("          next: late-rescue\n", "          next: poor-ending\n")], "no path from the start leads to this node", "late-rescue", 1),
    ("no-ending", [("    next: poor-ending\n", "    next: late-rescue\n")], "no ending can be reached from this node", "late-rescue", 2),
    ("dead-end", [("    next: poor-ending\n", "")], "neither a decision nor a next step", "id: late-rescue", 1),
    ("unreachable-choice", [("          roles: [fire]\n", "          roles: [fire]\n          when: 'false'\n")], "this choice can never be taken", "'false'", 1),
    ("unreachable-choice", [("        - id: boats-staged\n", "        - id: boats-staged\n          when: victims_in_water > 30\n")], "this choice can never be taken: 'victims_in_water > 30' is never true (victims_in_water is 0..20)", "victims_in_water > 30", 1),
    ("choice-role", [("mode: lead\n      lead: fire\n", "mode: lead\n      lead: fire\n      roles: [fire]\n"), ("label: Keep working separately\n", "label: Keep working separately\n          roles: [patrol]\n")], "the patrol role does not decide here", "patrol]\n          effects: {victims_in_water: victims_in_water + 4}", 1),
    ("no-choice", [("          roles: [dispatch]\n", "          roles: [patrol]\n"), ("      default_choice: wait\n", ""), ('      time_limit: "3:00"\n', ""), ("        - id: wait\n          label: Wait for more information\n", "        - id: wait\n          label: Wait for more information\n          roles: [fire]\n")], "the dispatch role decides here but no choice is open to it", "- id: wait", 1),
    ("default-choice", [("      default_choice: wait\n", "")], "a time limit needs a default_choice", '"3:00"', 1),
    ("default-choice", [("      default_choice: wait\n", "      default_choice: perimeter\n")], "must be open to every deciding role", "perimeter\n", 1),
    ("next", [("        - goto: chaos\n", "        - when: command_post\n          goto: chaos\n")], "the last rule needs no 'when'", "when: command_post", 1),
    ("next", [("mode: lead\n      lead: fire\n", "mode: each\n")], "their choices lead to different places", "each\n", 2),
    ("next", [("          points: {rescue: 1}\n", "          points: {rescue: 1}\n          next: chaos\n")], "this choice's next would be ignored", "chaos\n", 1),
    ("release-when", [("contingency: true}", "contingency: true, when: crowd == 'calm'}")], "when is for scheduled injects", "crowd == 'calm'}", 1),
    ("condition", [("message: Crowd surging to the bank.}", "message: Crowd surging to the bank., when: crowds == 'calm'}")], "unknown name 'crowds'", "crowds", 1),
    ("release-when", [("message: People in the water!,", "message: People in the water!, release_when: command_post,")], "only a contingency inject has a release_when", "command_post, expected_action", 1),
    ("condition", [("contingency: true}", "contingency: true, release_when: crowd > 3}")], "compares a text with an integer", "> 3}", 1),
    ("loop", [("          label: Set up a unified command post\n", "          label: Set up a unified command post\n          when: victims_in_water < 5\n"), ("          label: Keep working separately\n", "          label: Keep working separately\n          when: victims_in_water < 5\n"), ("          next: late-rescue\n  - id: command-post", "          next: late-rescue\n        - id: regroup\n          label: Regroup and look again\n          next: chaos\n  - id: command-post")], "play can be caught here for ever (with command_post = false, crowd = dispersed, victims_in_water = 8): no ending can be reached from here, whatever is decided (proven by a walk through all 12 states", "id: chaos", 1),
    ("simulation", [("contingency: true}", "contingency: true, release_when: 10 / (victims_in_water - 6) > 1}")], "an inject's release_when failed", "id: collapse", 1),
    ("simulation", [("        - id: boats-staged\n", "        - id: boats-staged\n          when: victims_in_water > 3\n")], "in play, no role in the team has a choice available", "id: command-post", 1),
]


@pytest.mark.parametrize(("rule", "edits", "message", "marker", "occurrence"), CASES,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)])
def test_each_rule_reports_what_and_where(rule, edits, message, marker, occurrence):
    text = edited(*edits)
    result = check_text(text)
    matching = [f for f in result.findings if f.rule == rule and message in f.message]
    assert matching, "\n".join(f.format("case.yaml") for f in result.findings)
    assert not result.ok
    assert (matching[0].line, matching[0].column) == located(text, marker, occurrence), matching[0].format("case.yaml")


WARNINGS = [
    ("unscored-objective", [("points: {command: 1}\n", "points: {rescue: 1}\n"), ("points: {command: 1}\n", "points: {rescue: 1}\n")], "no choice scores points toward this objective", "command", 1),
    ("ending-not-reached", [("          when: victims_in_water > 3\n", "          when: victims_in_water > 19\n")], "never reached: no way leads to it (proven by a walk through all", "good-ending", 2),
    ("inject-time", [('at: "2:00", from: Patrol unit 12', 'at: "45:00", from: Patrol unit 12')], "due at 45:00, but the decision's time limit (3:00) ends the scene first: a facilitated run shows it only if the facilitator gives more time", '"45:00"', 1),
    ("inject-time", [("expected_duration_minutes: 90", "expected_duration_minutes: 1")], "due at 2:00, after the exercise's expected duration (1 minute)", '"2:00"', 1),
    ("unreachable-effect", [("          effects: {crowd: dispersed}\n", "          effects: {crowd: dispersed}\n          conditional_effects:\n            - {when: victims_in_water > 99, effects: {crowd: calm}}\n")], "these effects never apply: 'victims_in_water > 99' is never true (victims_in_water is 0..20)", "victims_in_water > 99", 1),
    ("placeholder", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up; {victim_in_water} people still in the river.\n")], "{victim_in_water} is not a variable, so play shows it as written (did you mean 'victims_in_water'?)", "A command post is set up;", 1),
    ("never-released", [("message: Crowd surging to the bank.}", "message: Crowd surging to the bank., when: victims_in_water > 20}")], "this inject is never released: 'victims_in_water > 20' is never true", "victims_in_water > 20}", 1),
    ("never-shown", [("    narrative: A command post is set up at the boat ramp.\n", "    narrative: A command post is set up at the boat ramp.\n    conditional_text:\n      - {when: victims_in_water < 0, text: Nobody left.}\n")], "this text is never shown: 'victims_in_water < 0' is never true", "victims_in_water < 0", 1),
    ("no-debrief", [("          debrief: The water rescue team takes time to assemble; tone it out on the first call.\n", "")], "the expected choice 'tone-out' has no debrief", "id: tone-out", 1),
    ("clamped", [("victims_in_water: victims_in_water + 4}", "victims_in_water: victims_in_water + 40}")], "outside 0..20: play holds it at 20", "id: keep-going", 1),
    ("unreachable-rule", [("        - when: choices.patrol == 'perimeter' and choices.fire == 'throw-lines'\n", "        - when: choices.patrol == 'perimeter' and victims_in_water < 0\n")], "this rule is never used: \"choices.patrol == 'perimeter' and victims_in_water < 0\" is never true (victims_in_water is 0..20)", "choices.patrol == 'perimeter' and victims", 1),
    ("never-released", [("contingency: true}", "contingency: true, release_when: victims_in_water > 20}")], "a stand-in facilitator never releases this inject: 'victims_in_water > 20' is never true (victims_in_water is 0..20)", "victims_in_water > 20", 1),
    ("unreachable-rule", [("        - when: choices.patrol == 'perimeter' and choices.fire == 'throw-lines'\n          goto: command-post\n", "        - goto: command-post\n")], "never used", "goto: chaos", 1),
]


@pytest.mark.parametrize(("rule", "edits", "message", "marker", "occurrence"), WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warnings_do_not_fail_the_check(rule, edits, message, marker, occurrence):
    text = edited(*edits)
    result = check_text(text)
    matching = [f for f in result.findings if f.rule == rule and message in f.message]
    assert matching, "\n".join(f.format("case.yaml") for f in result.findings)
    assert matching[0].severity == "warning" and result.ok
    assert (matching[0].line, matching[0].column) == located(text, marker, occurrence)


def test_an_ending_only_sampled_is_not_said_to_be_unreachable():
    text = edited(("          when: victims_in_water > 3\n", "          when: victims_in_water > 19\n"))
    [finding] = [f for f in check_text(text, max_states=2).findings if f.rule == "ending-not-reached"]
    assert finding.severity == "warning" and "never reached" not in finding.message
    assert "not shown reachable in 100 sampled runs and 1 state (a bounded sample" in finding.message


def test_a_kind_of_organisation_of_the_file_s_own():
    text = edited(("roles:\n", "agency_kinds:\n  - {id: port_authority, title: Port authority}\nroles:\n"),
                  ("    agency_kind: dispatch\n", "    agency_kind: port_authority\n"),
                  ("    agency_kind: fire\n", "    agency_kind: utility\n"))  # one of drillhub's new kinds
    assert check_text(text).ok


def test_a_loop_with_a_way_out_is_no_error():
    text = edited(("          next: late-rescue\n  - id: command-post",
                   "          next: late-rescue\n        - id: regroup\n          label: Regroup and look again\n"
                   "          next: chaos\n  - id: command-post"))
    result = check_text(text)
    assert result.ok and not [f for f in result.findings if f.rule == "loop"]


def test_a_placeholder_reads_its_variable():
    text = edited(("    narrative: A command post is set up at the boat ramp.\n",
                   "    narrative: A command post is set up; the crowd is {crowd}.\n"))
    assert [f.rule for f in check_text(text).findings].count("unused-variable") == 1  # crowd is read now
