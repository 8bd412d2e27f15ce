"""Pure summaries for the After-Action Report: choice distributions, expected-action rates, decision
times, feedback rating averages and comment themes, and how the report words them. Inputs are plain
rows; outputs are plain values (report.py and analytics.py put them in the report's typed data)."""

import re
from collections import Counter
from statistics import mean, median

from drillhub.afteraction.reportdata import Contact, Times
from drillhub.durations import minutes_seconds

# Words too common to be a theme of the comments.
STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here
him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
out over own same she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would
you your yours us get got more much many well too really very need needs needed better good great
""".split())
THEMES_SHOWN = 8


def expected_rate(decisions: list[dict]) -> float | None:
    """The share of decisions that were the expected action; None when there were none."""
    counted = [d for d in decisions if d["expected"] is not None]
    return sum(1 for d in counted if d["expected"]) / len(counted) if counted else None


def expected_rate_by_agency(decisions: list[dict]) -> dict[str, float | None]:
    by_agency = grouped(decisions, "agency")
    return {agency: expected_rate(by_agency[agency]) for agency in sorted(by_agency)}


def grouped(rows: list[dict], key: str) -> dict:
    """The rows by their value of `key`, in the order first seen."""
    found: dict = {}
    for row in rows:
        found.setdefault(row[key], []).append(row)
    return found


def decisions_said(count: int, own: int | None, rate: float | None) -> str:
    """'12 decisions were recorded (2 not a player's own: ...); 60% of the players' own were the expected
    action', for the whole exercise or one decision point; 'No decision was recorded' when there was none.
    `own` is None in reports made before it was kept."""
    if count == 0:
        return "No decision was recorded"
    others = count - own if own is not None else 0
    said = (f"{count} decisions were recorded" if count > 1 else "1 decision was recorded") + (
        f" ({others} not a player's own: defaults on time-out or stand-ins)" if others else "")
    return said + (f"; {rate:.0%} of the players' own were the expected action" if rate is not None else "")


def times_said(times: Times) -> str:
    """'Median time to decide 1:05, slowest 3:40 (minutes:seconds).', or nothing when nobody was timed."""
    if times.median is None or times.max is None:
        return ""
    return (f"Median time to decide {minutes_seconds(times.median)}, slowest {minutes_seconds(times.max)} "
            "(minutes:seconds).")


def percent(rate: float | None) -> str:
    """0.5 -> '50%'; None (nothing to judge) -> '–'."""
    return "–" if rate is None else f"{rate:.0%}"


def change_said(moved: float | None) -> str:
    """How a rate moved, in percentage points: '+25 points', '-10 points', '0 points'; '–' for nothing
    to compare."""
    if moved is None:
        return "–"
    points = round(moved * 100)
    return f"{'+' if points > 0 else ''}{points} points"



def contacts_said(contacts: list[Contact]) -> str:
    """'Lead evaluator: Owen Pryor, Captain, Riverton Fire Department, evaluator@...' one per line."""
    return "\n".join(f"{c.role}: " + ", ".join(part for part in (c.name, c.title, c.agency, c.email) if part)
                     for c in contacts)


def choice_distribution(decisions: list[dict]) -> dict[str, dict[str, int]]:
    """choice id -> agency name -> how many chose it."""
    found: dict[str, Counter] = {}
    for decision in decisions:
        found.setdefault(decision["choice"], Counter())[decision["agency"]] += 1
    return {choice: dict(sorted(counts.items())) for choice, counts in found.items()}


def decision_seconds(decisions: list[dict]) -> dict:
    """How long people took: count, median, mean and slowest, in whole seconds."""
    seconds = [d["seconds"] for d in decisions if d["seconds"] is not None]
    if not seconds:
        return {"count": 0, "median": None, "mean": None, "max": None}
    return {"count": len(seconds), "median": round(median(seconds)), "mean": round(mean(seconds)), "max": max(seconds)}


def rating_summary(ratings: list[dict[str, int]], statements: dict[str, str]) -> list[dict]:
    """Per statement: how many answered, the average (one decimal), and the count of each answer 1-5."""
    summary = []
    for key, text in statements.items():
        answers = [r[key] for r in ratings if key in r]
        summary.append({
            "key": key, "text": text, "answered": len(answers),
            "average": round(mean(answers), 1) if answers else None,
            "distribution": [answers.count(value) for value in range(1, 6)],
        })
    return summary


def tally(texts: list[str]) -> list[tuple[str, int]]:
    """Each answer once (case and spacing ignored, first spelling kept) with how often it was given,
    the most frequent first."""
    counts: Counter = Counter()
    spelling: dict[str, str] = {}
    for text in texts:
        key = " ".join(text.lower().split())
        if key:
            spelling.setdefault(key, text.strip())
            counts[key] += 1
    return [(spelling[key], n) for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def themes(texts: list[str], shown: int = THEMES_SHOWN) -> list[tuple[str, int]]:
    """The phrases that come back most across comments (each counted once per comment), if any comes back
    at all: two words that come back together are one theme ("warm zone (2)", not "warm (2), zone (2)"),
    then single words. A first pointer for the analyst, not a verdict."""
    pairs: Counter = Counter()
    words: Counter = Counter()
    spelling: dict[str, str] = {}  # as first written: "EMS" stays EMS
    for text in texts:
        tokens = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
        keys = [token.lower() for token in tokens]
        kept = [len(key) > 2 and key not in STOPWORDS for key in keys]
        for token, key, keep in zip(tokens, keys, kept, strict=True):
            if keep:
                spelling.setdefault(key, token if token.isupper() else key)
        words.update({key for key, keep in zip(keys, kept, strict=True) if keep})
        pairs.update({f"{keys[i]} {keys[i + 1]}" for i in range(len(keys) - 1) if kept[i] and kept[i + 1]})
    found = [(pair, n) for pair, n in pairs.items() if n > 1]
    in_pairs = Counter(word for pair, n in found for word in pair.split() for _ in range(n))
    found += [(word, n) for word, n in words.items() if n > 1 and n > in_pairs[word]]
    said = [(" ".join(spelling[word] for word in theme.split()), n) for theme, n in found]
    return sorted(said, key=lambda theme: (-theme[1], theme[0].lower()))[:shown]
