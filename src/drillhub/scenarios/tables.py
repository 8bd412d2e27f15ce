from piccolo.columns import JSON, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from drillhub.accounts.tables import Person


class ScenarioVersion(Table):
    """One checked version of a scenario file, kept whole: runs point at the exact text they played.
    The library shows, and new runs play, per scenario the newest published version; an upload is a
    draft until a coordinator publishes it, and older versions stay."""

    slug = Varchar(length=64, index=True)  # the scenario's own id
    version = Varchar(length=40)
    title = Varchar(length=500)
    sha256 = Varchar(length=64, unique=True)
    source_text = Text()
    source_name = Varchar(length=300)  # scenarios/<file>, or "upload: <file>"
    loaded_at = Timestamptz()
    loaded_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    facets = JSON()  # what the library searches and shows without parsing the text again
    warnings = JSON(default=[])
    published_at = Timestamptz(null=True, default=None)  # None: a draft, for coordinators to review
