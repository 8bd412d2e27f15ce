from datetime import UTC, date, datetime, timedelta

import pytest

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.audit.tables import AuditEvent
from drillhub.certificates.service import (
    VERIFICATIONS_PER_MINUTE,
    allow_verification,
    eligible_people,
    issue_for_session,
    reissue,
    revoke,
    verify,
)
from drillhub.certificates.tables import Certificate
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.exercises.tables import Run

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
    await _finished_run(session.id, people[1].id)
    assert await eligible_people(session.id) == [people[1].id]


async def _finished_run(session_id: int, person_id: int) -> None:
    from drillhub.facilitation.service import assign, join, open_run
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
    run = await open_run(session_id, "bridge-collapse", ANONYMOUS)
    await join(run.join_code, person_id)
    await assign(run.id, person_id, "patrol", ANONYMOUS)
    await Run.update({Run.status: Run.Status.ended}).where(Run.id == run.id)


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
    assert revoked.status == "revoked" and revoked.revoked_on == datetime.now(UTC).date()
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


async def test_verification_is_rate_limited_per_client(app):
    for _ in range(VERIFICATIONS_PER_MINUTE):
        assert await allow_verification("203.0.113.9")
    assert not await allow_verification("203.0.113.9")
    assert await allow_verification("198.51.100.7")
