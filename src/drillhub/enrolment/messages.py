"""The e-mail enrolment sends: to a person about their own place, to everyone enrolled when a session
changes, and to the supervisors who approve an officer's request. Queued in the caller's transaction."""

from dataclasses import replace

from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.enrolment.tables import Enrollment
from drillhub.ical import service as ical
from drillhub.ical.ics import Attendee, render
from drillhub.mail.service import queue_message
from drillhub.scheduling.when import describe_when
from drillhub.settings import settings_in_use

INVITING = ("invitation", "approved", "update", "promotion")  # these carry the invitation, which asks for an answer


async def tell(session_id: int, person_id: int, kind: str, reason: str = "") -> None:
    """Queue the message for one person: invitation, approved, update, promotion (with the invitation
    attached), withdrawal, declined or cancellation (with a CANCEL), waitlisted, requested or refused (text
    only; `reason` says why it was refused)."""
    settings = settings_in_use()
    row = await ical.session_row(session_id)
    person = await Person.select(Person.email, Person.name).where(Person.id == person_id).first()
    place = f"{row['venue_name']}, {row['venue_address']}" if row["venue_name"] else f"online: {row['meeting_url']}"
    link = f"{settings.public_url}/sessions/{session_id}"
    subjects = {
        "invitation": f"Invitation: {row['title']}", "update": f"Changed: {row['title']}",
        "promotion": f"A seat is yours: {row['title']}", "waitlisted": f"Waitlist: {row['title']}",
        "withdrawal": f"Withdrawn: {row['title']}", "cancellation": f"Cancelled: {row['title']}",
        "declined": f"Declined: {row['title']}", "requested": f"Waiting for approval: {row['title']}",
        "approved": f"Approved: {row['title']}", "refused": f"Not approved: {row['title']}",
    }
    openings = {
        "invitation": "You are enrolled in this training.", "update": "The time or place of this training changed.",
        "promotion": "A seat opened and you are now enrolled.",
        "waitlisted": "The training is full; you are on the waitlist and will be told if a seat opens.",
        "withdrawal": "You are no longer enrolled in this training.",
        "cancellation": "This training is cancelled.",
        "declined": "You declined this training and gave up your seat; it goes to the next person waiting.",
        "requested": "A supervisor of your agency approves requests for this training. Your seat is held "
                     "until they answer, and you will be told.",
        "approved": "A supervisor of your agency approved your request: you are enrolled in this training.",
        "refused": f"A supervisor of your agency did not approve your request for this training.\nReason: {reason}",
    }
    answer = ", and to accept or decline" if kind in INVITING else ""
    body = f"{person['name']},\n\n{openings[kind]}\n\n{row['title']}\n{describe_when(row)}\n{place}\n\n" \
           f"Details{answer}: {link}\n"
    calendar, method = b"", ""
    if kind in INVITING:
        attendees = await ical.attendees_of(session_id, person_id)
        calendar, method = render([ical.event_for(row, settings.public_url, attendees, settings.mail_from)],
                                  method="REQUEST"), "REQUEST"
    elif kind in ("withdrawal", "declined", "cancellation"):
        attendee = (Attendee(person["email"], person["name"], "NEEDS-ACTION" if kind == "cancellation" else "DECLINED"),)
        event = replace(ical.event_for(row, settings.public_url, attendee, settings.mail_from), cancelled=True)
        calendar, method = render([event], method="CANCEL"), "CANCEL"
    await queue_message(person["email"], subjects[kind], body, kind, recipient_id=person_id,
                        calendar=calendar, calendar_method=method)


async def notify_everyone(session_id: int, kind: str) -> None:
    """Inside the caller's transaction: an invitation, update or cancellation to everyone enrolled
    (a cancellation reaches those waiting for a seat or an approval too)."""
    statuses = [Enrollment.Status.enrolled] + (
        [Enrollment.Status.waitlisted, Enrollment.Status.requested] if kind == "cancellation" else [])
    rows = await Enrollment.select(Enrollment.person).where(
        (Enrollment.session == session_id) & Enrollment.status.is_in(statuses))
    for row in rows:
        await tell(session_id, row["person"], kind)


async def ask_supervisors(session_id: int, person_id: int) -> None:
    """Tell the supervisors of the person's agency that their request waits for approval."""
    person = await Person.select(Person.name, Person.agency, Person.agency.name.as_alias("agency_name")).where(
        Person.id == person_id).first()
    supervisors = await Person.select(Person.id, Person.email, Person.name).where(
        Person.id.is_in(SupervisedAgency.select(SupervisedAgency.person).where(SupervisedAgency.agency == person["agency"]))
        & Person.active.eq(True) & Person.roles.any("supervisor") & (Person.id != person_id))
    row = await ical.session_row(session_id)
    link = f"{settings_in_use().public_url}/sessions/{session_id}"
    for supervisor in supervisors:
        await queue_message(
            supervisor["email"], f"Approval needed: {person['name']}, {row['title']}",
            f"{supervisor['name']},\n\n{person['name']} ({person['agency_name']}) asks for a seat in this training, "
            f"which needs a supervisor's approval. Their seat is held until you answer.\n\n{row['title']}\n"
            f"{describe_when(row)}\n\nApprove or refuse: {link}\n", "approval", recipient_id=supervisor["id"])
