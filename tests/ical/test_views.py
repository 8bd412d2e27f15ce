from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people
from tests.support import post_form


async def test_session_invite_has_everyone_for_coordinators_and_only_you_otherwise(
        signed_in_client, make_session, make_person):
    session = await make_session()
    officer = await signed_in_client("officer")
    other = await make_person()
    await enrol_people(session.id, [officer.person.id, other.id], ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    full = Calendar.from_ical((await coordinator.get(f"/sessions/{session.id}/invite.ics")).content)
    [event] = full.walk("VEVENT")
    assert full["METHOD"] == "REQUEST" and len(event["ATTENDEE"]) == 2
    own = await officer.get(f"/sessions/{session.id}/invite.ics")
    assert own.headers["content-type"].startswith("text/calendar")
    assert officer.person.email.encode() in own.content and other.email.encode() not in own.content


async def test_feeds_are_private_urls_that_can_be_revoked(signed_in_client, make_session, make_person, client):
    session = await make_session()
    officer = await signed_in_client("officer")
    await enrol_people(session.id, [officer.person.id], ANONYMOUS)
    made = await post_form(officer, "/calendar-feeds/")
    url = made.text.split('<code class="feed-url">')[1].split("</code>")[0]
    path = url.removeprefix("http://127.0.0.1:8000")
    feed = await client.get(path)  # no sign-in needed
    assert feed.status_code == 200 and session.uid.encode() in feed.content
    assert b"METHOD" not in feed.content
    assert (await client.get("/feeds/made-up-token.ics")).status_code == 404
    from drillhub.ical.tables import CalendarFeed

    feed_id = (await CalendarFeed.select(CalendarFeed.id).first())["id"]
    stranger = await signed_in_client("officer")
    assert (await post_form(stranger, f"/calendar-feeds/{feed_id}/revoke")).status_code == 403
    await post_form(officer, f"/calendar-feeds/{feed_id}/revoke")
    assert (await client.get(path)).status_code == 404


async def test_agency_feeds_for_its_supervisors(signed_in_client, make_session, make_agency, client):
    agency, other = await make_agency(), await make_agency()
    session = await make_session(reservations=[(agency, 2, datetime.now(UTC) + timedelta(days=2))])
    supervisor = await signed_in_client("supervisor", supervised=[agency])
    refused = await post_form(supervisor, "/calendar-feeds/", {"agency": str(other.id)})
    assert refused.status_code == 403
    made = await post_form(supervisor, "/calendar-feeds/", {"agency": str(agency.id)})
    path = made.text.split('<code class="feed-url">')[1].split("</code>")[0].removeprefix("http://127.0.0.1:8000")
    assert session.uid.encode() in (await client.get(path)).content


async def test_feeds_answer_not_modified_when_nothing_changed(signed_in_client, make_session, client):
    session = await make_session()
    officer = await signed_in_client("officer")
    await enrol_people(session.id, [officer.person.id], ANONYMOUS)
    made = await post_form(officer, "/calendar-feeds/")
    path = made.text.split('<code class="feed-url">')[1].split("</code>")[0].removeprefix("http://127.0.0.1:8000")
    first = await client.get(path)
    etag = first.headers["etag"]
    assert (await client.get(path, headers={"If-None-Match": etag})).status_code == 304
    from drillhub.scheduling.tables import Session

    await Session.update({Session.sequence: 5}).where(Session.id == session.id)
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag and b"SEQUENCE:5" in changed.content
