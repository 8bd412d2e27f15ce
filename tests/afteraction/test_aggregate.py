"""The report's summaries on small hand-checked fixtures."""

from drillhub.afteraction import aggregate
from drillhub.afteraction.reportdata import Times


def decision(agency, choice, expected, seconds=None):
    return {"agency": agency, "choice": choice, "expected": expected, "seconds": seconds}


DECISIONS = [
    decision("RPD", "perimeter", True, 10), decision("RPD", "perimeter", True, 20),
    decision("RPD", "wait", False, 90), decision("RFD", "perimeter", True, 30),
    decision("RFD", "rescue", False, None), decision("EMS", "rescue", None, 40),  # no expected action defined
]


def test_expected_rate_counts_only_decisions_with_an_expected_action():
    assert aggregate.expected_rate(DECISIONS) == 3 / 5
    assert aggregate.expected_rate([]) is None
    assert aggregate.expected_rate_by_agency(DECISIONS) == {"EMS": None, "RFD": 0.5, "RPD": 2 / 3}


def test_choice_distribution_by_agency():
    assert aggregate.choice_distribution(DECISIONS) == {
        "perimeter": {"RFD": 1, "RPD": 2}, "wait": {"RPD": 1}, "rescue": {"EMS": 1, "RFD": 1}}


def test_decision_times():
    assert aggregate.decision_seconds(DECISIONS) == {"count": 5, "median": 30, "mean": 38, "max": 90}
    assert aggregate.decision_seconds([])["median"] is None


def test_rating_averages_and_distributions():
    statements = {"structured": "Well structured", "realistic": "Realistic"}
    summary = aggregate.rating_summary([{"structured": 5, "realistic": 2}, {"structured": 4}, {"structured": 4}],
                                       statements)
    assert summary == [
        {"key": "structured", "text": "Well structured", "answered": 3, "average": 4.3, "distribution": [0, 0, 0, 2, 1]},
        {"key": "realistic", "text": "Realistic", "answered": 1, "average": 2.0, "distribution": [0, 1, 0, 0, 0]},
    ]
    assert aggregate.rating_summary([], statements)[0]["average"] is None


def test_themes_are_words_that_come_back_across_comments():
    texts = ["Radio interoperability failed twice", "radio channels were jammed", "Staging was clear",
             "More radio training; staging area too small"]
    assert aggregate.themes(texts) == [("radio", 3), ("staging", 2)]
    assert aggregate.themes(["one comment only"]) == []


def test_two_words_that_come_back_together_are_one_theme():
    texts = ["Warm zone not announced", "the warm zone was unclear to EMS", "radio traffic in the warm zone",
             "EMS staged too far"]
    assert aggregate.themes(texts) == [("warm zone", 3), ("EMS", 2)]  # never "warm (3), zone (3)"


def test_the_same_answer_is_counted_once_with_how_often_it_was_given():
    assert aggregate.tally(["Radio discipline", "radio  discipline ", "Fast staging", "", "Radio Discipline"]) == [
        ("Radio discipline", 3), ("Fast staging", 1)]


def test_decisions_and_times_are_said_in_plain_words_even_when_there_are_none():
    decisions_said, times_said = aggregate.decisions_said, aggregate.times_said
    assert decisions_said(0, 0, None) == "No decision was recorded"  # never "0 decisions ...; - were expected"
    assert decisions_said(1, 1, 1.0) == "1 decision was recorded; 100% of the players' own were the expected action"
    assert decisions_said(12, 10, 0.6) == ("12 decisions were recorded (2 not a player's own: defaults on time-out "
                                           "or stand-ins); 60% of the players' own were the expected action")
    assert times_said(Times()) == ""
    assert times_said(Times(count=3, median=65, mean=90, max=220)) == (
        "Median time to decide 1:05, slowest 3:40 (minutes:seconds).")
