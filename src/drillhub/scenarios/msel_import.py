"""An edited MSEL back into a scenario's injects: the staff's spreadsheet (CSV or the XLSX drillhub gave
them) read row by row, every problem named with its row number, the changes listed for review, and the
YAML rewritten only where injects stand (the rest of the author's file, comments included, is kept).

Rows are matched by their inject id: a row with a known id changes that inject, a row without one adds
an inject to its scene, and an inject no row names is removed. Decision-point rows are the scenario's
own and are read only to be skipped."""

import csv
import json
import re
from dataclasses import dataclass, field
from io import BytesIO, StringIO

from openpyxl import load_workbook

from drillhub.scenarios.loader import Document
from drillhub.scenarios.model import Inject, Scenario
from drillhub.scenarios.msel import COLUMNS

CLOCK = re.compile(r"^(\d{1,2}:)?[0-5]?\d:[0-5]\d$")
METHODS = ("radio", "phone", "email", "in_person", "news_report", "social_media", "text_message", "cad", "other")
MAX_ROWS = 5_000


class SheetUnreadable(ValueError):
    pass


def sheet_rows(file_name: str, raw: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX file, every cell as text (header first)."""
    if file_name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(BytesIO(raw), read_only=True, data_only=True).worksheets[0]
            rows = [["" if cell is None else str(cell).strip() for cell in row]
                    for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
        except Exception as error:  # noqa: BLE001 - any damaged workbook: say so, never a 500
            raise SheetUnreadable(f"{file_name} cannot be read as an Excel workbook ({type(error).__name__}).") from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SheetUnreadable(f"{file_name} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.") from None
        rows = [[cell.strip() for cell in row] for row in csv.reader(StringIO(text))][:MAX_ROWS + 1]
    return [row for row in rows if any(row)]


@dataclass
class Plan:
    """What the MSEL would change: each node's injects as they would be, and what differs."""

    injects: dict[str, list[dict]] = field(default_factory=dict)  # node id -> injects, as YAML mappings
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(cell: str) -> str:
    """A cell as the spreadsheet showed it: drillhub's CSV quotes formula-like text with a leading '."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@") else cell


def planned(scenario: Scenario, rows: list[list[str]]) -> Plan:
    """Read the MSEL's rows against the scenario: each row's problems with its row number (the header is
    row 1), or the injects each node would have."""
    plan = Plan()
    if not rows or [cell.strip() for cell in rows[0][:len(COLUMNS)]] != COLUMNS:
        plan.errors.append(f"Row 1: the columns must be {', '.join(COLUMNS)}, as in the MSEL drillhub exports.")
        return plan
    if len(rows) > MAX_ROWS + 1:
        plan.errors.append(f"The MSEL has more than {MAX_ROWS} rows.")
        return plan
    scenes = {node.title: node for node in scenario.nodes}
    roles = {role.title: role.id for role in scenario.roles} | {role.id: role.id for role in scenario.roles}
    objectives = {o.description: o.id for o in scenario.objectives} | {o.id: o.id for o in scenario.objectives}
    known = {inject.id: (node, inject) for node in scenario.nodes for inject in node.injects}
    plan.injects = {node.id: [] for node in scenario.nodes}
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(COLUMNS, [_text(cell) for cell in row] + [""] * len(COLUMNS), strict=False))
        if cells["Type"] == "Decision point":
            continue
        errors = []
        node = scenes.get(cells["Scene"])
        if node is None:
            errors.append(f"no scene is called {cells['Scene']!r}")
        if not CLOCK.match(cells["Time"]):
            errors.append(f"the time {cells['Time']!r} is not m:ss or h:mm:ss")
        recipients = [name.strip() for name in cells["To"].split(",") if name.strip()]
        to = ["all"] if cells["To"].strip().lower() == "everyone" else [roles.get(name) for name in recipients]
        if not to or None in to:
            errors.append(f"'To' names no role of the scenario ({cells['To']!r}); use role titles, or Everyone")
        method = cells["Method"].strip().lower().replace(" ", "_")
        if method not in METHODS:
            errors.append(f"the method {cells['Method']!r} is not one of {', '.join(m.replace('_', ' ') for m in METHODS)}")
        if not cells["Message"].strip() or not cells["From"].strip():
            errors.append("an inject needs a message and who it is from")
        objective = cells["Objective"].splitlines()[0].strip() if cells["Objective"].strip() else ""
        if objective and objective not in objectives:
            errors.append(f"no objective reads {objective!r}")
        inject_id = cells["Inject id"].strip()
        if inject_id in seen:
            errors.append(f"the inject id {inject_id!r} is on two rows")
        if errors:
            plan.errors += [f"Row {number}: {error}." for error in errors]
            continue
        before = known.get(inject_id)
        if inject_id and before is None:
            plan.errors.append(f"Row {number}: no inject has the id {inject_id!r}; leave the id empty to add one.")
            continue
        inject_id = inject_id or _new_id(cells["Message"], {*known, *seen})
        seen.add(inject_id)
        written = {"id": inject_id, "at": cells["Time"], "from": cells["From"].strip(), "to": to, "method": method,
                   "message": cells["Message"].strip()}
        if cells["Expected action"].strip():
            written["expected_action"] = cells["Expected action"].strip()
        if objective:
            written["objective"] = objectives[objective]
        contingency = cells["Type"] == "Contingency inject"
        if before is not None:
            _, old = before
            if old.release_when:
                written["release_when"] = old.release_when  # not in the MSEL: kept as the file has it
            contingency = contingency or (old.contingency and cells["Type"] != "Inject")
            said = _differences(old, written, contingency, scenes[cells["Scene"]].id != before[0].id)
            if said:
                plan.changes.append(f"Row {number}: {inject_id}: {said}.")
        else:
            plan.changes.append(f"Row {number}: a new inject {inject_id} in {node.title!r} at {cells['Time']}.")
        if contingency:
            written["contingency"] = True
        plan.injects[node.id].append(written)
    plan.changes += [f"{inject_id} ({node.title}, {inject.at}) is removed: no row names it."
                     for inject_id, (node, inject) in known.items() if inject_id not in seen]
    return plan


def _new_id(message: str, taken: set[str]) -> str:
    base = "-".join(re.findall(r"[a-z0-9]+", message.lower())[:4])[:40] or "inject"
    base = base if base[0].isalpha() else f"inject-{base}"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def _differences(old: Inject, new: dict, contingency: bool, moved: bool) -> str:
    said = [f"{label} {getattr(old, name) or '-'!r} -> {new.get(key) or '-'!r}"
            for label, name, key in (("time", "at", "at"), ("from", "from_", "from"), ("method", "method", "method"),
                                     ("message", "message", "message"), ("expected action", "expected_action",
                                                                          "expected_action"),
                                     ("objective", "objective", "objective"))
            if (getattr(old, name) or "") != (new.get(key) or "")]
    if list(old.to) != new["to"]:
        said.append(f"to {', '.join(old.to)} -> {', '.join(new['to'])}")
    if old.contingency != contingency:
        said.append("now a contingency inject" if contingency else "now a scheduled inject")
    if moved:
        said.append("moved to another scene")
    return "; ".join(said)


def rewritten(text: str, document: Document, scenario: Scenario, injects: dict[str, list[dict]]) -> str:
    """The file with each node's injects replaced by `injects` (node id -> mappings): only the lines of
    each `injects:` block change; a node that had none gets the block after its narrative."""
    lines = text.splitlines(keepends=True)
    starts = sorted(set(_starts(document)))  # (line, column) of every key and list item

    def block_end(first: int, column: int, inside: set = frozenset()) -> int:
        """The line where what begins at `first` (a key at `column`) ends: the next key or item no deeper."""
        return next((line for line, at in starts if line > first and at <= column and (line, at) not in inside),
                    len(lines) + 1)

    edits = []  # (first line, line after, new lines), 1-based, applied from the bottom up
    for index, node in enumerate(scenario.nodes):
        path, data = ("nodes", index), document.data["nodes"][index]
        block = _block(injects.get(node.id, []), document.position((*path, "id"), key=True)[1] - 1)
        if "injects" in data:
            first, column = document.position((*path, "injects"), key=True)
            items = {tuple(mark) for mark in document.marks.get(id(data["injects"]), [])}
            edits.append((first, block_end(first, column, items), block))
        elif block:
            after, column = document.position((*path, "narrative"), key=True)
            at = block_end(after, column)
            edits.append((at, at, block))
    for first, end, block in sorted(edits, reverse=True):
        lines[first - 1:end - 1] = block
    return "".join(lines)


def _block(injects: list[dict], indent: int) -> list[str]:
    if not injects:
        return []
    pad = " " * indent
    return [f"{pad}injects:\n", *(f"{pad}  - {{{', '.join(f'{key}: {_yaml(key, value)}' for key, value in inject.items())}}}\n"
                                   for inject in injects)]


def _yaml(key: str, value) -> str:
    """A value for a {...} mapping: ids and lists as they are, texts as JSON strings (which YAML reads as
    double-quoted text, whatever they hold)."""
    if isinstance(value, list):
        return f"[{', '.join(value)}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if key in ("id", "method", "objective") else json.dumps(value, ensure_ascii=False)


def _starts(document: Document):
    """Where every key and every list item of the file begins."""
    for marks in document.marks.values():
        for mark in (marks.values() if isinstance(marks, dict) else marks):
            yield (mark[2], mark[3]) if len(mark) == 4 else (mark[0], mark[1])
