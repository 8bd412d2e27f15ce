"""Data for analysts: an exercise's decisions, injects, observations and feedback as CSV or JSON."""

import json

from drillhub.afteraction.evaluation import list_observations
from drillhub.afteraction.feedback import STATEMENTS
from drillhub.afteraction.events import recorded_events
from drillhub.afteraction.tables import Feedback, Report, ReportExport
from drillhub.csvfile import csv_text
from drillhub.errors import NotFound

FORMATS = ("csv", "json")
# Each export's columns, in order: the header of its CSV, even when there is no row yet.
COLUMNS = {
    "decisions": ["run", "at", "scene", "role", "agency", "person", "choice", "choice_label", "expected", "rationale",
                  "seconds", "made_by", "own"],
    "injects": ["run", "at", "inject"],
    "observations": ["observed_at", "evaluator", "capability", "target", "task", "run", "event_seq", "note"],
    "feedback": ["name", "agency", "title", "exercise_role", "strengths", "improvements", "missed",
                 "recommended_actions", "to_review", *(f"rating_{key}" for key in STATEMENTS), "comments",
                 "submitted_at"],
}
KINDS = tuple(COLUMNS)


async def export_rows(session_id: int, kind: str) -> list[dict]:
    if kind not in KINDS:
        raise NotFound("No such export.")
    return (await exports_of(session_id, (kind,)))[kind]


async def exports_of(session_id: int, kinds: tuple[str, ...] = KINDS) -> dict[str, list[dict]]:
    """Kind -> its rows, the runs' record read once for all the kinds that need it."""
    found: dict[str, list[dict]] = {}
    if "decisions" in kinds or "injects" in kinds:
        decisions, _, timeline = await recorded_events(session_id)
        found["decisions"] = [{key: d[key] for key in COLUMNS["decisions"]} for d in decisions]
        found["injects"] = [{"run": row["run"], "at": row["at"], "inject": row["text"]}
                            for row in timeline if row["kind"] == "inject"]
    if "observations" in kinds:
        found["observations"] = [{"observed_at": o["observed_at"].isoformat(), "evaluator": o["evaluator_name"] or "",
                                  "capability": o["capability"] or "", "target": o["target_text"] or "",
                                  "task": o["task"], "run": o["run"], "event_seq": o["event_seq"], "note": o["note"]}
                                 for o in reversed(await list_observations(session_id))]
    if "feedback" in kinds:
        found["feedback"] = await feedback_rows(session_id)
    return {kind: found[kind] for kind in kinds}


async def feedback_rows(session_id: int) -> list[dict]:
    """One row per form. An anonymous one keeps the agency only: no name, title, role or time, which
    could say who wrote it; and the rows are in order of agency and answers, never of time."""
    forms = await Feedback.select(*Feedback.all_columns(), Feedback.person.name.as_alias("name"),
                                  Feedback.agency.name.as_alias("agency_name")).where(
        Feedback.session == session_id).output(load_json=True)
    rows = [{
        "name": "" if f["anonymous"] else f["name"], "agency": f["agency_name"] or "",
        "title": "" if f["anonymous"] else f["title"], "exercise_role": "" if f["anonymous"] else f["exercise_role"],
        "strengths": " | ".join(f["strengths"]), "improvements": " | ".join(f["improvements"]), "missed": f["missed"],
        "recommended_actions": " | ".join(f"{a['action']} ({a['priority']}; {a['owner']})" for a in f["corrective_actions"]),
        "to_review": f["to_review"], **{f"rating_{key}": f["ratings"].get(key, "") for key in STATEMENTS},
        "comments": f["comments"], "submitted_at": "" if f["anonymous"] else f["submitted_at"].isoformat(),
    } for f in forms]
    return sorted(rows, key=lambda row: (row["agency"], *(str(value) for value in row.values())))


def as_csv(kind: str, rows: list[dict]) -> str:
    return csv_text(COLUMNS[kind], ([row[name] for name in COLUMNS[kind]] for row in rows))


async def export(session_id: int, name: str) -> tuple[str, str]:
    """('decisions.csv' etc.) -> (body, media type): as kept by the final report, when the latest version
    is final (later runs do not change what it reported); else as recorded now."""
    kind, _, form = name.partition(".")
    if kind not in KINDS or form not in FORMATS:
        raise NotFound("No such export.")
    latest = await Report.select(Report.id, Report.status).where(Report.session == session_id).order_by(
        Report.version, ascending=False).first()
    kept = await ReportExport.select(ReportExport.rows).where(
        (ReportExport.report == latest["id"]) & (ReportExport.kind == kind)).output(load_json=True).first() \
        if latest and latest["status"] == Report.Status.final else None
    rows = kept["rows"] if kept else await export_rows(session_id, kind)
    if form == "json":
        return json.dumps(rows, indent=1, default=str), "application/json"
    return as_csv(kind, rows), "text/csv; charset=utf-8"
