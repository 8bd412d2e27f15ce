"""Signing in and out, and the database-backed sessions every worker process can see."""

import hashlib
import json
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from drillhub import clients, db
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.audit.service import Actor, record_event
from drillhub.audit.tables import AuditEvent
from drillhub.auth.passwords import hash_password, needs_rehash, spend_verify_time, verify_password
from drillhub.auth.tables import LoginSession, SignInThrottle
from drillhub.errors import DomainError

TOUCH_INTERVAL = timedelta(seconds=60)  # last_seen_at is written at most once a minute
SIGN_IN_FAILED = (
    "The e-mail address or password is not right. "
    "After 5 failed attempts in a row you have to wait 10 minutes before trying again."
)


class SignInFailed(DomainError):
    """No such account, an inactive one or a wrong password: one message for all three; `reason`
    tells the audit log which."""

    status_code = 401

    def __init__(self, reason: str, message: str = SIGN_IN_FAILED) -> None:
        super().__init__(message)
        self.reason = reason


class TooManyFailures(SignInFailed):
    """The client's address is blocked, for this account or for all (see Throttle)."""

    status_code = 429

    def __init__(self, blocked_for: timedelta, reason: str = "blocked") -> None:
        minutes = math.ceil(blocked_for / timedelta(minutes=1))
        super().__init__(reason, f"Too many failed sign-ins from your address: try again in "
                                 f"{minutes} minute{'' if minutes == 1 else 's'}.")


@dataclass(frozen=True)
class Throttle:
    """How failed password checks counted under one kind of key are slowed down: the `blocks_at`-th
    failure blocks the key for `first_block`, and each failure after a block doubles it, up to
    `longest_block`. The count starts again `forget_after` the last failure (and, for an account,
    after a success)."""

    blocks_at: int
    first_block: timedelta
    longest_block: timedelta
    forget_after: timedelta

    def block_after(self, failures: int) -> timedelta | None:
        if failures < self.blocks_at:
            return None
        doublings = min(failures - self.blocks_at, 20)  # 2**20 first blocks outlast any longest block
        return min(self.first_block * 2**doublings, self.longest_block)


# CJIS-style account protection (locked for 10 minutes after 5 failures in a row), for each address
# apart, so that a stranger cannot lock the owner out.
ACCOUNT_FROM_ADDRESS = Throttle(blocks_at=5, first_block=timedelta(minutes=10),
                                longest_block=timedelta(hours=24), forget_after=timedelta(hours=24))
# One address over all accounts, known or not: spraying one password over many accounts.
ADDRESS = Throttle(blocks_at=20, first_block=timedelta(minutes=1),
                   longest_block=timedelta(hours=1), forget_after=timedelta(hours=1))
FORGOTTEN_AFTER = max(ACCOUNT_FROM_ADDRESS.forget_after, ADDRESS.forget_after)  # rows older than this go


@dataclass(frozen=True)
class SignedInUser:
    session_id: int
    person_id: int
    name: str
    email: str
    agency_id: int
    agency_name: str
    roles: frozenset[str]
    supervised_agency_ids: frozenset[int]
    flashes: tuple[tuple[str, str], ...] = ()
    time_zone: str = "UTC"  # their agency's: the dates they are shown, and their "today"

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sign_in(email: str, password: str, client: str, previous_token: str | None) -> str:
    """Check the credentials and open a new session; return its token. The session a browser
    came with is ended, so a token planted before sign-in never becomes a signed-in one."""
    email = email.strip().lower()
    person = await Person.objects().where(Person.email == email).first() if email else None
    attempt = Actor(person_id=person.id if person else None, label=email, client=client)
    try:
        await check_password(email, person, password, attempt)
    except SignInFailed as failure:
        await record_event("sign_in", attempt, target=email, outcome=AuditEvent.Outcome.failure,
                           detail={"reason": failure.reason})
        raise
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    new_hash = await hash_password(password) if needs_rehash(person.password_hash) else None
    async with db.transaction():
        if previous_token:
            await LoginSession.delete().where(LoginSession.token_hash == token_hash(previous_token))
        if new_hash:
            await Person.update({Person.password_hash: new_hash}).where(Person.id == person.id)
        await LoginSession.insert(
            LoginSession(token_hash=token_hash(token), person=person.id, created_at=now,
                         last_seen_at=now, flashes=[])
        )
        await record_event("sign_in", attempt, target=email)
    return token


async def check_password(email: str, person: Person | None, password: str, attempt: Actor) -> None:
    """Pass when `password` is the password of `person`, an active person. Otherwise raise
    SignInFailed or, while the throttles block `email` from the attempt's client, TooManyFailures,
    and then without checking the password (the same time is spent, so timing tells nothing).
    A failure is counted under both throttles, known account or not; a success clears the
    account's count from this client."""
    keys = _throttle_keys(email, attempt.client)
    if blocked_for := await _block_in_force(keys):
        await spend_verify_time(password)
        raise TooManyFailures(blocked_for)
    if await _password_matches(person, password):
        if blocked_for := await _block_in_force(keys):  # a failure sent at the same time started one
            raise TooManyFailures(blocked_for)
        await SignInThrottle.delete().where(SignInThrottle.key == keys[ACCOUNT_FROM_ADDRESS])
        return
    reason = "unknown account" if person is None else "inactive account" if not person.active else "wrong password"
    if blocked_for := await _count_failure(keys, attempt):
        raise TooManyFailures(blocked_for, reason)
    raise SignInFailed(reason)


async def _password_matches(person: Person | None, password: str) -> bool:
    if person is None or not person.active:
        await spend_verify_time(password)
        return False
    return await verify_password(person.password_hash, password)


