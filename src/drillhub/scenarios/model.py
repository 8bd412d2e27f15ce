"""The scenario format: what an author writes in a YAML file, as typed structures.

docs/scenario-format.md explains it; docs/scenario.schema.json is generated from these classes
(`drillhub scenarios schema`), and a test keeps the two in step.
"""

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from drillhub.agencies.tables import Agency

ExerciseType = Literal["seminar", "workshop", "tabletop", "game", "drill", "functional", "full_scale"]
MissionArea = Literal["prevention", "protection", "mitigation", "response", "recovery"]
AGENCY_KINDS = tuple(kind.value for kind in Agency.Kind)  # a role's agency_kind: one of these, or the file's own
DeliveryMethod = Literal[
    "radio", "phone", "email", "in_person", "news_report", "social_media", "text_message", "cad", "other"
]
EXERCISE_TYPE_LABELS = {
    "seminar": "Seminar", "workshop": "Workshop", "tabletop": "Tabletop exercise (TTX)", "game": "Game",
    "drill": "Drill", "functional": "Functional exercise (FE)", "full_scale": "Full-scale exercise (FSE)",
}
DecisionMode = Literal["each", "lead", "team"]
ObjectiveOutcome = Literal["met", "partially_met", "not_met"]

Identifier = Annotated[
    str, Meta(pattern=r"^[a-z][a-z0-9_-]{0,63}$", description="lower-case letters, digits, - and _")
]
# Variables and roles appear in conditions, where '-' means minus: their ids use '_' instead.
Name = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="lower-case letters, digits and _")]
Text = Annotated[str, Meta(min_length=1, max_length=500)]
Markdown = Annotated[str, Meta(max_length=20_000, description="Markdown; HTML is not rendered")]
Clock = Annotated[str, Meta(pattern=r"^(\d{1,2}:)?[0-5]?\d:[0-5]\d$", description="m:ss or h:mm:ss")]
Expression = Annotated[str, Meta(min_length=1, max_length=500, description="a condition, e.g. casualties > 3")]
EffectValue = int | bool | str


class Part(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class Objective(Part, kw_only=True):
    id: Identifier
    description: Text
    core_capabilities: Annotated[list[str], Meta(min_length=1)]


class AgencyKindDeclared(Part, kw_only=True):
    """A kind of organisation the scenario needs beyond drillhub's own (a port authority, a tribal nation)."""

    id: Identifier
    title: Text


class Role(Part, kw_only=True):
    id: Name
    title: Text
    agency_kind: Identifier  # one of AGENCY_KINDS, or of the scenario's agency_kinds
    briefing: Markdown = ""


class Variable(Part, kw_only=True):
    id: Name
    type: Literal["integer", "boolean", "choice"]
    initial: int | bool | str
    min: int | None = None
    max: int | None = None
    values: list[Identifier] = []
    description: str = ""


class Attachment(Part, kw_only=True):
    """A file kept beside the YAML (an image, a map, a document), shown with the scenes and injects that name it."""

    id: Identifier
    file: Annotated[str, Meta(min_length=1, max_length=200, description="its path from the YAML file's folder")]
    title: Text
    alt: Annotated[str, Meta(max_length=1000, description="what an image shows, for those who cannot see it")] = ""


class Inject(Part, kw_only=True):
    id: Identifier
    at: Clock
    from_: Text = msgspec.field(name="from")
    to: Annotated[list[Name], Meta(min_length=1, description="role ids, or all")]
    method: DeliveryMethod
    message: Markdown
    expected_action: str = ""
    objective: Identifier | None = None
    contingency: bool = False
    release_when: Expression | None = None  # a contingency inject: when a stand-in facilitator releases it
    when: Expression | None = None  # a scheduled inject: released only if this holds as the scene begins
    attachments: list[Identifier] = []


class ConditionalEffects(Part, kw_only=True):
    """Effects that apply only when `when` holds (read on the variables as they are at that moment)."""

    when: Expression
    effects: dict[str, EffectValue]


class Choice(Part, kw_only=True):
    id: Identifier
    label: Text
    roles: list[Name] = []
    when: Expression | None = None
    effects: dict[str, EffectValue] = {}
    conditional_effects: list[ConditionalEffects] = []  # after `effects`, in order
    expected: bool = False
    points: dict[str, int] = {}
    debrief: Markdown = ""
    next: Identifier | None = None


class Rule(Part, kw_only=True):
    when: Expression | None = None
    goto: Identifier


class Decision(Part, kw_only=True):
    prompt: Text
    mode: DecisionMode = "each"
    roles: list[Name] = []
    lead: Name | None = None
    time_limit: Clock | None = None
    default_choice: Identifier | None = None
    choices: Annotated[list[Choice], Meta(min_length=1)]
    next: list[Rule] = []


class ConditionalText(Part, kw_only=True):
    """More of a scene's story, read only when `when` holds as the scene begins: to everyone (part of the
    narrative) or to some roles (like their role information)."""

    when: Expression
    text: Markdown
    to: Annotated[list[Name], Meta(min_length=1, description="role ids, or all")] = msgspec.field(
        default_factory=lambda: ["all"])


class Node(Part, kw_only=True):
    id: Identifier
    title: Text
    phase: Text | None = None  # the part of the exercise it belongs to; large graphs are drawn by phase
    narrative: Markdown
    role_info: dict[str, Markdown] = {}
    conditional_text: list[ConditionalText] = []
    injects: list[Inject] = []
    decision: Decision | None = None
    next: Identifier | None = None
    effects: dict[str, EffectValue] = {}  # when play enters this scene (after the decision that led here)
    conditional_effects: list[ConditionalEffects] = []
    attachments: list[Identifier] = []  # shown with the scene, to everyone


class Ending(Part, kw_only=True):
    id: Identifier
    title: Text
    summary: Markdown
    objectives: dict[str, ObjectiveOutcome] = {}


class Scenario(Part, kw_only=True):
    id: Identifier
    title: Text
    version: Annotated[str, Meta(min_length=1, max_length=40)]
    summary: Markdown
    exercise_type: ExerciseType
    expected_duration_minutes: Annotated[int, Meta(ge=1, le=10_080)]
    threat_hazard: Text
    mission_areas: Annotated[list[MissionArea], Meta(min_length=1)]
    objectives: Annotated[list[Objective], Meta(min_length=1)]
    authors: Annotated[list[Text], Meta(min_length=1)]
    handling: Text = "FOR OFFICIAL USE ONLY"
    agency_kinds: list[AgencyKindDeclared] = []
    roles: Annotated[list[Role], Meta(min_length=1)]
    variables: list[Variable] = []
    attachments: list[Attachment] = []
    start: Identifier
    nodes: Annotated[list[Node], Meta(min_length=1)]
    endings: Annotated[list[Ending], Meta(min_length=1)]


def json_schema() -> dict:
    schema = msgspec.json.schema(Scenario)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "drillhub scenario",
        "description": "A branching tabletop scenario. Generated from src/drillhub/scenarios/model.py.",
        **schema,
    }


def clock_seconds(clock: str) -> int:
    """'2:30' -> 150, '1:02:03' -> 3723."""
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds
