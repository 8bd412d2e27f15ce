"""An edited MSEL back into a scenario's injects: the staff's spreadsheet (CSV or the XLSX drillhub gave
them) read row by row, every problem named with its row number, the changes listed for review, and the
YAML rewritten only in the injects blocks of the scenes that change (the rest of the author's file,
comments included, is kept).

Rows are matched by their inject id: a row with a known id changes that inject, a row without one adds
an inject to its scene, and an inject no row names is removed. Decision-point rows are the scenario's
own and are skipped."""

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from typing import get_args

from openpyxl import load_workbook

from drillhub.csvfile import FORMULA_STARTS
from drillhub.scenarios.loader import Document, ScenarioInvalid, parse_yaml
from drillhub.scenarios.model import Clock, DeliveryMethod, Inject, Scenario
from drillhub.scenarios.msel import COLUMNS

CLOCK = re.compile(Clock.__metadata__[0].pattern)
METHODS = get_args(DeliveryMethod)
MAX_ROWS = 5_000
FIELDS = [("time", "at"), ("from", "from"), ("to", "to"), ("method", "method"), ("message", "message"),
          ("expected action", "expected_action"), ("objective", "objective")]


class SheetUnreadable(ValueError):
    pass


def sheet_rows(file_name: str, raw: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX file, every cell as text (header first)."""
    if file_name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(BytesIO(raw), read_only=True, data_only=True).worksheets[0]
            found = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1, max_col=len(COLUMNS)))
        except Exception as error:  # noqa: BLE001 - any damaged workbook: say so, never a 500
            raise SheetUnreadable(f"{file_name} cannot be read as an Excel workbook ({type(error).__name__}).") from None
        for number, row in enumerate(found, start=1):
            if any(isinstance(cell, (datetime.time, datetime.datetime, datetime.timedelta)) for cell in row):
                raise SheetUnreadable(f"Row {number}: Excel holds a time of this row as a time of day, which it "
                                      "reads as hours: format the Time column as Text, and type minutes:seconds.")
        rows = [["" if cell is None else str(cell).strip() for cell in row] for row in found]
    else:
        try:
            rows = [[cell.strip() for cell in row] for row in csv.reader(StringIO(raw.decode("utf-8-sig")))]
        except UnicodeDecodeError:
            raise SheetUnreadable(f"{file_name} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.") from None
        except csv.Error as error:
            raise SheetUnreadable(f"{file_name} cannot be read as CSV ({error}).") from None
    return [row for row in rows[:MAX_ROWS + 1] if any(row)]


@dataclass
class Plan:
    """What the MSEL would change: each node's injects as they would be, and what differs."""

    injects: dict[str, list[dict]] = field(default_factory=dict)  # node id -> injects, as YAML mappings
    changed: set[str] = field(default_factory=set)  # the nodes whose injects differ from the file's
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def as_written(inject: Inject) -> dict:
    """An inject as its MSEL row gives it back (and as the rewritten file writes it)."""
    written = {"id": inject.id, "at": inject.at, "from": inject.from_.strip(), "to": list(inject.to),
               "method": inject.method, "message": inject.message.strip()}
    written |= {key: value.strip() for key, value in (("expected_action", inject.expected_action),
                                                       ("objective", inject.objective or "")) if value.strip()}
    if inject.release_when:
        written["release_when"] = inject.release_when  # not in the MSEL: kept as the file has it
    if inject.contingency:
        written["contingency"] = True
    return written


@dataclass(frozen=True)
class _Names:
    """How a sheet names the scenario's parts: scenes, roles and objectives by title, injects by id."""

    scenes: dict[str, list]
    roles: dict[str, str]
    objectives: dict[str, str]
    known: dict[str, tuple]  # inject id -> (node, inject)

    @classmethod
    def of(cls, scenario: Scenario) -> "_Names":
        scenes: dict[str, list] = {}
        for node in scenario.nodes:
            scenes.setdefault(node.title, []).append(node)
        return cls(scenes, {role.title: role.id for role in scenario.roles} | {r.id: r.id for r in scenario.roles},
                   {o.description: o.id for o in scenario.objectives} | {o.id: o.id for o in scenario.objectives},
                   {inject.id: (node, inject) for node in scenario.nodes for inject in node.injects})


def _text(cell: str) -> str:
    """A cell as the spreadsheet showed it: drillhub's CSV quotes formula-like text with a leading '."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _recipients(cell: str, roles: dict[str, str]) -> list[str | None]:
    if cell.strip().lower() == "everyone":
        return ["all"]
    names = cell.splitlines() if "\n" in cell else [cell] if cell.strip() in roles else cell.split(",")
    return [roles.get(name.strip()) for name in names if name.strip()]


def _read_row(cells: dict[str, str], names: _Names, seen: set[str]) -> tuple[object, dict, list[str]]:
    """A row's scene, its inject as it would be written, and what is wrong with it."""
    errors = []
    inject_id = cells["Inject id"].strip()
    before = names.known.get(inject_id)
    if inject_id and before is None:
        errors.append(f"no inject has the id {inject_id!r}; leave the id empty to add one")
    if inject_id in seen:
        errors.append(f"the inject id {inject_id!r} is on two rows")
    titled = names.scenes.get(cells["Scene"], [])
    node = before[0] if before and before[0].title == cells["Scene"] else titled[0] if len(titled) == 1 else None
    if node is None:
        errors.append(f"several scenes are called {cells['Scene']!r}: give them different titles" if titled
                      else f"no scene is called {cells['Scene']!r}")
    if not CLOCK.match(cells["Time"]):
        errors.append(f"the time {cells['Time']!r} is not m:ss or h:mm:ss")
    to = _recipients(cells["To"], names.roles)
    if not to or None in to:
        errors.append(f"'To' names no role of the scenario ({cells['To']!r}); use role titles, or Everyone")
    method = cells["Method"].strip().lower().replace(" ", "_")
    if method not in METHODS:
        errors.append(f"the method {cells['Method']!r} is not one of {', '.join(m.replace('_', ' ') for m in METHODS)}")
    if not cells["Message"].strip() or not cells["From"].strip():
        errors.append("an inject needs a message and who it is from")
    objective = cells["Objective"].splitlines()[0].strip() if cells["Objective"].strip() else ""
    if objective and objective not in names.objectives:
        errors.append(f"no objective reads {objective!r}")
    written = {"id": inject_id or _new_id(cells["Message"], {*names.known, *seen}), "at": cells["Time"],
               "from": cells["From"].strip(), "to": to, "method": method, "message": cells["Message"].strip()}
    if cells["Expected action"].strip():
        written["expected_action"] = cells["Expected action"].strip()
    if objective in names.objectives:
        written["objective"] = names.objectives[objective]
    if before and before[1].release_when:
        written["release_when"] = before[1].release_when
    if cells["Type"] == "Contingency inject" or (before and before[1].contingency and cells["Type"] != "Inject"):
        written["contingency"] = True
    return node, written, errors


def planned(scenario: Scenario, rows: list[list[str]]) -> Plan:
    """Read the MSEL's rows against the scenario: each row's problems with its row number (the header is
    row 1), or the injects each node would have and what changes."""
    plan = Plan()
    if not rows or [cell.strip() for cell in rows[0][:len(COLUMNS)]] != COLUMNS:
        plan.errors.append(f"Row 1: the columns must be {', '.join(COLUMNS)}, as in the MSEL drillhub exports.")
        return plan
    names = _Names.of(scenario)
    plan.injects = {node.id: [] for node in scenario.nodes}
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(COLUMNS, [_text(cell) for cell in row] + [""] * len(COLUMNS), strict=False))
        if cells["Type"] == "Decision point":
            continue
        node, written, errors = _read_row(cells, names, seen)
        if errors:
            plan.errors += [f"Row {number}: {error}." for error in errors]
            continue
        seen.add(written["id"])
        plan.injects[node.id].append(written)
        before = names.known.get(written["id"])
        if before is None:
            plan.changes.append(f"Row {number}: a new inject {written['id']} in {node.title!r} at {written['at']}.")
        elif said := _differences(as_written(before[1]), written, moved=node is not before[0]):
            plan.changes.append(f"Row {number}: {written['id']}: {said}.")
    plan.changes += [f"{inject_id} ({node.title}, {inject.at}) is removed: no row names it."
                     for inject_id, (node, inject) in names.known.items() if inject_id not in seen]
    by_id = lambda injects: {inject["id"]: inject for inject in injects}  # noqa: E731 - order is the file's own
    plan.changed = {node.id for node in scenario.nodes
                    if by_id(plan.injects[node.id]) != by_id([as_written(inject) for inject in node.injects])}
    return plan


