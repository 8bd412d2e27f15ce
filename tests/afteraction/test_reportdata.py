"""The report's data is typed and versioned: every version ever stored reads, and what it did not keep
says so (afteraction/reportdata.py)."""

import json
from pathlib import Path

import pytest

from drillhub.afteraction import reportdata

SNAPSHOTS = Path(__file__).parent / "snapshots"


def snapshot(name: str) -> dict:
    return json.loads((SNAPSHOTS / name).read_text())["snapshot"]


def test_version_1_reads_with_what_it_did_not_keep_marked_so():
    data = reportdata.read(snapshot("final-report-version-1.json"))
    assert data.version == reportdata.VERSION and data.title == "Active threat response"
    assert data.contacts is None and data.own_count == 0  # contacts were not kept; own_count was
    assert {o.kind for c in data.capabilities for t in c.targets for o in t.observations} == {""}
    assert data.actions[0].objective == "" and data.actions[0].due_on == "2026-11-20"
    assert data.feedback.strengths[0][1] >= 1 and isinstance(data.feedback.strengths[0], tuple)


def test_version_2_reads_and_is_stored_exactly_as_it_was():
    kept = snapshot("final-report-version-2.json")
    data = reportdata.read(kept)
    assert kept["version"] == 2 and data.decision_count == 3 and data.contacts[0].role == "Lead evaluator"
    assert data.decision_points[0].choices[0].label and data.decision_points[0].times.count == 3
    assert [e.current for e in data.trends[0].exercises] == [False, True]
    assert data.verifications[0].points[0].before.expected_rate < data.verifications[0].points[0].after.expected_rate
    assert json.loads(json.dumps(reportdata.stored(data))) == kept  # nothing lost or added on the way through


def test_data_from_a_newer_drillhub_or_out_of_shape_is_refused_with_a_message():
    kept = snapshot("final-report-version-2.json")
    for version in (reportdata.VERSION + 1, 0, True, "2"):
        with pytest.raises(reportdata.UnreadableReport, match="this drillhub reads versions 1 to 2"):
            reportdata.read({**kept, "version": version})
    with pytest.raises(reportdata.UnreadableReport, match="decision_count"):
        reportdata.read({**kept, "decision_count": "five"})
    with pytest.raises(reportdata.UnreadableReport, match="title"):
        reportdata.read({key: value for key, value in kept.items() if key != "title"})


async def test_a_final_report_whose_data_cannot_be_read_says_so_on_its_page(client, played):
    from drillhub.afteraction.report import finalize_report, open_report
    from drillhub.afteraction.tables import Report
    from tests.afteraction.conftest import actor
    from tests.support import sign_in

    await open_report(played.session.id, actor(played.lead_evaluator))
    await finalize_report(played.session.id, 1, actor(played.lead_evaluator))
    await Report.update({Report.snapshot: {"version": 99}}).where(Report.session == played.session.id)
    await sign_in(client, played.lead_evaluator.email)
    page = await client.get(f"/sessions/{played.session.id}/report/")
    assert page.status_code == 409 and "A newer drillhub stored it" in page.text