def _throttle_keys(email: str, client: str) -> dict[Throttle, str]:
    source = clients.limit_key(client)
    return {ACCOUNT_FROM_ADDRESS: f"account {email[:254]} from {source}", ADDRESS: f"address {source}"}


async def _block_in_force(keys: dict[Throttle, str]) -> timedelta | None:
    """How long the longest block on these keys still lasts; None when none does."""
    now = datetime.now(UTC)
    rows = await SignInThrottle.select(SignInThrottle.blocked_until).where(
        SignInThrottle.key.is_in(list(keys.values())) & (SignInThrottle.blocked_until > now)
    )
    return max(row["blocked_until"] for row in rows) - now if rows else None


async def _count_failure(keys: dict[Throttle, str], attempt: Actor) -> timedelta | None:
    """Count a failure under each key; the longest block in force after it, if any."""
    now = datetime.now(UTC)
    await SignInThrottle.delete().where(SignInThrottle.last_failure_at < now - FORGOTTEN_AFTER)
    blocks = [await _count_under(throttle, key, now, attempt) for throttle, key in keys.items()]
    return max((block for block in blocks if block), default=None)


async def _count_under(throttle: Throttle, key: str, now: datetime, attempt: Actor) -> timedelta | None:
    """Count a failure under `key` and return the block in force there after it, if any. The upsert
    creates the row or locks it (PostgreSQL; SQLite's write transactions take turns anyway), so
    workers counting at the same moment never lose a count."""
    async with db.transaction():
        row = (await SignInThrottle.insert(SignInThrottle(key=key, failures=0, last_failure_at=now))
               .on_conflict(target=SignInThrottle.key, action="DO UPDATE", values=[SignInThrottle.key])
               .returning(SignInThrottle.failures, SignInThrottle.last_failure_at, SignInThrottle.blocked_until))[0]
        if row["blocked_until"] is not None and row["blocked_until"] > now:
            return row["blocked_until"] - now  # a failure sent at the same time started it: not counted twice
        forgotten = now - row["last_failure_at"] > throttle.forget_after
        failures = 1 if forgotten else row["failures"] + 1
        block = throttle.block_after(failures)
        await SignInThrottle.update({
            SignInThrottle.failures: failures,
            SignInThrottle.last_failure_at: now,
            SignInThrottle.blocked_until: now + block if block else None,
        }).where(SignInThrottle.key == key)
        if block:
            await record_event("sign_in.blocked", attempt, target=key,
                               detail={"failures": failures, "minutes": int(block / timedelta(minutes=1))})
    return block


async def sign_out(token: str, actor: Actor) -> None:
    async with db.transaction():
        await LoginSession.delete().where(LoginSession.token_hash == token_hash(token))
        await record_event("sign_out", actor, target=actor.label)


async def end_sessions(person_id: int, keep_session_id: int | None = None) -> None:
    query = LoginSession.delete().where(LoginSession.person == person_id)
    if keep_session_id is not None:
        query = query.where(LoginSession.id != keep_session_id)
    await query


# Asked on every request: written out once, as building it with Piccolo (walking foreign keys copies
# columns) cost more than running it.
_SESSION_QUERY = """
SELECT login_session.id, login_session.created_at, login_session.last_seen_at, login_session.flashes,
       person.id AS person_id, person.name, person.email, person.active, person.roles,
       agency.id AS agency_id, agency.name AS agency_name, agency.time_zone
FROM login_session JOIN person ON person.id = login_session.person LEFT JOIN agency ON agency.id = person.agency
WHERE login_session.token_hash = {}"""


async def signed_in_user(token: str, idle_limit: timedelta, age_limit: timedelta) -> SignedInUser | None:
    """The person behind a session token, or None when it is unknown, idle too long, too old,
    or its person was deactivated (the session is then ended)."""
    rows = await LoginSession.raw(_SESSION_QUERY, token_hash(token))
    row = rows[0] if rows else None
    if row is None:
        return None
    now = datetime.now(UTC)
    expired = now - row["last_seen_at"] > idle_limit or now - row["created_at"] > age_limit
    if expired or not row["active"]:
        await LoginSession.delete().where(LoginSession.id == row["id"])
        return None
    if now - row["last_seen_at"] > TOUCH_INTERVAL:
        await LoginSession.update({LoginSession.last_seen_at: now}).where(LoginSession.id == row["id"])
    roles = frozenset(row["roles"])
    supervised = frozenset()
    if "supervisor" in roles:
        supervised = frozenset(await SupervisedAgency.agency_ids_of(row["person_id"]))
    return SignedInUser(
        session_id=row["id"],
        person_id=row["person_id"],
        name=row["name"],
        email=row["email"],
        agency_id=row["agency_id"],
        agency_name=row["agency_name"],
        roles=roles,
        supervised_agency_ids=supervised,
        flashes=tuple((category, message) for category, message in json.loads(row["flashes"] or "[]")),
        time_zone=row["time_zone"] or "UTC",
    )


FLASHES_KEPT = 5  # a client that posts and never reads a page must not grow its session without end


async def add_flash(session_id: int, message: str, category: str = "success") -> None:
    row = await LoginSession.select(LoginSession.flashes).where(
        LoginSession.id == session_id
    ).output(load_json=True).first()
    if row is not None:
        flashes = [*(row["flashes"] or []), [category, message]][-FLASHES_KEPT:]
        await LoginSession.update({LoginSession.flashes: flashes}).where(LoginSession.id == session_id)


async def clear_flashes(session_id: int) -> None:
    await LoginSession.update({LoginSession.flashes: []}).where(LoginSession.id == session_id)