def _new_id(message: str, taken: set[str]) -> str:
    base = "-".join(re.findall(r"[a-z0-9]+", message.lower())[:4])[:40] or "inject"
    base = base if base[0].isalpha() else f"inject-{base}"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def _differences(old: dict, new: dict, moved: bool) -> str:
    said = [f"{label} {', '.join(old[key]) if key == 'to' else old.get(key) or '-'!r} -> "
            f"{', '.join(new[key]) if key == 'to' else new.get(key) or '-'!r}"
            for label, key in FIELDS if old.get(key) != new.get(key)]
    if old.get("contingency") != new.get("contingency"):
        said.append("now a contingency inject" if new.get("contingency") else "now a scheduled inject")
    if moved:
        said.append("moved to another scene")
    return "; ".join(said)


def rewritten(text: str, document: Document, scenario: Scenario, plan: Plan) -> str:
    """The file with the injects blocks of the changed nodes written as the plan has them; a node that had
    none gets one after its narrative. Every other line stays as the author wrote it."""
    if not plan.changed:
        return text
    lines = text.splitlines(keepends=True)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"  # a block may be added after the last line
    starts = sorted(set(document.line_starts()))  # (line, column) of every key and list item

    def next_start(after: int, column: int, inside: set = frozenset()) -> int:
        """The first line after `after` where a key or an item no deeper than `column` begins."""
        return next((line for line, at in starts if line > after and at <= column and (line, at) not in inside),
                    len(lines) + 1)

    def content_end(end: int) -> int:
        """Blank lines and comments just above `end` belong to what follows."""
        while end > 1 and (not lines[end - 2].strip() or lines[end - 2].lstrip().startswith("#")):
            end -= 1
        return end

    edits = []  # (first line, line after, new lines), 1-based, applied from the bottom up
    for index, node in enumerate(scenario.nodes):
        if node.id not in plan.changed:
            continue
        path, data = ("nodes", index), document.data["nodes"][index]
        if "injects" in data:
            first, column = document.position((*path, "injects"), key=True)
            items = {tuple(mark) for mark in document.marks.get(id(data["injects"]), [])}
            end = content_end(next_start(first, column, items))
            lead = lines[first - 1][:column - 1]  # the indent, or "  - " when injects is the node's first key
        else:
            first, column = document.position((*path, "narrative"), key=True)
            first = end = content_end(next_start(first, column))
            lead = " " * (column - 1)
        edits.append((first, end, _block(plan.injects[node.id], lead, " " * (column - 1))))
    for first, end, block in sorted(edits, reverse=True):
        lines[first - 1:end - 1] = block
    return "".join(lines)


