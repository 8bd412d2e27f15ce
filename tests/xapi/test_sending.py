"""Statements reach the learning record store once each, whatever the LRS does: away, refusing one,
losing its answers; and a replay sends the same statements again without making second ones."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from drillhub.settings import settings_in_use
from drillhub.xapi import service
from drillhub.xapi.service import exported, pending, queue, replay, send_due
from drillhub.xapi.statements import actor, statement
from drillhub.xapi.tables import XapiStatement


class FakeLRS:
    """Keeps statements by id as an LRS does: a second statement with an id it has is a conflict (409)."""

    def __init__(self) -> None:
        self.held: dict[str, dict] = {}
        self.down = False
        self.refuse: set[str] = set()  # ids it answers 400 for
        self.lose_answers = False  # stores the batch, then the connection drops before the answer
        self.answer: int | None = None  # answers every request with this status (a misconfigured endpoint)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Experience-API-Version"] == "1.0.3"
        assert request.headers["Authorization"].startswith("Basic ")
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if self.answer:
            return httpx.Response(self.answer, text="not here")
        sent = json.loads(request.content)
        batch = sent if isinstance(sent, list) else [sent]
        if any(s["id"] in self.refuse for s in batch):
            return httpx.Response(400, text="invalid statement")
        if any(s["id"] in self.held for s in batch):
            return httpx.Response(409, text="conflict")
        self.held.update({s["id"]: s for s in batch})
        if self.lose_answers:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(200 if request.method == "POST" else 204, json=[s["id"] for s in batch])


@pytest.fixture
def lrs(monkeypatch):
    fake = FakeLRS()
    settings = replace(settings_in_use(), xapi_endpoint="http://lrs.test/xapi", xapi_key="k", xapi_secret="s")
    monkeypatch.setattr(service, "_client", lambda given: httpx.AsyncClient(
        base_url="http://lrs.test/xapi/", transport=httpx.MockTransport(fake.handle), auth=("k", "s"),
        headers=service.VERSION_HEADER))
    return fake, settings


async def queued(count: int) -> list[str]:
    made = [statement("experienced", actor("http://drillhub.test", None),
                      {"objectType": "Activity", "id": f"http://drillhub.test/xapi/activities/test/{n}"},
                      datetime.now(UTC)) for n in range(count)]
    await queue([pending(s, "experienced", None) for s in made])
    return [s["id"] for s in made]


async def due_now() -> None:
    await XapiStatement.update({XapiStatement.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        XapiStatement.status == XapiStatement.Status.pending)


async def test_an_lrs_that_is_down_loses_nothing_and_gets_each_statement_once(app, lrs):
    fake, settings = lrs
    ids = await queued(120)
    fake.down = True
    assert await send_due(settings) == 0
    waiting = await XapiStatement.select(XapiStatement.status, XapiStatement.last_error, XapiStatement.attempts)
    assert {row["status"] for row in waiting} == {"pending"} and fake.held == {}
    assert any("connection refused" in row["last_error"] for row in waiting)
    fake.down = False
    assert await send_due(settings) == 70  # the first batch waits for its retry; the others were never tried
    await due_now()
    fake.lose_answers = True  # the LRS stores the first batch, but its answer never comes
    assert await send_due(settings) == 0
    fake.lose_answers = False
    await due_now()
    assert await send_due(settings) == 50  # that batch again: 409, the LRS holds them, so they count as sent
    assert sorted(fake.held) == sorted(ids)
    assert await XapiStatement.count().where(XapiStatement.status == "sent") == 120


async def test_a_statement_the_lrs_refuses_fails_alone(app, lrs):
    fake, settings = lrs
    ids = await queued(5)
    fake.refuse = {ids[2]}
    assert await send_due(settings) == 4
    failed = await XapiStatement.select(XapiStatement.statement_id, XapiStatement.last_error).where(
        XapiStatement.status == "failed")
    assert [row["statement_id"] for row in failed] == [ids[2]] and "refused it (400)" in failed[0]["last_error"]
    assert set(fake.held) == set(ids) - {ids[2]}


async def test_a_replay_sends_the_same_statements_again_and_the_lrs_keeps_one_of_each(app, lrs):
    fake, settings = lrs
    ids = await queued(3)
    assert await send_due(settings) == 3
    fake.held.pop(ids[0])  # the LRS lost one
    assert await replay(datetime.now(UTC) - timedelta(hours=1)) == 3
    assert await send_due(settings) == 3
    assert sorted(fake.held) == sorted(ids)


async def test_the_statements_download_as_one_json_array(app):
    ids = await queued(7)
    text = "".join([piece async for piece in exported(page=3)])
    assert [s["id"] for s in json.loads(text)] == ids
    assert json.loads("".join([piece async for piece in exported(datetime.now(UTC) + timedelta(hours=1))])) == []


@pytest.mark.parametrize("status", [404, 405, 301, 401, 503])
async def test_an_lrs_that_answers_oddly_gets_the_statements_again_later(app, lrs, status):
    fake, settings = lrs
    await queued(3)
    fake.answer = status
    assert await send_due(settings) == 0
    rows = await XapiStatement.select(XapiStatement.status, XapiStatement.last_error)
    assert {row["status"] for row in rows} == {"pending"}  # never failed for good: a wrong address is put right
    assert all(f"the LRS answered {status}" in row["last_error"] for row in rows)
