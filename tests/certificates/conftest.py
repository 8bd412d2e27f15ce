from datetime import UTC, datetime, timedelta

import pytest

from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people, mark_attendance


@pytest.fixture
async def attended(make_session, make_course, make_person):
    """A session (4 credit hours, valid 12 months) that has happened: two attended, one no-show."""
    from drillhub.scheduling.tables import Session

    now = datetime.now(UTC)
    course = await make_course(validity_months=12, credit_hours=4)
    session = await make_session(course=course)
    people = [await make_person() for _ in range(3)]
    await enrol_people(session.id, [p.id for p in people], ANONYMOUS)
    await Session.update({Session.starts_at: now - timedelta(days=3), Session.ends_at: now - timedelta(days=3, hours=-4)}
                         ).where(Session.id == session.id)  # and then it happened
    await mark_attendance(session.id, {people[0].id: "attended", people[1].id: "attended", people[2].id: "no_show"},
                          ANONYMOUS)
    return session, course, people
