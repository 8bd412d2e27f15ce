from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class XapiStatement(Table):
    """An xAPI statement of something drillhub recorded, waiting for (or sent to) the learning record store.
    Written in the same transaction as what it records; its id is fixed then, so sending it again (a retry,
    a replay) never makes a second statement in the LRS."""

    class Status(str, Enum):
        pending = "pending"  # to send (kept, and downloadable, when no LRS is configured)
        sent = "sent"
        failed = "failed"  # the LRS refused it, or gave up after the last retry

    statement_id = Varchar(length=36, unique=True)
    verb = Varchar(length=40, index=True)  # the verb's short name: answered, experienced, completed, ...
    subject = Varchar(length=80, index=True)  # what a statement that may be voided is about: certificate/12
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)
    statement = JSON()
    stored_at = Timestamptz(index=True)
    status = Varchar(length=10, choices=Status, default=Status.pending, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    last_error = Text()
    sent_at = Timestamptz(null=True, default=None)
