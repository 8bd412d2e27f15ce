from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.audit.tables import AuditEvent
from drillhub.certificates.service import (
    RUN_ENDED,
    VERIFICATIONS_PER_MINUTE,
    allow_verification,
    eligible_people,
    issue_for_session,
    printed_facts,
    reissue,
    revoke,
    verify,
)
from drillhub.certificates.tables import Certificate
from drillhub.enrolment.service import enrol_people, mark_attendance
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.exercises.tables import Run
from drillhub.facilitation.service import assign, facilitator_action, join, open_run, start

COORDINATOR = Actor(person_id=None, label="coordinator@test.example")


async def test_marking_attendance_issues_certificates_once_each(attended):
    session, _, people = attended
    issued = await Certificate.select(Certificate.person).where(Certificate.session == session.id)
    assert sorted(row["person"] for row in issued) == [people[0].id, people[1].id]  # not the no-show
    assert await issue_for_session(session.id, COORDINATOR) == []  # nobody twice
    first = await Certificate.objects().where(Certificate.person == people[0].id).first()
    assert first.serial == f"DH-{datetime.now(UTC).year}-{first.id:06d}" and first.holder_name == people[0].name
    assert first.credit_hours == 4 and first.expires_on is not None
    assert await AuditEvent.count().where(AuditEvent.action == "certificate.issue") == 2
    told = await _mail_to(people[0])
    assert [m["subject"] for m in told] == ["Your certificate: Active threat TTX"]
    assert first.serial in told[0]["body"] and f"/verify/{first.code}" in told[0]["body"]
    assert "4 credit hours" in told[0]["body"] and await _mail_to(people[2]) == []


async def _mail_to(person) -> list[dict]:
    from drillhub.mail.tables import OutboxMessage

    return await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body).where(
        (OutboxMessage.recipient == person.id) & (OutboxMessage.kind == "certificate")).order_by(OutboxMessage.id)


async def test_codes_are_unique_and_unguessable(attended):
    session, _, _ = attended
    issued = await Certificate.objects().where(Certificate.session == session.id)
    codes = [c.code for c in issued]
    assert len(set(codes)) == len(codes) and all(len(code) >= 22 for code in codes)  # 128 random bits each
    assert codes[0] not in {c.serial for c in issued}


async def test_a_course_may_require_a_finished_exercise(attended):
    session, course, people = attended
    from drillhub.scheduling.tables import Course

    await Course.update({Course.requires_exercise: True}).where(Course.id == course.id)
    assert await eligible_people(session.id) == []
    ended_in_lobby = await _run_with_roles(session.id, [people[0].id])
    await facilitator_action(ended_in_lobby.id, "end", ANONYMOUS, confirmed=True)  # never played: does not count
    assert await eligible_people(session.id) == []
    played = await _run_with_roles(session.id, [people[1].id])
    await start(played.id, ANONYMOUS)
    await facilitator_action(played.id, "end", ANONYMOUS, confirmed=True)
    assert await eligible_people(session.id) == [people[1].id]


async def test_the_certificate_follows_when_the_required_exercise_ends_after_attendance(
        make_course, make_session, make_person):
    course = await make_course(requires_exercise=True)
    session = await make_session(course=course)
    from drillhub.scheduling.tables import Session

    now = datetime.now(UTC)  # the exercise is under way
    await Session.update({Session.starts_at: now - timedelta(hours=1), Session.ends_at: now + timedelta(hours=3)}
                         ).where(Session.id == session.id)
    player, onlooker, absent = [await make_person() for _ in range(3)]
    await enrol_people(session.id, [player.id, onlooker.id, absent.id], ANONYMOUS)
    await mark_attendance(session.id, {player.id: "attended", onlooker.id: "attended", absent.id: "no_show"}, ANONYMOUS)
    assert await Certificate.count().where(Certificate.session == session.id) == 0  # no exercise played yet
    run = await _run_with_roles(session.id, [player.id, absent.id])
    await join(run.join_code, onlooker.id)  # joined, but held no role
    await start(run.id, ANONYMOUS)
    await facilitator_action(run.id, "end", ANONYMOUS, confirmed=True)
    issued = await Certificate.select(Certificate.person, Certificate.issued_by).where(Certificate.session == session.id)
    assert issued == [{"person": player.id, "issued_by": None}]
    audit = await AuditEvent.select(AuditEvent.actor_label).where(AuditEvent.action == "certificate.issue").first()
    assert audit["actor_label"] == RUN_ENDED.label


