from enum import Enum

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from drillhub.scenarios.tables import ScenarioVersion
from drillhub.scheduling.tables import Session


class Run(Table):
    """One play of a scenario version: facilitated for a session, or self-paced by one person.
    Its story is its RunEvents; the run row holds only what finds and times it."""

    class Mode(str, Enum):
        facilitated = "facilitated"
        self_paced = "self_paced"

    class Status(str, Enum):
        lobby = "lobby"
        running = "running"
        paused = "paused"
        ended = "ended"

    scenario = ForeignKey(references=ScenarioVersion, null=False, on_delete=OnDelete.restrict)
    session = ForeignKey(references=Session, null=True, on_delete=OnDelete.set_null)
    mode = Varchar(length=12, choices=Mode)
    status = Varchar(length=8, choices=Status, index=True)
    owner = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)  # self-paced player
    facilitator = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    join_code = Varchar(length=12, null=True, default=None, unique=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()  # the time of the last event
    last_seq = Integer(default=0)  # the number of the last event: a reader that has seen it can skip the record
    due_at = Timestamptz(null=True, default=None, index=True)  # when timed work (an inject, a time limit) falls due


class RunParticipant(Table):
    run = ForeignKey(references=Run, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.set_null)  # at the time of joining
    role = Varchar(length=64, null=True, default=None)  # a scenario role id
    joined_at = Timestamptz()


class RunEvent(Table):
    """The append-only record of a run: every decision (who, role, agency, what, why, when), inject,
    variable change and facilitator action. Nothing updates or deletes these rows; a correction is a new
    event. Replaying the engine-facing events rebuilds the run's state exactly."""

    class Kind(str, Enum):
        start = "start"
        decision = "decision"  # a role's choice, or a vote in a team decision
        confirm = "confirm"  # a team decision settled
        advance = "advance"
        timeout = "timeout"  # the time limit ran out: defaults applied, then advance
        change = "change"  # a variable changed (written with the advance or timeout that caused it)
        inject = "inject"  # an inject delivered: on schedule, or released by the facilitator
        join = "join"  # a participant joined with the join code
        assign = "assign"  # the facilitator gave a participant a role (or took it away)
        pause = "pause"
        resume = "resume"
        extend = "extend"  # more time for the current decision
        end = "end"

    run = ForeignKey(references=Run, null=False, on_delete=OnDelete.cascade, index=True)
    seq = Integer()  # 1, 2, 3 ... within the run
    step = Integer()  # how many nodes the run had moved through when this happened
    kind = Varchar(length=10, choices=Kind)
    at = Timestamptz()
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.set_null)
    role = Varchar(length=64)
    node = Varchar(length=64)
    choice = Varchar(length=64)
    rationale = Text()
    shown_at = Timestamptz(null=True, default=None)  # when the decision was put in front of the person
    expected = Boolean(null=True, default=None)  # whether the choice was the expected (doctrinal) action
    data = JSON(default={})


# Also created by the migration that adds RunEvent: the record's order is unique per run.
RUN_EVENT_UNIQUE_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS run_event_seq ON run_event (run, seq)"


class DecisionDraft(Table):
    """What a player has typed as the reason for a decision not yet sent, saved as they type: when the
    time runs out, the default is recorded for their role with it. Gone once the decision is sent."""

    run = ForeignKey(references=Run, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=64)
    step = Integer()
    rationale = Text()
    updated_at = Timestamptz()


class Assignment(Table):
    """A coordinator asks a person to play a scenario alone by a date. Done when that person finishes a
    self-paced run of the scenario after it was assigned."""

    scenario = Varchar(length=64, index=True)  # the library slug: any later version counts
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    due_on = Date()
    note = Text()
    assigned_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    assigned_at = Timestamptz()
