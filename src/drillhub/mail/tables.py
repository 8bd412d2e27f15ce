from enum import Enum

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class OutboxMessage(Table):
    """An e-mail waiting to go out. Written in the same transaction as the change it reports, so a
    message is never lost; a worker sends it, retrying while the mail server is away."""

    class Status(str, Enum):
        pending = "pending"
        sent = "sent"
        failed = "failed"  # gave up after the last retry

    recipient = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    body = Text()
    calendar = Text()  # an iCalendar attachment (text/calendar), or empty
    calendar_method = Varchar(length=10)  # REQUEST or CANCEL
    kind = Varchar(length=30)  # invitation, update, cancellation, withdrawal, promotion, waitlisted, feedback, certificate
    status = Varchar(length=10, choices=Status, default=Status.pending, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    last_error = Text()
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