async def _run_with_roles(session_id: int, person_ids: list[int]) -> Run:
    """A run of the bridge scenario in its lobby, each person in it as patrol."""
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
    run = await open_run(session_id, "bridge-collapse", ANONYMOUS)
    for person_id in person_ids:
        await join(run.join_code, person_id)
        await assign(run.id, person_id, "patrol", ANONYMOUS)
    return run


async def test_verification_shows_valid_expired_and_revoked(attended):
    session, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    shown = await verify(certificate.code)
    assert (shown.status, shown.holder, shown.hours, shown.serial) == ("valid", people[0].name, "4", certificate.serial)
    assert (await verify(certificate.code, today=date.today() + timedelta(days=400))).status == "expired"
    with pytest.raises(Invalid):
        await revoke(certificate.id, " ", COORDINATOR)
    await revoke(certificate.id, "Attendance recorded in error", COORDINATOR)
    revoked = await verify(certificate.code)
    assert revoked.status == "revoked" and revoked.revoked_on == datetime.now(ZoneInfo(session.time_zone)).date()
    notice = (await _mail_to(people[0]))[-1]
    assert notice["subject"].startswith("Certificate revoked") and "Attendance recorded in error" in notice["body"]
    with pytest.raises(Conflict):
        await revoke(certificate.id, "again", COORDINATOR)


async def test_unknown_codes_get_the_same_answer_near_or_far(attended):
    session, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    answers = []
    for code in (certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B"), "x" * 22, "", certificate.serial):
        with pytest.raises(NotFound) as refused:
            await verify(code)
        answers.append(refused.value.message)
    assert len(set(answers)) == 1


async def test_reissue_revokes_the_old_and_links_the_new(attended):
    session, _, people = attended
    old = await Certificate.objects().where(Certificate.person == people[0].id).first()
    new = await reissue(old.id, "Name corrected", COORDINATOR)
    assert new.replaces == old.id and new.code != old.code and new.serial != old.serial
    assert (await verify(old.code)).status == "revoked" and (await verify(new.code)).status == "valid"
    assert ((await verify(old.code)).replaced_by, (await verify(old.code)).replaced_by_code) == (new.serial, new.code)
    assert (await verify(new.code)).replaced_by is None
    first, second = await _mail_to(people[0])  # issued, and issued again: no separate revocation notice
    assert "replaces your earlier one" in second["body"] and new.serial in second["body"]


async def test_verification_is_rate_limited_per_client(app):
    for _ in range(VERIFICATIONS_PER_MINUTE):
        assert await allow_verification("203.0.113.9")
    assert not await allow_verification("203.0.113.9")
    assert await allow_verification("198.51.100.7")


async def test_dates_are_the_day_where_the_training_was_not_in_utc(attended):
    """Issued at 21:00 in Chicago on the 29th is 03:00 UTC on the 30th: the certificate says the 29th."""
    session, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    late_evening = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    await Certificate.update({Certificate.issued_at: late_evening}).where(Certificate.id == certificate.id)
    certificate = await Certificate.objects().where(Certificate.id == certificate.id).first()
    assert session.time_zone == "America/Chicago"
    assert (await verify(certificate.code)).issued_on == date(2026, 11, 29)
    assert (await printed_facts(certificate, "https://drillhub.example")).issued_on == date(2026, 11, 29)


async def test_each_certificate_issued_is_an_earned_statement(attended):
    import json

    from drillhub.xapi.tables import XapiStatement

    session, _, people = attended
    rows = await XapiStatement.select(XapiStatement.statement, XapiStatement.person).where(XapiStatement.verb == "earned")
    assert sorted(row["person"] for row in rows) == sorted([people[0].id, people[1].id])
    made = json.loads(rows[0]["statement"])
    certificate = await Certificate.objects().where(Certificate.person == rows[0]["person"]).first()
    assert made["object"]["id"].endswith(f"/certificates/{certificate.id}")
    assert made["object"]["definition"]["description"] == {"en-US": f"Certificate {certificate.serial}"}
    hours = next(value for key, value in made["result"]["extensions"].items() if key.endswith("/credit-hours"))
    assert hours == float(certificate.credit_hours)


async def test_a_revoked_certificate_voids_its_earned_statement(attended):
    import json

    from drillhub.xapi.tables import XapiStatement

    session, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    [earned] = [json.loads(row["statement"]) for row in await XapiStatement.select(XapiStatement.statement).where(
        (XapiStatement.verb == "earned") & (XapiStatement.person == people[0].id))]
    await revoke(certificate.id, "Issued in error", COORDINATOR)
    [void] = [json.loads(row["statement"]) for row in await XapiStatement.select(XapiStatement.statement).where(
        XapiStatement.verb == "voided")]
    assert void["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert void["object"] == {"objectType": "StatementRef", "id": earned["id"]}
