from datetime import UTC, datetime, timedelta

import pytest

from drillhub.accounts.tables import Person
from drillhub.audit.tables import AuditEvent
from drillhub.auth.service import (
    FLASHES_KEPT,
    SIGN_IN_FAILED,
    SignInFailed,
    add_flash,
    sign_in,
    signed_in_user,
    token_hash,
)
from drillhub.auth.tables import LoginSession
from tests.support import PASSWORD

IDLE, AGE = timedelta(minutes=30), timedelta(hours=12)


async def test_sign_in_opens_a_session_storing_only_the_token_hash(make_person):
    person = await make_person(roles=("coordinator",))
    token = await sign_in(person.email.upper(), PASSWORD, "10.0.0.5", previous_token=None)
    stored = await LoginSession.select().first()
    assert stored["token_hash"] == token_hash(token) != token
    user = await signed_in_user(token, IDLE, AGE)
    assert user.person_id == person.id and user.roles == {"coordinator"}
    event = await AuditEvent.select().where(AuditEvent.action == "sign_in").first()
    assert (event["outcome"], event["actor"], event["client"]) == ("success", person.id, "10.0.0.5")


async def test_a_session_keeps_only_its_latest_messages(make_person):
    person = await make_person()
    token = await sign_in(person.email, PASSWORD, "", previous_token=None)
    session_id = (await signed_in_user(token, IDLE, AGE)).session_id
    for n in range(FLASHES_KEPT + 3):
        await add_flash(session_id, f"message {n}", "error")
    flashes = (await signed_in_user(token, IDLE, AGE)).flashes
    assert [message for _, message in flashes] == [f"message {n}" for n in range(3, FLASHES_KEPT + 3)]


async def test_sign_in_ends_the_session_the_browser_came_with(make_person):
    person = await make_person()
    first = await sign_in(person.email, PASSWORD, "", previous_token=None)
    second = await sign_in(person.email, PASSWORD, "", previous_token=first)
    assert first != second
    assert await signed_in_user(first, IDLE, AGE) is None
    assert await signed_in_user(second, IDLE, AGE) is not None


@pytest.mark.parametrize("email", ["nobody@test.example", ""])
async def test_unknown_account_fails_with_the_same_message(app, email):
    with pytest.raises(SignInFailed) as failure:
        await sign_in(email, PASSWORD, "", previous_token=None)
    assert failure.value.message == SIGN_IN_FAILED


async def test_inactive_account_cannot_sign_in(make_person):
    person = await make_person(active=False)
    with pytest.raises(SignInFailed) as failure:
        await sign_in(person.email, PASSWORD, "", previous_token=None)
    assert failure.value.message == SIGN_IN_FAILED


async def test_five_failures_in_a_row_lock_the_account_for_ten_minutes(make_person):
    person = await make_person()
    for _ in range(5):
        with pytest.raises(SignInFailed):
            await sign_in(person.email, "wrong password!", "", previous_token=None)
    locked = await Person.objects().get(Person.id == person.id)
    assert timedelta(minutes=9) < locked.locked_until - datetime.now(UTC) <= timedelta(minutes=10)
    with pytest.raises(SignInFailed) as failure:  # even the right password is refused now
        await sign_in(person.email, PASSWORD, "", previous_token=None)
    assert failure.value.message == SIGN_IN_FAILED
    assert await AuditEvent.count().where(AuditEvent.action == "lockout") == 1

    await Person.update({Person.locked_until: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Person.id == person.id
    )
    assert await sign_in(person.email, PASSWORD, "", previous_token=None)


async def test_a_success_resets_the_failure_count(make_person):
    person = await make_person()
    for _ in range(4):
        with pytest.raises(SignInFailed):
            await sign_in(person.email, "wrong password!", "", previous_token=None)
    await sign_in(person.email, PASSWORD, "", previous_token=None)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            await sign_in(person.email, "wrong password!", "", previous_token=None)
    assert (await Person.objects().get(Person.id == person.id)).locked_until is None


async def test_idle_session_expires_after_thirty_minutes(make_person):
    person = await make_person()
    token = await sign_in(person.email, PASSWORD, "", previous_token=None)
    await LoginSession.update({LoginSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=29)}, force=True)
    assert await signed_in_user(token, IDLE, AGE) is not None
    await LoginSession.update({LoginSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=31)}, force=True)
    assert await signed_in_user(token, IDLE, AGE) is None
    assert await LoginSession.count() == 0


async def test_use_keeps_a_session_alive_but_not_past_twelve_hours(make_person):
    person = await make_person()
    token = await sign_in(person.email, PASSWORD, "", previous_token=None)
    await LoginSession.update({LoginSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=20)}, force=True)
    await signed_in_user(token, IDLE, AGE)
    seen = (await LoginSession.select(LoginSession.last_seen_at).first())["last_seen_at"]
    assert datetime.now(UTC) - seen < timedelta(seconds=5)

    await LoginSession.update({LoginSession.created_at: datetime.now(UTC) - timedelta(hours=12, minutes=1)}, force=True)
    assert await signed_in_user(token, IDLE, AGE) is None


async def test_deactivating_a_person_ends_their_sessions(make_person):
    person = await make_person()
    token = await sign_in(person.email, PASSWORD, "", previous_token=None)
    await Person.update({Person.active: False}).where(Person.id == person.id)
    assert await signed_in_user(token, IDLE, AGE) is None


async def test_supervisor_carries_the_agencies_they_oversee(make_person, make_agency):
    overseen = [await make_agency(), await make_agency()]
    person = await make_person(roles=("supervisor",), supervised=overseen)
    token = await sign_in(person.email, PASSWORD, "", previous_token=None)
    user = await signed_in_user(token, IDLE, AGE)
    assert user.supervised_agency_ids == {agency.id for agency in overseen}
