from piccolo.columns import JSON, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class LoginSession(Table):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    flashes = JSON(default=[])
