"""xAPI statements: queued with what they record, sent to the configured learning record store (LRS) by
lease-claiming workers with retries, replayed on demand, and downloadable as JSON.

Each statement's id is fixed when it is queued, so the LRS keeps one statement whatever happens: a batch
the LRS stored but whose answer was lost is sent again, and the LRS answers that it has those ids
already (409), which counts as sent. None configured: statements wait, and admins download them.
"""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import httpx

from drillhub import db
from drillhub.settings import Settings
from drillhub.xapi import statements
from drillhub.xapi.tables import XapiStatement

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 2, 5, 15, 30, 60, 120, 240, 480, 720)]  # then every 12 hours
LEASE = timedelta(minutes=5)  # a claimed statement is sent again if its sender vanished this long ago
BATCH = 50
TIMEOUT_SECONDS = 20
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
SENT = (XapiStatement.id, XapiStatement.statement_id, XapiStatement.statement, XapiStatement.attempts)


def day_start(text: str) -> datetime | None:
    """A day written YYYY-MM-DD as its first moment in UTC; empty: None. ValueError for anything else."""
    return datetime.combine(date.fromisoformat(text.strip()), time(), UTC) if text.strip() else None


def pending(statement: dict, verb: str, person_id: int | None, subject: str = "") -> XapiStatement:
    now = datetime.now(UTC)
    return XapiStatement(statement_id=statement["id"], verb=verb, subject=subject, person=person_id, statement=statement,
                         stored_at=now, status=XapiStatement.Status.pending, attempts=0, next_attempt_at=now,
                         last_error="")


async def queue(rows: list[XapiStatement]) -> None:
    """Call inside the transaction of what the statements record."""
    if rows:
        await db.insert_all(XapiStatement, rows)


async def void_latest(subject: str, verb: str, public_url: str, person_id: int | None, at: datetime) -> None:
    """Queue the voiding of the newest `verb` statement about `subject` (a certificate revoked, a signed form
    made anonymous), inside the caller's transaction; nothing when there is none."""
    latest = await XapiStatement.select(XapiStatement.statement_id, XapiStatement.person).where(
        (XapiStatement.subject == subject) & (XapiStatement.verb == verb)).order_by(
        XapiStatement.id, ascending=False).first()
    if latest:
        await queue([pending(statements.voided(public_url, at, person_id, latest["statement_id"]), "voided",
                             latest["person"], subject)])


def _client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=settings.xapi_endpoint.rstrip("/") + "/", timeout=TIMEOUT_SECONDS,
                             auth=(settings.xapi_key, settings.xapi_secret), headers=VERSION_HEADER)


async def send_due(settings: Settings, limit: int = 500) -> int:
    """Send what is due in batches; return how many the LRS now holds. A batch the LRS refuses is sent one
    statement at a time, so that only the statements it refuses fail; an LRS that cannot be reached (or
    answers 5xx) gets them again later."""
    sent = 0
    async with _client(settings) as client:
        while sent < limit and (rows := await db.claim_due(XapiStatement, min(BATCH, limit - sent), LEASE, *SENT)):
            try:
                answer = await client.post("statements", json=[row["statement"] for row in rows])
                if answer.status_code in (200, 204):
                    await _mark_sent([row["id"] for row in rows])
                    sent += len(rows)
                    continue
                if answer.status_code not in (400, 409):  # away, busy, misdirected or not allowed: all wait
                    raise _Later(f"the LRS answered {answer.status_code}: {answer.text[:300]}")
                for row in rows:  # one of them is refused, or held already: which?
                    sent += await _send_one(client, row)
            except (httpx.HTTPError, _Later) as error:
                await _later(rows, error)
                break  # the LRS is away: the rest waits for the next round
    return sent


class _Later(Exception):
    """The LRS is away or busy: try again later."""


async def _send_one(client: httpx.AsyncClient, row: dict) -> int:
    answer = await client.put("statements", params={"statementId": row["statement_id"]}, json=row["statement"])
    if answer.status_code in (200, 204, 409):  # 409: the LRS holds this id already
        await _mark_sent([row["id"]])
        return 1
    if answer.status_code != 400:
        raise _Later(f"the LRS answered {answer.status_code}: {answer.text[:300]}")
    await XapiStatement.update({XapiStatement.status: XapiStatement.Status.failed,
                                XapiStatement.last_error: f"the LRS refused it ({answer.status_code}): "
                                                          f"{answer.text[:900]}"}).where(XapiStatement.id == row["id"])
    return 0


async def _mark_sent(ids: list[int]) -> None:
    await XapiStatement.update({XapiStatement.status: XapiStatement.Status.sent, XapiStatement.sent_at: datetime.now(UTC),
                                XapiStatement.last_error: ""}).where(XapiStatement.id.is_in(ids))


async def _later(rows: list[dict], error: Exception) -> None:
    for row in rows:
        attempts = row["attempts"] + 1
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]  # an LRS that is down loses nothing
        await XapiStatement.update({
            XapiStatement.next_attempt_at: datetime.now(UTC) + delay,
            XapiStatement.last_error: f"{type(error).__name__}: {error}"[:1000],
        }).where((XapiStatement.id == row["id"]) & (XapiStatement.status == XapiStatement.Status.pending))


async def replay(since: datetime) -> int:
    """Send again every statement stored since `since` (after an LRS lost data, or a new LRS): the same ids,
    so an LRS that has them keeps one of each. Returns how many."""
    chosen = XapiStatement.stored_at >= since
    count = await XapiStatement.count().where(chosen)
    await XapiStatement.update({XapiStatement.status: XapiStatement.Status.pending, XapiStatement.attempts: 0,
                                XapiStatement.next_attempt_at: datetime.now(UTC), XapiStatement.last_error: ""}).where(chosen)
    return count


async def counts() -> dict[str, int]:
    return {status.value: await XapiStatement.count().where(XapiStatement.status == status.value)
            for status in XapiStatement.Status}


async def exported(since: datetime | None = None, page: int = 1000) -> AsyncIterator[str]:
    """Every statement (stored since `since`) as one JSON array, in pieces: no matter how many there are,
    never all in memory at once."""
    yield "["
    after, first = 0, True
    while True:
        where = XapiStatement.id > after
        if since is not None:
            where &= XapiStatement.stored_at >= since
        rows = await XapiStatement.select(XapiStatement.id, XapiStatement.statement).where(where).order_by(
            XapiStatement.id).limit(page)
        for row in rows:
            yield ("" if first else ",\n") + row["statement"]
            first = False
        if len(rows) < page:
            break
        after = rows[-1]["id"]
    yield "]\n"
