from enum import Enum

from piccolo.columns import JSON, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class AuditEvent(Table):
    """Append-only: nothing in drillhub updates or deletes these rows."""

    class Outcome(str, Enum):
        success = "success"
        failure = "failure"
        denied = "denied"

    at = Timestamptz(index=True)
    actor = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    actor_label = Varchar(length=254)  # who it was at the time, or the e-mail address tried
    action = Varchar(length=60, index=True)
    target = Varchar(length=300)
    outcome = Varchar(length=10, choices=Outcome)
    client = Varchar(length=64)
    detail = JSON(default={})
