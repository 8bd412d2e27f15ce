"""A scenario's Master Scenario Events List (MSEL, HSEEP): its injects and decision points in story
order, one row each, as CSV or as an XLSX workbook for the exercise staff's spreadsheets."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from drillhub.csvfile import csv_text
from drillhub.scenarios.engine import deciding_roles
from drillhub.scenarios.model import Scenario, clock_seconds

COLUMNS = ["Event", "Scene", "Time", "Type", "From", "To", "Method", "Message", "Expected action", "Objective",
           "Core capability", "Inject id"]


def msel_rows(scenario: Scenario) -> list[list[str]]:
    """Each scene's injects by their time, then its decision point: what the MSEL lists. Roles and
    objectives are named by title and description, as the staff read them; the inject id keeps the row
    tied to the file."""
    roles = {role.id: role.title for role in scenario.roles}
    objectives = {o.id: o for o in scenario.objectives}

    def to(ids: list[str]) -> str:
        return "Everyone" if "all" in ids else "\n".join(roles.get(role, role) for role in ids)  # a line each

    def served(ids: list[str]) -> tuple[str, str]:
        found = [objectives[i] for i in dict.fromkeys(ids) if i in objectives]
        return ("\n".join(o.description for o in found),  # one per line in the cell
                "\n".join(dict.fromkeys(c for o in found for c in o.core_capabilities)))

    rows = []
    for node in scenario.nodes:
        for inject in sorted(node.injects, key=lambda i: clock_seconds(i.at)):
            objective, capability = served([inject.objective] if inject.objective else [])
            rows.append([node.title, inject.at, "Contingency inject" if inject.contingency else "Inject",
                         inject.from_, to(inject.to), inject.method.replace("_", " "), inject.message,
                         inject.expected_action, objective, capability, inject.id])
        if node.decision:
            decision = node.decision
            expected = [c for c in decision.choices if c.expected]
            objective, capability = served([o for c in expected for o in c.points])
            deciders = deciding_roles(decision, tuple(roles))
            rows.append([node.title, decision.time_limit or "", "Decision point", "Facilitator", to(list(deciders)),
                         f"{decision.mode} decision", decision.prompt,
                         "\n".join(c.label for c in expected), objective, capability, ""])
    return [[str(n), *row] for n, row in enumerate(rows, start=1)]


def msel_csv(scenario: Scenario) -> str:
    return csv_text(COLUMNS, msel_rows(scenario))


def msel_xlsx(scenario: Scenario) -> bytes:
    """One sheet, the header frozen and bold, every cell text (never a formula, whatever it says)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "MSEL"
    widths = [7, 24, 8, 16, 18, 22, 14, 60, 40, 40, 30, 16]
    for column, (name, width) in enumerate(zip(COLUMNS, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row_number, row in enumerate(msel_rows(scenario), start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            cell.data_type = "s"  # text such as "=1+1" stays text
            cell.number_format = "@"  # and what staff type in stays text: "1:30" is not 01:30:00
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
