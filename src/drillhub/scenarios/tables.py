from piccolo.columns import JSON, Bytea, ForeignKey, OnDelete, Text, Timestamptz, Varchar
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


class ScenarioAttachment(Table):
    """A file kept beside a version's YAML (an image, a map, a document), stored with the version so that
    the version never changes when the file on disk does."""

    version = ForeignKey(references=ScenarioVersion, null=False, on_delete=OnDelete.cascade, index=True)
    attachment_id = Varchar(length=64)  # the scenario's id for it
    file = Varchar(length=200)  # its path from the YAML file's folder
    media_type = Varchar(length=40)
    sha256 = Varchar(length=64)
    content = Bytea()
