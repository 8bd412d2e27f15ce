"""Admins see, download and replay the statements, in the browser and from the command line."""

import json
import sqlite3
from datetime import UTC, datetime

from drillhub.xapi.service import pending, queue
from drillhub.xapi.statements import actor, statement
from drillhub.xapi.tables import XapiStatement
from tests.support import post_form
from tests.test_migrations import run_cli


async def test_an_admin_downloads_and_replays_the_statements(signed_in_client):
    made = [statement("experienced", actor("http://drillhub.test", n), {"objectType": "Activity", "id": f"urn:x:{n}"},
                      datetime.now(UTC)) for n in (1, 2)]
    await queue([pending(s, "experienced", None) for s in made])
    await XapiStatement.update({XapiStatement.status: "sent"}).where(XapiStatement.id > 0)
    admin = await signed_in_client("admin")
    page = (await admin.get("/admin/xapi/")).text
    assert "No learning record store is configured (DRILLHUB_XAPI_ENDPOINT)" in page
    assert "<dt>Sent</dt><dd>2</dd>" in page
    download = await admin.get("/admin/xapi/statements.json")
    assert download.headers["content-disposition"] == 'attachment; filename="drillhub-xapi.json"'
    assert [s["id"] for s in json.loads(download.text)] == [s["id"] for s in made]
    later = await admin.get("/admin/xapi/statements.json", params={"since": "2999-01-01"})
    assert later.json() == [] and 'filename="drillhub-xapi-since-2999-01-01.json"' in later.headers["content-disposition"]
    bad = await admin.get("/admin/xapi/statements.json", params={"since": "yesterday"})
    assert bad.status_code == 422 and "Give the day as YYYY-MM-DD" in bad.text and 'value="yesterday"' in bad.text
    replayed = await post_form(admin, "/admin/xapi/replay", {"since": "2000-01-01"})
    assert replayed.status_code == 303
    assert await XapiStatement.count().where(XapiStatement.status == "pending") == 2
    empty = await post_form(admin, "/admin/xapi/replay", {"since": ""})
    assert empty.status_code == 422 and "Give the first day to send again" in empty.text
    nowhere = await post_form(admin, "/admin/xapi/send")
    assert nowhere.status_code == 303


def test_the_command_line_exports_and_replays(tmp_path):
    url = f"sqlite:///{tmp_path / 'xapi.sqlite3'}"
    assert run_cli(url, "migrate").returncode == 0
    made = [statement(verb, actor("http://drillhub.test", 7), {"objectType": "Activity", "id": f"urn:x:{verb}"},
                      datetime.now(UTC)) for verb in ("answered", "experienced", "completed")]
    with sqlite3.connect(tmp_path / "xapi.sqlite3") as connection:
        connection.executemany(
            "insert into xapi_statement (statement_id, verb, statement, stored_at, status, attempts, next_attempt_at, "
            "last_error) values (?, ?, ?, ?, 'pending', 0, ?, '')",
            [(s["id"], s["verb"]["display"]["en-US"], json.dumps(s), s["timestamp"], s["timestamp"]) for s in made])
    export = run_cli(url, "xapi", "export")
    assert export.returncode == 0, export.stderr
    exported = json.loads(export.stdout)
    assert exported == made
    replay = run_cli(url, "xapi", "replay", "--since", "2000-01-01")
    assert replay.returncode == 0 and f"{len(exported)} statement(s) stored since 2000-01-01 will be sent again " \
        "once an LRS is configured" in replay.stdout
    bad = run_cli(url, "xapi", "replay", "--since", "soon")
    assert bad.returncode == 2 and "'soon' is not a day written YYYY-MM-DD" in bad.stderr
    nowhere = run_cli(url, "xapi", "send")
    assert nowhere.returncode == 1 and "No learning record store is configured" in nowhere.stderr
    with sqlite3.connect(tmp_path / "xapi.sqlite3") as connection:
        assert connection.execute("select count(*) from audit_event where action = 'xapi.replay'").fetchone() == (1,)
