import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from drillhub.accounts.tables import Person
from drillhub.audit.tables import AuditEvent
from drillhub.auth.service import (
    ACCOUNT_FROM_ADDRESS,
    ADDRESS,
    FLASHES_KEPT,
    SIGN_IN_FAILED,
    SignInFailed,
    TooManyFailures,
    add_flash,
    sign_in,
    signed_in_user,
    token_hash,
)
from drillhub.auth.tables import LoginSession, SignInThrottle
from tests.support import PASSWORD

IDLE, AGE = timedelta(minutes=30), timedelta(hours=12)
A, B = "203.0.113.5", "198.51.100.7"  # two client addresses


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


async def fail(email: str, client: str, password: str = "wrong password!") -> SignInFailed:
    with pytest.raises(SignInFailed) as failure:
        await sign_in(email, password, client, previous_token=None)
    return failure.value


async def end_blocks() -> None:
    """As if every block had run out a moment ago."""
    await SignInThrottle.update({SignInThrottle.blocked_until: datetime.now(UTC) - timedelta(seconds=1)}, force=True)


def test_blocks_begin_at_the_allowance_double_and_stop_growing():
    assert ACCOUNT_FROM_ADDRESS.block_after(4) is None
    assert [ACCOUNT_FROM_ADDRESS.block_after(n) / timedelta(minutes=1) for n in (5, 6, 7, 12, 13, 10_000)] == [
        10, 20, 40, 1280, 1440, 1440]
    assert ADDRESS.block_after(19) is None
    assert [ADDRESS.block_after(n) / timedelta(minutes=1) for n in (20, 21, 22, 26, 27)] == [1, 2, 4, 60, 60]


async def test_five_failures_from_one_address_block_that_address_for_the_account(make_person):
    person = await make_person()
    for _ in range(4):
        assert not isinstance(await fail(person.email, A), TooManyFailures)
    fifth = await fail(person.email, A)
    assert isinstance(fifth, TooManyFailures)
    assert fifth.message == "Too many failed sign-ins from your address: try again in 10 minutes."
    refused = await fail(person.email, A, PASSWORD)  # the right password is not even checked now
    assert isinstance(refused, TooManyFailures) and "try again in 10 minutes" in refused.message
    row = await SignInThrottle.select().where(SignInThrottle.key == f"account {person.email} from {A}").first()
    assert row["failures"] == 5
    assert timedelta(minutes=9) < row["blocked_until"] - datetime.now(UTC) <= timedelta(minutes=10)
    blocked = await AuditEvent.select().where(AuditEvent.action == "sign_in.blocked").output(load_json=True)
    assert [(event["client"], event["detail"]["minutes"]) for event in blocked] == [(A, 10)]
    reasons = [event["detail"]["reason"] for event in await AuditEvent.select().where(
        (AuditEvent.action == "sign_in") & (AuditEvent.outcome == "failure")).order_by(AuditEvent.id).output(
        load_json=True)]
    assert reasons == ["wrong password"] * 5 + ["blocked"]

    await end_blocks()
    assert await sign_in(person.email, PASSWORD, A, previous_token=None)


async def test_a_strangers_failures_do_not_lock_the_owner_out(make_person):
    person = await make_person()
    for _ in range(5):
        await fail(person.email, A)
    assert isinstance(await fail(person.email, A, PASSWORD), TooManyFailures)
    assert await sign_in(person.email, PASSWORD, B, previous_token=None)  # the owner, elsewhere


async def test_each_failure_after_a_block_doubles_it(make_person):
    person = await make_person()
    for _ in range(5):
        await fail(person.email, A)
    for minutes in (20, 40, 80):
        await end_blocks()
        assert (await fail(person.email, A)).message.endswith(f"try again in {minutes} minutes.")


async def test_a_success_resets_the_count(make_person):
    person = await make_person()
    for _ in range(4):
        await fail(person.email, A)
    await sign_in(person.email, PASSWORD, A, previous_token=None)
    for _ in range(4):
        assert not isinstance(await fail(person.email, A), TooManyFailures)
    assert await sign_in(person.email, PASSWORD, A, previous_token=None)


async def test_spraying_one_password_over_many_accounts_blocks_the_address(make_person):
    people = [await make_person() for _ in range(3)]
    emails = [person.email for person in people[1:]] + [f"nobody{n}@test.example" for n in range(18)]
    for email in emails[:19]:
        assert not isinstance(await fail(email, A), TooManyFailures)
    twentieth = await fail(emails[19], A)
    assert twentieth.message == "Too many failed sign-ins from your address: try again in 1 minute."
    refused = await fail(people[0].email, A, PASSWORD)  # a real account, the right password: not checked
    assert refused.message.endswith("try again in 1 minute.")
    assert await sign_in(people[0].email, PASSWORD, B, previous_token=None)
    await end_blocks()
    assert (await fail("someone-else@test.example", A)).message.endswith("try again in 2 minutes.")


async def test_an_address_is_forgotten_an_hour_after_its_last_failure(app):
    for n in range(19):
        await fail(f"nobody{n}@test.example", A)
    await SignInThrottle.update({SignInThrottle.last_failure_at: datetime.now(UTC) - timedelta(minutes=61)}, force=True)
    assert not isinstance(await fail("nobody19@test.example", A), TooManyFailures)
    assert await SignInThrottle.select(SignInThrottle.failures).where(
        SignInThrottle.key == f"address {A}").first() == {"failures": 1}


async def test_a_day_without_failures_forgets_the_count(make_person):
    person = await make_person()
    for _ in range(5):
        await fail(person.email, A)
    await SignInThrottle.update({SignInThrottle.last_failure_at: datetime.now(UTC) - timedelta(hours=25),
                                 SignInThrottle.blocked_until: None}, force=True)
    assert not isinstance(await fail(person.email, A), TooManyFailures)
    assert await SignInThrottle.count() == 2  # the day-old rows went; this failure's two are new


async def test_the_addresses_of_one_ipv6_network_are_counted_together(make_person):
    person = await make_person()
    for host in range(1, 6):
        await fail(person.email, f"2001:db8:1:2::{host}")
    assert isinstance(await fail(person.email, "2001:db8:1:2:ffff::9", PASSWORD), TooManyFailures)
    assert await sign_in(person.email, PASSWORD, "2001:db8:1:3::1", previous_token=None)
    event = await AuditEvent.select().where(AuditEvent.action == "sign_in.blocked").first()
    assert event["client"] == "2001:db8:1:2::5"  # the audit log keeps the whole address


async def test_failures_counted_at_the_same_moment_all_count(make_person):
    """Eight wrong passwords at once, as from eight workers: four plain failures, then the block,
    which the others find in force instead of counting past it."""
    person = await make_person()
    results = await asyncio.gather(
        *(sign_in(person.email, "wrong password!", A, previous_token=None) for _ in range(8)),
        return_exceptions=True)
    assert all(isinstance(result, SignInFailed) for result in results)
    assert sum(not isinstance(result, TooManyFailures) for result in results) == 4
    row = await SignInThrottle.select().where(SignInThrottle.key == f"account {person.email} from {A}").first()
    assert row["failures"] == 5 and row["blocked_until"] is not None
    assert await AuditEvent.count().where(AuditEvent.action == "sign_in.blocked") == 1


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
