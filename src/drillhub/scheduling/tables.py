from enum import Enum

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency


class Course(Table):
    title = Varchar(length=200)
    description = Text()
    exercise_type = Varchar(length=20)  # one of HSEEP's seven (scenarios.model.ExerciseType)
    objectives = JSON(default=[])  # list of text
    core_capabilities = JSON(default=[])  # names from reference/core-capabilities.yaml
    credit_hours = Numeric(digits=(5, 2))
    credit_category = Varchar(length=40)  # the state's training-credit category code
    default_capacity = Integer(default=20)
    validity_months = Integer(null=True, default=None)  # recertification period, if any
    scenarios = JSON(default=[])  # slugs of linked library scenarios
    requires_exercise = Boolean(default=False)  # certificates only after finishing a run of the session
    requires_approval = Boolean(default=False)  # an officer's own request waits for a supervisor of their agency
    active = Boolean(default=True)


class Venue(Table):
    name = Varchar(length=200)
    agency = ForeignKey(references=Agency, null=False, on_delete=OnDelete.restrict)  # the owner
    address = Text()
    time_zone = Varchar(length=60, default="America/Chicago")
    capacity = Integer()
    notes = Text()  # parking, access
    active = Boolean(default=True)


class Session(Table):
    """One scheduled run of a course: at a venue or online, from start to end."""

    class Status(str, Enum):
        draft = "draft"
        published = "published"
        cancelled = "cancelled"
        completed = "completed"

    uid = Varchar(length=100, unique=True)  # stable iCalendar UID
    course = ForeignKey(references=Course, null=False, on_delete=OnDelete.restrict)
    venue = ForeignKey(references=Venue, null=True, on_delete=OnDelete.restrict)  # None: online
    meeting_url = Varchar(length=500)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz(index=True)
    time_zone = Varchar(length=60)
    capacity = Integer()
    status = Varchar(length=12, choices=Status, default=Status.draft, index=True)
    sequence = Integer(default=0)  # iCalendar SEQUENCE: raised on every change of time or place
    notes = Text()  # for participants
    coordinator_notes = Text()  # coordinators only
    cancel_reason = Text()
    venue_override_reason = Text()  # why a double booking of the venue was accepted
    created_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


class SessionStaff(Table):
    class Role(str, Enum):
        facilitator = "facilitator"
        evaluator = "evaluator"

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=12, choices=Role)
    lead = Boolean(default=False)  # the lead evaluator, who reconciles the evaluators' ratings


class SeatReservation(Table):
    """Seats held for one agency until `release_at`; after that, unused ones are open to everyone."""

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(references=Agency, null=False, on_delete=OnDelete.cascade)
    seats = Integer()
    release_at = Timestamptz()
    notes = Text()  # private to coordinators and this agency's supervisors
