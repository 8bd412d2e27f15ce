"""Signing in and out, and the database-backed sessions every worker process can see."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from drillhub import db
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.audit.service import Actor, record_event
from drillhub.audit.tables import AuditEvent
from drillhub.auth.passwords import hash_password, needs_rehash, spend_verify_time, verify_password
from drillhub.auth.tables import LoginSession
from drillhub.errors import DomainError

FAILURES_BEFORE_LOCK = 5
LOCK_DURATION = timedelta(minutes=10)
TOUCH_INTERVAL = timedelta(seconds=60)  # last_seen_at is written at most once a minute
SIGN_IN_FAILED = (
    "The e-mail address or password is not right, or the account is locked. "
    "After 5 failed attempts in a row an account is locked for 10 minutes."
)


class SignInFailed(DomainError):
    status_code = 400


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

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sign_in(email: str, password: str, client: str, previous_token: str | None) -> str:
    """Check the credentials and open a new session; return its token. The session a browser
    came with is ended, so a token planted before sign-in never becomes a signed-in one."""
    email = email.strip().lower()
    now = datetime.now(UTC)
    attempt = Actor(person_id=None, label=email, client=client)
    person = await Person.objects().where(Person.email == email).first() if email else None
    if person is None or not person.active:
        await spend_verify_time(password)
        reason = "unknown account" if person is None else "inactive account"
        await record_event("sign_in", attempt, target=email, outcome=AuditEvent.Outcome.failure,
                           detail={"reason": reason})
        raise SignInFailed(SIGN_IN_FAILED)
    attempt = Actor(person_id=person.id, label=email, client=client)
    if person.locked_until is not None and person.locked_until > now:
        await spend_verify_time(password)
        await record_event("sign_in", attempt, target=email, outcome=AuditEvent.Outcome.failure,
                           detail={"reason": "locked"})
        raise SignInFailed(SIGN_IN_FAILED)
    if not await verify_password(person.password_hash, password):
        await _count_failure(person, attempt, now)
        raise SignInFailed(SIGN_IN_FAILED)
    token = secrets.token_urlsafe(32)
    new_hash = await hash_password(password) if needs_rehash(person.password_hash) else None
    async with db.transaction():
        if previous_token:
            await LoginSession.delete().where(LoginSession.token_hash == token_hash(previous_token))
        reset = {Person.failed_sign_ins: 0, Person.locked_until: None}
        if new_hash:
            reset[Person.password_hash] = new_hash
        await Person.update(reset).where(Person.id == person.id)
        await LoginSession.insert(
            LoginSession(token_hash=token_hash(token), person=person.id, created_at=now,
                         last_seen_at=now, flashes=[])
        )
        await record_event("sign_in", attempt, target=email)
    return token


async def _count_failure(person: Person, attempt: Actor, now: datetime) -> None:
    async with db.transaction():
        rows = await Person.update({Person.failed_sign_ins: Person.failed_sign_ins + 1}).where(
            Person.id == person.id
        ).returning(Person.failed_sign_ins)
        failures = rows[0]["failed_sign_ins"]
        await record_event("sign_in", attempt, target=person.email, outcome=AuditEvent.Outcome.failure,
                           detail={"reason": "wrong password", "failures_in_a_row": failures})
        if failures >= FAILURES_BEFORE_LOCK:
            await Person.update(
                {Person.failed_sign_ins: 0, Person.locked_until: now + LOCK_DURATION}
            ).where(Person.id == person.id)
            await record_event("lockout", attempt, target=person.email,
                               detail={"minutes": int(LOCK_DURATION.total_seconds() // 60)})


async def sign_out(token: str, actor: Actor) -> None:
    async with db.transaction():
        await LoginSession.delete().where(LoginSession.token_hash == token_hash(token))
        await record_event("sign_out", actor, target=actor.label)


async def end_sessions(person_id: int, keep_session_id: int | None = None) -> None:
    query = LoginSession.delete().where(LoginSession.person == person_id)
    if keep_session_id is not None:
        query = query.where(LoginSession.id != keep_session_id)
    await query


# Built once: walking foreign keys copies columns, which is slow enough to matter on every request.
_SESSION_COLUMNS = (
    LoginSession.id,
    LoginSession.created_at,
    LoginSession.last_seen_at,
    LoginSession.flashes,
    LoginSession.person.id.as_alias("person_id"),
    LoginSession.person.name.as_alias("name"),
    LoginSession.person.email.as_alias("email"),
    LoginSession.person.active.as_alias("active"),
    LoginSession.person.roles.as_alias("roles"),
    LoginSession.person.agency.id.as_alias("agency_id"),
    LoginSession.person.agency.name.as_alias("agency_name"),
)


async def signed_in_user(token: str, idle_limit: timedelta, age_limit: timedelta) -> SignedInUser | None:
    """The person behind a session token, or None when it is unknown, idle too long, too old,
    or its person was deactivated (the session is then ended)."""
    row = await LoginSession.select(*_SESSION_COLUMNS).where(
        LoginSession.token_hash == token_hash(token)
    ).output(load_json=True).first()
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
        flashes=tuple((category, message) for category, message in row["flashes"] or []),
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
