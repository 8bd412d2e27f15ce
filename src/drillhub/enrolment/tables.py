from enum import Enum

from piccolo.columns import Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.scheduling.tables import Session


class Enrollment(Table):
    class Status(str, Enum):
        requested = "requested"  # asked for themselves; holds a seat until a supervisor approves or refuses
        enrolled = "enrolled"
        waitlisted = "waitlisted"
        withdrawn = "withdrawn"

    class Attendance(str, Enum):
        attended = "attended"
        no_show = "no_show"

    class Reply(str, Enum):  # the attendee's answer to the invitation (iCalendar PARTSTAT)
        needs_action = "NEEDS-ACTION"
        accepted = "ACCEPTED"
        declined = "DECLINED"
        tentative = "TENTATIVE"

    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=12, choices=Status)
    reply = Varchar(length=12, choices=Reply, default=Reply.needs_action)
    attendance = Varchar(length=10, choices=Attendance, null=True, default=None)
    requested_at = Timestamptz()  # waitlist order: first come, first served
    needs_approval = Boolean(default=False)  # their own request on a course that requires approval
    changed_at = Timestamptz()
    changed_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


# Also created by the migration that adds Enrollment (Piccolo has no composite unique constraint).
ENROLLMENT_UNIQUE_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS enrollment_one_per_person ON enrollment (session, person)"
)