def _block(injects: list[dict], lead: str, indent: str) -> list[str]:
    if not injects:
        return []
    return [f"{lead}injects:\n", *(f"{indent}  - {{{', '.join(f'{k}: {_yaml(k, v)}' for k, v in inject.items())}}}\n"
                                   for inject in injects)]


def _yaml(key: str, value) -> str:
    """A value for a {...} mapping: ids and lists as they are, texts as JSON strings (which YAML reads as
    double-quoted text, whatever they hold)."""
    if isinstance(value, list):
        return f"[{', '.join(value)}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if key in ("id", "method", "objective") else json.dumps(value, ensure_ascii=False)


def next_label(label: str) -> str:
    """A label for the version after `label`: '1.1' -> '1.2', '1.0-rc1' -> '1.0-rc2', 'draft' -> 'draft.1'."""
    last = re.search(r"(\d+)(\D*)$", label)
    if last is None:
        return f"{label}.1"[:40]
    return f"{label[:last.start(1)]}{int(last.group(1)) + 1}{last.group(2)}"[:40]


def relabelled(text: str, document: Document, label: str) -> str:
    """The file with its `version:` set to `label`, written where the old one was (a label written over
    several lines is refused). Other lines keep their place, so `document`'s positions still hold."""
    line, column = document.position(("version",))
    lines = text.splitlines(keepends=True)
    ending = "\n" if lines[line - 1].endswith("\n") else ""
    lines[line - 1] = lines[line - 1][:column - 1] + json.dumps(label, ensure_ascii=False) + ending
    written = "".join(lines)
    try:
        if parse_yaml(written).data.get("version") == label:
            return written
    except ScenarioInvalid:
        pass
    raise ValueError("write the file's version on one line, e.g. version: \"1.2\"")

