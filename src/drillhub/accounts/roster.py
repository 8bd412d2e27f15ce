"""An agency's people from a CSV roster: checked row by row first (a preview), written only when confirmed.
A row whose e-mail address is already known updates that person; new people join as officers. Nobody is
removed: a person missing from a later roster stays as they are."""

import csv
import secrets
from dataclasses import dataclass, field
from io import StringIO

from drillhub import db, parse
from drillhub.accounts.tables import Person
from drillhub.agencies.service import EMAIL_PATTERN
from drillhub.agencies.tables import Agency
from drillhub.audit.service import Actor, record_event
from drillhub.auth.passwords import hash_password
from drillhub.errors import Invalid, NotFound

COLUMNS = {"name": 200, "email": 254, "title": 100, "badge_number": 40}  # and each one's limit
REQUIRED = ("name", "email")
HEADER_NAMES = {"badge": "badge_number", "badge number": "badge_number", "e-mail": "email", "full name": "name",
                "rank": "title"}
MAX_ROWS = 2000


@dataclass
class RosterRow:
    line: int  # the file's line number, as a spreadsheet shows it (the header is line 1)
    values: dict[str, str]
    action: str = ""  # add, update or unchanged
    errors: list[str] = field(default_factory=list)


@dataclass
class Roster:
    agency_name: str
    rows: list[RosterRow]
    problems: list[str]  # about the file as a whole

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)


def read_rows(text: str) -> tuple[list[RosterRow], list[str]]:
    """The roster's rows, each with what is wrong with it on its own, and what is wrong with the file."""
    try:
        return _read_rows(csv.reader(StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:  # an unclosed quote, say, that runs on past the field size limit
        return [], [f"The file is not readable as CSV: {error}. Check its quotes."]


def _read_rows(reader) -> tuple[list[RosterRow], list[str]]:
    header = [HEADER_NAMES.get(name.strip().lower(), name.strip().lower().replace(" ", "_")) for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [f"The first line must name the columns; missing: {', '.join(missing)}. "
                    f"Known columns: {', '.join(COLUMNS)}."]
    rows, seen = [], {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: parse.text(cell).strip() for name, cell in zip(header, cells, strict=False) if name in COLUMNS}
        row = RosterRow(line, {name: values.get(name, "") for name in COLUMNS})
        row.errors += [f"{name.replace('_', ' ')}: {message}" for name, message in
                       parse.too_long({name: (row.values[name], limit) for name, limit in COLUMNS.items()}).items()]
        if not row.values["name"]:
            row.errors.append("name: missing")
        email = row.values["email"] = row.values["email"].lower()
        if not EMAIL_PATTERN.match(email):
            row.errors.append("email: not an e-mail address like name@agency.gov")
        elif email in seen:
            row.errors.append(f"email: also on line {seen[email]}")
        seen.setdefault(email, line)
        rows.append(row)
    if len(rows) > MAX_ROWS:
        return rows[:0], [f"At most {MAX_ROWS:,} people at a time; this file has {len(rows):,}."]
    return rows, [] if rows else ["The file has no one in it below its first line."]


async def preview_roster(agency_id: int, text: str) -> Roster:
    """What importing `text` into the agency would do, row by row; nothing is written."""
    agency = await Agency.select(Agency.name).where((Agency.id == agency_id) & Agency.active.eq(True)).first()
    if agency is None:
        raise NotFound("No such agency.")
    rows, problems = read_rows(text)
    known = {person["email"]: person for person in await Person.select(
        Person.id, Person.email, Person.name, Person.title, Person.badge_number, Person.agency,
        Person.agency.name.as_alias("agency_name")).where(Person.email.is_in([r.values["email"] for r in rows] or [""]))}
    for row in rows:
        person = known.get(row.values["email"])
        if row.errors:
            continue  # what it would do is not known until it is corrected
        if person is None:
            row.action = "add"
        elif person["agency"] != agency_id:
            row.errors.append(f"email: {person['name']} of {person['agency_name']} signs in with it; "
                              "move them between agencies on the People page")
        else:
            same = all(person[name] == row.values[name] for name in ("name", "title", "badge_number"))
            row.action = "unchanged" if same else "update"
    return Roster(agency["name"], rows, problems)


async def import_roster(agency_id: int, text: str, actor: Actor) -> Roster:
    """Write what the preview showed, all or nothing; refused (Invalid) while any row has an error."""
    roster = await preview_roster(agency_id, text)
    if not roster.ready:
        raise Invalid({"roster": "The roster has errors; correct them and check it again."})
    unusable = await hash_password(secrets.token_urlsafe(32))  # no one knows it: an administrator sets one
    try:
        await _write(agency_id, roster, unusable, actor)
    except Exception as error:
        if db.is_unique_violation(error):  # someone added one of these people meanwhile
            raise Invalid({"roster": "Someone added one of these people meanwhile; check the roster again."}) from error
        raise
    return roster


async def _write(agency_id: int, roster: Roster, password_hash: str, actor: Actor) -> None:
    async with db.transaction():
        for row in roster.rows:
            values = {"name": row.values["name"], "title": row.values["title"],
                      "badge_number": row.values["badge_number"]}
            if row.action == "add":
                await Person.insert(Person(email=row.values["email"], agency=agency_id, roles=["officer"],
                                           password_hash=password_hash, **values))
            elif row.action == "update":
                await Person.update(values).where(Person.email == row.values["email"])
        await record_event("people.import", actor, target=f"agency {agency_id}", detail={
            "added": [row.values["email"] for row in roster.rows if row.action == "add"],
            "updated": [row.values["email"] for row in roster.rows if row.action == "update"],
            "unchanged": roster.count("unchanged")})
