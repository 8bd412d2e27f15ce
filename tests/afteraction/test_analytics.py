"""Decision analytics across exercises on a fixture small enough to compute by hand."""

from datetime import UTC, datetime
from types import SimpleNamespace

from drillhub.afteraction.analytics import Exercise, compared, exercises_of, tied_points, trend

E1 = Exercise("session-1", "Active threat TTX, 10 Jan 2026", datetime(2026, 1, 10, 14, tzinfo=UTC))
E2 = Exercise("self-paced-2026-02", "Self-paced play, February 2026", datetime(2026, 2, 3, 9, tzinfo=UTC))
E3 = Exercise("session-3", "Active threat TTX, 05 Mar 2026", datetime(2026, 3, 5, 14, tzinfo=UTC))
TITLES = {"bridge": "The bridge gives way", "boats": "Boats or bank"}


def decided(exercise, node, agency, expected, seconds, own=True):
    return {"exercise": exercise.key, "slug": "bridge-collapse", "node": node, "agency": agency, "expected": expected,
            "seconds": seconds, "own": own}


DECISIONS = [
    decided(E1, "bridge", "RPD", True, 30), decided(E1, "bridge", "RFD", False, 90),
    decided(E1, "bridge", "RPD", True, 5, own=False),  # a default on time-out: not counted
    decided(E1, "boats", "RFD", None, 40),  # no expected action at this point: timed, never judged
    decided(E1, "gone", "RFD", False, 400),  # a point the scenario no longer has: in no figure
    decided(E2, "bridge", "RPD", True, 20), decided(E2, "boats", "RPD", None, 10),
    decided(E3, "bridge", "RPD", True, 10), decided(E3, "bridge", "RFD", True, 50), decided(E3, "boats", "RFD", None, 60),
]


def test_each_decision_point_across_exercises():
    found = trend("Footbridge", "footbridge", DECISIONS, [E1, E2, E3], TITLES, current=E3.key)
    bridge, boats = found.points
    assert (bridge.decisions, bridge.expected_rate, bridge.median_seconds, bridge.slowest_seconds) == (5, 0.8, 30, 90)
    assert bridge.by_agency == {"RFD": 0.5, "RPD": 1.0}
    assert bridge.by_exercise == {E1.key: 0.5, E2.key: 1.0, E3.key: 1.0}
    assert bridge.changes == {E2.key: 0.5, E3.key: 0.0}  # from the exercise before that played the point
    assert (boats.decisions, boats.expected_rate, boats.median_seconds, boats.slowest_seconds) == (3, None, 40, 60)
    assert boats.by_exercise == {E1.key: None, E2.key: None, E3.key: None}
    assert boats.changes == {E2.key: None, E3.key: None}


def test_the_exercises_in_order_and_the_organisations():
    found = trend("Footbridge", "footbridge", DECISIONS, [E1, E2, E3], TITLES, current=E3.key)
    assert [(e.key, e.decisions, e.expected_rate, e.median_seconds, e.slowest_seconds, e.change, e.current)
            for e in found.exercises] == [(E1.key, 3, 0.5, 40, 90, None, False), (E2.key, 2, 1.0, 15, 20, 0.5, False),
                                          (E3.key, 3, 1.0, 50, 60, 0.0, True)]
    assert found.agencies == {"RFD": 0.5, "RPD": 1.0}


def test_an_exercise_with_no_decision_of_its_own_is_left_out():
    only_defaults = [decided(E2, "bridge", "RPD", True, 5, own=False)]
    found = trend("Footbridge", "footbridge", only_defaults, [E1, E2], TITLES)
    assert found.exercises == [] and found.points == [] and found.agencies == {}


ACTION = {"action": "Announce the warm zone", "capability": "Operational Coordination", "issue": "No one announced it",
          "agency": "RPD", "status": "completed"}


def test_a_corrective_action_before_and_after():
    before = [d for d in DECISIONS if d["exercise"] == E1.key]
    after = [d for d in DECISIONS if d["exercise"] == E3.key]
    verified = compared(ACTION, {("bridge-collapse", "bridge"): TITLES["bridge"]}, E1, before, E3, after)
    [point] = verified.points
    assert (point.before.decisions, point.before.expected_rate, point.before.median_seconds,
            point.before.slowest_seconds) == (2, 0.5, 60, 90)
    assert (point.after.decisions, point.after.expected_rate, point.after.median_seconds,
            point.after.slowest_seconds, point.after.change) == (2, 1.0, 30, 50, 0.5)
    assert verified.found_in == E1.label and verified.said == ""


def test_a_corrective_action_with_nothing_to_compare_says_why():
    before = [d for d in DECISIONS if d["exercise"] == E1.key]
    untied = compared(ACTION, {}, E1, before, E3, [])
    assert untied.points == [] and untied.said == ("No decision point of the scenario scores an objective of "
                                                   "Operational Coordination.")
    undecided = compared(ACTION, {("bridge-collapse", "unplayed"): "Unplayed"}, E1, before, E3, [])
    assert undecided.points == [] and undecided.said.startswith("None of the decision points tied to this action")


def test_what_each_run_counts_toward():
    def run(id, mode, created, session=None, starts=None, course="Active threat TTX"):
        return {"id": id, "mode": mode, "session": session, "created_at": created, "starts_at": starts,
                "time_zone": "America/Chicago", "course": course}

    at = lambda day, hour=12: datetime(2026, 1, day, hour, tzinfo=UTC)  # noqa: E731
    runs = [run(1, "facilitated", at(20), session=7, starts=at(20, 15)),
            run(2, "facilitated", at(20), session=8, starts=at(20, 14), course="Another TTX"),
            run(3, "self_paced", at(25)), run(4, "self_paced", at(5)),
            run(5, "facilitated", at(2))]  # its session was deleted
    found = exercises_of(runs)
    assert found[3] == found[4] == Exercise("self-paced-2026-01", "Self-paced play, January 2026", at(5))
    assert found[1] == Exercise("session-7", "Active threat TTX, 20 Jan 2026", at(20, 15))  # the local date
    assert found[5].key == "run-5" and "no longer scheduled" in found[5].label
    in_order = sorted(set(found.values()), key=lambda e: (e.began, e.label))
    assert [e.key for e in in_order] == ["run-5", "self-paced-2026-01", "session-8", "session-7"]


def test_the_decision_points_tied_to_a_capability_are_those_scoring_its_objectives():
    def node(id, points):
        choices = [SimpleNamespace(points=p) for p in points]
        return SimpleNamespace(id=id, title=id.title(), decision=SimpleNamespace(choices=choices) if points else None)

    scenario = SimpleNamespace(
        id="bridge-collapse",
        objectives=[SimpleNamespace(id="command", core_capabilities=["Operational Coordination"]),
                    SimpleNamespace(id="rescue", core_capabilities=["Mass Search and Rescue Operations"])],
        nodes=[node("bridge", [{"command": 2}, {}]), node("boats", [{"rescue": 1}]), node("story", [])])
    assert tied_points(scenario, "Operational Coordination") == {("bridge-collapse", "bridge"): "Bridge"}
    assert tied_points(scenario, "Planning") == {}
