from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class LoginSession(Table):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    flashes = JSON(default=[])


class SignInThrottle(Table):
    """Failed password checks counted under one key: an account (the e-mail address typed) from one
    client, or one client over all accounts. The rules are in auth.service; the rows are in the
    database so that every worker process counts alike."""

    key = Varchar(length=400, unique=True)
    failures = Integer(default=0)
    last_failure_at = Timestamptz(index=True)
    blocked_until = Timestamptz(null=True, default=None)
