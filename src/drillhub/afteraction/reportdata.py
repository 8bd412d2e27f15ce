"""What an After-Action Report shows, as a typed and versioned structure: report.report_data builds it,
the page and the PDF read it, and a final version keeps it (Report.snapshot) as `stored` writes it.

`read` takes any version ever stored. A field added later has a default that says it was not kept
(None, or empty); a change of shape raises VERSION and adds the step from the version before to
UPGRADES, so a final report made today still renders after the code changes."""

from collections.abc import Callable

import msgspec

from drillhub.errors import Conflict

VERSION = 2


class Struct(msgspec.Struct, frozen=True):
    """Fields are given by name; a frozen value: what a final report kept does not change."""
    pass


class Contact(Struct, kw_only=True):
    role: str
    name: str
    title: str = ""
    agency: str = ""
    email: str = ""


class ScenarioPlayed(Struct, kw_only=True):
    title: str
    summary: str = ""
    threat_hazard: str = ""
    mission_areas: list[str] = []
    objectives: list[str] = []


class ObservationNote(Struct, kw_only=True):
    at: str  # ISO, UTC
    by: str
    task: str
    note: str
    kind: str = ""  # strength | improvement | note; "" before evaluators said so (version 1)


class TargetResult(Struct, kw_only=True):
    target: str
    objective: str
    tasks: list[str]
    rating: str  # P, S, M, U or "" (not rated)
    observations: list[ObservationNote]


class CapabilityResult(Struct, kw_only=True):
    capability: str
    rating: str
    targets: list[TargetResult]

    @property
    def objectives(self) -> list[str]:
        """The objectives its targets serve, each once."""
        return list(dict.fromkeys(t.objective for t in self.targets if t.objective))


class AgencyCount(Struct, kw_only=True):
    name: str
    count: int


class Participant(Struct, kw_only=True):
    name: str
    agency: str | None
    role: str
    title: str


class TimelineRow(Struct, kw_only=True):
    run: int
    at: str
    kind: str
    text: str


class Times(Struct, kw_only=True):
    """How long players took to decide, in whole seconds."""

    count: int = 0
    median: int | None = None
    mean: int | None = None
    max: int | None = None


class Choice(Struct, kw_only=True):
    id: str
    label: str
    expected: bool


class DecisionPoint(Struct, kw_only=True):
    key: str  # "<scenario title>/<node id>"
    scenario: str
    title: str
    prompt: str
    choices: list[Choice]
    agencies: list[str]
    distribution: dict[str, dict[str, int]]  # choice id -> agency -> how many chose it
    count: int
    own_count: int | None = None  # None: not kept (version 1)
    expected_rate: float | None
    times: Times


class Statement(Struct, kw_only=True):
    key: str
    text: str
    answered: int
    average: float | None
    distribution: list[int]  # how many answered 1, 2, 3, 4, 5


class FeedbackSummary(Struct, kw_only=True):
    count: int
    statements: list[Statement]
    strengths: list[tuple[str, int]]  # each answer once, with how many gave it
    improvements: list[tuple[str, int]]
    recommended: list[tuple[str, int]]
    comments: list[tuple[str, int]]
    themes: list[tuple[str, int]]


class PlanRow(Struct, kw_only=True):
    """A row of the Improvement Plan."""

    objective: str = ""  # not kept in version 1
    capability: str
    issue: str
    action: str
    element: str
    agency: str
    contact: str
    start_on: str
    due_on: str
    status: str


class PointStats(Struct, kw_only=True):
    """A decision point over the exercises that played it: the players' own decisions only."""

    node: str
    title: str
    decisions: int
    expected_rate: float | None  # None: nobody decided where an expected action was open
    median_seconds: int | None
    slowest_seconds: int | None
    by_agency: dict[str, float | None]
    by_exercise: dict[str, float | None]  # ExerciseStats.key -> expected-action rate there
    changes: dict[str, float | None]  # ExerciseStats.key -> the rate's move from the exercise before that played it


class ExerciseStats(Struct, kw_only=True):
    """One exercise that played the scenario (a session, or a month of self-paced play)."""

    key: str
    label: str
    decisions: int
    expected_rate: float | None
    median_seconds: int | None
    slowest_seconds: int | None
    change: float | None = None  # the rate's move from the exercise before (None: first, or nothing to judge)
    current: bool = False  # the exercise the report is about


class ScenarioTrend(Struct, kw_only=True):
    """How a scenario's decisions went across the exercises that played it, oldest first."""

    scenario: str
    slug: str
    exercises: list[ExerciseStats]
    points: list[PointStats]
    agencies: dict[str, float | None]


class Comparison(Struct, kw_only=True):
    """A decision point tied to a corrective action, in the exercise that found the issue and in the one
    that verifies the fix."""

    title: str
    before: ExerciseStats
    after: ExerciseStats


class Verification(Struct, kw_only=True):
    """A corrective action this exercise was proposed to verify, and what its decision points show."""

    action: str
    capability: str
    issue: str
    agency: str
    status: str
    found_in: str  # the exercise the action came from
    points: list[Comparison]
    said: str  # why there is nothing to compare, when there is not


class ReportData(Struct, kw_only=True):
    version: int = VERSION
    title: str
    exercise_type: str
    starts: str
    ends: str
    time_zone: str
    venue: str
    sponsor: str
    contacts: list[Contact] | None = None  # None: not kept (version 1)
    course_objectives: list[str]
    scenarios: list[ScenarioPlayed]
    mission_areas: list[str]
    core_capabilities: list[str]
    agencies: list[AgencyCount]
    participants: list[Participant]
    capabilities: list[CapabilityResult]
    timeline: list[TimelineRow]
    decision_points: list[DecisionPoint]
    decision_count: int
    own_count: int | None = None  # None: not kept (version 1)
    expected_rate: float | None
    expected_by_agency: dict[str, float | None]
    times: Times
    feedback: FeedbackSummary
    actions: list[PlanRow] = []
    trends: list[ScenarioTrend] = []  # the scenarios played, across the exercises up to this one
    verifications: list[Verification] = []


def _from_version_1(data: dict) -> dict:
    """Version 1 was the unversioned dict of the first reports: the same shape, less what version 2's
    defaults say was not kept (contacts, kinds of observation, own decisions, the plan's objectives)."""
    return {**data, "version": 2}


UPGRADES: dict[int, Callable[[dict], dict]] = {1: _from_version_1}


class UnreadableReport(Conflict):
    """Stored data this drillhub cannot read: the page says so instead of failing."""


def read(stored: dict) -> ReportData:
    """A report's data as any version of drillhub stored it."""
    version = stored.get("version", 1)
    if type(version) is not int or not (version in UPGRADES or version == VERSION):
        raise UnreadableReport(f"This report's data has version {version!r}; this drillhub reads versions 1 to "
                               f"{VERSION}. A newer drillhub stored it, or it was changed by hand.")
    while version < VERSION:
        stored = UPGRADES[version](stored)
        version = stored["version"]
    try:
        return msgspec.convert(stored, ReportData)
    except msgspec.ValidationError as error:
        raise UnreadableReport(f"The report's stored data does not read as version {VERSION}: {error}") from error


def stored(data: ReportData) -> dict:
    """As a final version keeps it: plain JSON, with its version."""
    return msgspec.to_builtins(data)
