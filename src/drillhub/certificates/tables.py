from piccolo.columns import JSON, Date, ForeignKey, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from drillhub.scheduling.tables import Session


class Certificate(Table):
    """Proof that a person completed a session. What it certifies is copied in at issue, so later changes
    to the course or the person do not change a certificate already handed out. Never deleted: a
    revoked certificate says so on its verification page."""

    serial = Varchar(length=24, unique=True)  # DH-2026-000042, printed and quoted
    code = Varchar(length=32, unique=True)  # unguessable: the verification URL's key
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.restrict, index=True)
    session = ForeignKey(references=Session, null=False, on_delete=OnDelete.restrict, index=True)
    holder_name = Varchar(length=200)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.set_null, index=True)  # at issue
    agency_name = Varchar(length=200)
    course_title = Varchar(length=200)
    exercise_type = Varchar(length=40)
    core_capabilities = JSON(default=[])
    credit_hours = Numeric(digits=(5, 2))
    credit_category = Varchar(length=40)
    starts_on = Date()
    ends_on = Date()
    issuer_agency = Varchar(length=200)  # the agency that hosted the training (the venue's owner)
    coordinator_name = Varchar(length=200)
    issued_at = Timestamptz()
    issued_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    expires_on = Date(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    revoke_reason = Text()
    replaces = ForeignKey(references="Certificate", null=True, on_delete=OnDelete.set_null)


class VerificationAttempt(Table):
    """One look-up of a verification code, by client address: the rate limit counts these in the
    database, so every worker process sees the same count."""

    client = Varchar(length=64, index=True)
    at = Timestamptz(index=True)
