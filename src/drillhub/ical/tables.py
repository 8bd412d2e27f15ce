from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency


class CalendarFeed(Table):
    """A private, read-only subscription URL: a person's own trainings, or an agency's.
    Only the SHA-256 of the URL's token is stored; revoking sets revoked_at."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.cascade, index=True)
    created_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
