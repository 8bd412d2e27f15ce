"""Evaluation and improvement planning (HSEEP): the hot wash Participant Feedback Form, the Exercise
Evaluation Guide (capability targets, critical tasks, observations, P/S/M/U ratings), the After-Action
Report / Improvement Plan and its corrective actions. The exercise is a scheduled session."""

from enum import Enum

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from drillhub.exercises.tables import Run
from drillhub.scheduling.tables import Session


class Feedback(Table):
    """One Participant Feedback Form per person and exercise, editable until the AAR is final."""

    class ExerciseRole(str, Enum):
        player = "player"
        facilitator = "facilitator"
        observer = "observer"
        evaluator = "evaluator"

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.set_null)  # at the time of writing
    anonymous = Boolean(default=False)  # the name is shown to nobody; kept only for one form per person
    title = Varchar(length=100)
    exercise_role = Varchar(length=12, choices=ExerciseRole)
    strengths = JSON(default=[])  # up to three
    improvements = JSON(default=[])  # areas for improvement, up to three
    missed = Text()  # what the evaluators may have missed
    corrective_actions = JSON(default=[])  # [{"action", "priority": high|medium|low, "owner"}]
    to_review = Text()  # plans, procedures, equipment or training to review
    ratings = JSON(default={})  # statement key -> 1..5 (agreement); unanswered ones left out
    comments = Text()
    submitted_at = Timestamptz()
    updated_at = Timestamptz()


class CapabilityTarget(Table):
    """A line of the exercise's EEG: an objective's core capability, one target, its critical tasks."""

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    objective = Text()
    capability = Varchar(length=100)  # a name from reference/core-capabilities.yaml
    target = Text()
    critical_tasks = JSON(default=[])  # list of text
    position = Integer(default=0)


class Observation(Table):
    """An evaluator's time-stamped note, tied to a target (and task) and, when relevant, to an inject or
    a decision in a run's record; the evaluator says whether it shows a strength or an area for
    improvement (or neither), and the AAR's draft files it so."""

    class Kind(str, Enum):
        strength = "strength"
        improvement = "improvement"  # an area for improvement
        note = "note"  # neither

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    evaluator = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    target = ForeignKey(references=CapabilityTarget, null=True, on_delete=OnDelete.set_null)
    task = Text()  # one of the target's critical tasks, or empty
    run = ForeignKey(references=Run, null=True, on_delete=OnDelete.set_null)
    event_seq = Integer(null=True, default=None)  # the inject or decision in that run's record
    observed_at = Timestamptz()
    note = Text()
    kind = Varchar(length=12, default="")  # a Kind; "" in observations made before kinds were kept
    created_at = Timestamptz()


class Rating(Table):
    """A P/S/M/U rating of a capability target, or of the capability as a whole (no target). Each
    evaluator gives their own; the lead evaluator's reconciled rating is the one the AAR reports."""

    class Value(str, Enum):
        P = "P"  # performed without challenges
        S = "S"  # performed with some challenges
        M = "M"  # performed with major challenges
        U = "U"  # unable to be performed

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    evaluator = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    capability = Varchar(length=100)
    target = ForeignKey(references=CapabilityTarget, null=True, on_delete=OnDelete.cascade)
    value = Varchar(length=1, choices=Value)
    reconciled = Boolean(default=False)
    note = Text()
    rated_at = Timestamptz()


class Report(Table):
    """One version of an exercise's After-Action Report / Improvement Plan. A final version is locked;
    a new version starts as a copy, and the old ones are kept."""

    class Status(str, Enum):
        draft = "draft"
        final = "final"

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    version = Integer()
    status = Varchar(length=8, choices=Status, default=Status.draft)
    handling = Varchar(length=100)
    points_of_contact = Text()
    executive_summary = Text()
    analysis = JSON(default=[])  # per capability: {"capability", "strengths", "improvements", "analysis"}
    snapshot = JSON(default={})  # the recorded data as it was when the version was made final
    created_at = Timestamptz()
    created_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    updated_at = Timestamptz()
    finalized_at = Timestamptz(null=True, default=None)
    finalized_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


class ReportExport(Table):
    """An export of the exercise's data (decisions, injects, observations, feedback) as it was when a
    version of the report became final: that version's own, which later runs do not change."""

    report = ForeignKey(references=Report, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    rows = JSON(default=[])


class CorrectiveAction(Table):
    """A row of the Improvement Plan, tracked to closure by the responsible agency."""

    class Element(str, Enum):  # HSEEP's capability elements
        planning = "planning"
        organization = "organization"
        equipment = "equipment"
        training = "training"
        exercise = "exercise"

    class Status(str, Enum):
        open = "open"
        in_progress = "in_progress"
        completed = "completed"
        cancelled = "cancelled"

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    capability = Varchar(length=100)
    issue = Text()  # the area for improvement
    action = Text()
    element = Varchar(length=12, choices=Element)
    agency = ForeignKey(references=Agency, null=False, on_delete=OnDelete.restrict, index=True)
    contact = Varchar(length=200)  # the organisation's point of contact
    start_on = Date()
    due_on = Date()
    status = Varchar(length=12, choices=Status, default=Status.open, index=True)  # as its last ActionNote says
    follow_up = ForeignKey(references=Session, null=True, on_delete=OnDelete.set_null)  # verifies the fix
    created_at = Timestamptz()
    updated_at = Timestamptz()
    updated_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


class ActionNote(Table):
    """One update of a corrective action, kept: the status from then on and what was said, by whom and
    when (the action's history; nothing is overwritten)."""

    action = ForeignKey(references=CorrectiveAction, null=False, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz()
    author = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    author_name = Varchar(length=200)  # as they were named then
    status = Varchar(length=12, choices=CorrectiveAction.Status)
    text = Text()

