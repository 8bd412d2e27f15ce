"""Demo data for a fictional county: agencies of every kind and people in every role.

Loading is idempotent: records are matched by agency code and e-mail, and only missing ones are added.
"""

from drillhub import db
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.agencies.tables import Agency
from drillhub.auth.passwords import hash_password

DEMO_PASSWORD = "drillhub-demo-2026"
DEMO_DOMAIN = "demo.drillhub.test"

K = Agency.Kind
AGENCIES = [
    ("RPD", "Riverton Police Department", K.municipal_police, "City of Riverton", "Lt. Ana Ruiz", "555-0101"),
    ("HCSO", "Harlan County Sheriff's Office", K.sheriff, "Harlan County", "Chief Deputy Paul Greer", "555-0102"),
    ("SHP-C", "State Highway Patrol, Troop C", K.state_police, "Troop C district (Harlan, Bexley, Pine counties)", "Capt. Lena Ortiz", "555-0103"),
    ("RFD", "Riverton Fire Department", K.fire, "City of Riverton", "Battalion Chief Sam Okafor", "555-0104"),
    ("HCEMS", "Harlan County EMS", K.ems, "Harlan County", "Ops Manager Gail Tran", "555-0105"),
    ("HC911", "Harlan County 911 Communications", K.dispatch, "Harlan County", "Center Manager Rick Dunn", "555-0106"),
    ("HCEM", "Harlan County Emergency Management", K.emergency_management, "Harlan County", "Director Joan Pike", "555-0107"),
    ("HCHD", "Harlan County Health Department", K.public_health, "Harlan County", "Dr. Amir Haddad", "555-0108"),
    ("FBI-RRA", "FBI Riverton Resident Agency", K.federal, "Federal (Riverton area)", "SSRA Claire Moss", "555-0109"),
    ("HVRC", "Harlan Valley Red Cross", K.community, "Harlan and Bexley counties", "Volunteer Lead Nina Park", "555-0110"),
]

# The one sign-in per role that the README names.
DEMO_SIGN_INS = {
    "admin": f"admin@{DEMO_DOMAIN}",
    "coordinator": f"coordinator@{DEMO_DOMAIN}",
    "facilitator": f"facilitator@{DEMO_DOMAIN}",
    "evaluator": f"evaluator@{DEMO_DOMAIN}",
    "officer": f"officer@{DEMO_DOMAIN}",
    "supervisor": f"supervisor@{DEMO_DOMAIN}",
}
ROLE_PEOPLE = [
    # (email, name, agency code, title, badge, roles, supervised agency codes)
    (DEMO_SIGN_INS["admin"], "Dana Whitfield", "HCEM", "Systems Administrator", "", ["admin"], []),
    (DEMO_SIGN_INS["coordinator"], "Marcus Bell", "HCEM", "Training and Exercise Coordinator", "", ["coordinator"], []),
    (DEMO_SIGN_INS["facilitator"], "Rosa Alvarez", "RPD", "Lieutenant", "RPD-2114", ["facilitator", "officer"], []),
    (DEMO_SIGN_INS["evaluator"], "Owen Pryor", "RFD", "Captain", "RFD-311", ["evaluator"], []),
    (DEMO_SIGN_INS["officer"], "Jamie Chen", "RPD", "Patrol Officer", "RPD-3391", ["officer"], []),
    (DEMO_SIGN_INS["supervisor"], "Keisha Monroe", "RPD", "Sergeant", "RPD-1870", ["supervisor", "officer"], ["RPD"]),
]

TITLES = {
    "RPD": ["Patrol Officer", "Corporal", "Detective"],
    "HCSO": ["Deputy", "Deputy", "Sergeant"],
    "SHP-C": ["Trooper", "Trooper First Class", "Sergeant"],
    "RFD": ["Firefighter/EMT", "Engineer", "Lieutenant"],
    "HCEMS": ["Paramedic", "EMT", "Field Supervisor"],
    "HC911": ["Telecommunicator", "Telecommunicator II", "Shift Supervisor"],
    "HCEM": ["Planner", "Logistics Specialist", "Deputy Director"],
    "HCHD": ["Epidemiologist", "Public Health Nurse", "Preparedness Coordinator"],
    "FBI-RRA": ["Special Agent", "Intelligence Analyst", "Supervisory Special Agent"],
    "HVRC": ["Shelter Manager", "Disaster Volunteer", "Mass Care Lead"],
}
FIRST = ["Avery", "Blake", "Carmen", "Dev", "Elena", "Felix", "Grace", "Hector", "Imani", "Jonah", "Kira",
         "Luis", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Reza", "Sofia", "Tariq", "Uma", "Victor",
         "Wendy", "Xavier", "Yara", "Zane", "Ahmed", "Bianca", "Conor", "Dalia"]
LAST = ["Abbott", "Brooks", "Castillo", "Dimitrov", "Ellis", "Fischer", "Garza", "Holt", "Ibarra", "Jensen",
        "Kowalski", "Lindqvist", "Mbeki", "Nakamura", "Osei", "Patel", "Quintero", "Rasmussen", "Silva",
        "Thornton", "Usman", "Varga", "Whitaker", "Xu", "Young", "Zamora", "Adeyemi", "Becker", "Cruz", "Duarte"]


def _generated_people() -> list[tuple]:
    """Three people in each agency, deterministic, so a second load finds them all present."""
    people = []
    for index, (code, *_rest) in enumerate(AGENCIES):
        for rank, title in enumerate(TITLES[code]):
            n = index * 3 + rank
            first, last = FIRST[n], LAST[(n * 7) % len(LAST)]
            roles = ["supervisor", "officer"] if rank == 2 else ["officer"]
            supervised = [code] if rank == 2 else []
            badge = f"{code}-{1000 + n * 37}"
            email = f"{first}.{last}@{DEMO_DOMAIN}".lower()
            people.append((email, f"{first} {last}", code, title, badge, roles, supervised))
    return people


async def database_is_empty() -> bool:
    return not await Agency.exists()


async def load_demo() -> None:
    password_hash = await hash_password(DEMO_PASSWORD)
    async with db.transaction():
        existing = {row["code"] for row in await Agency.select(Agency.code)}
        missing = [
            Agency(code=code, name=name, kind=kind, jurisdiction=jurisdiction, contact_name=contact,
                   contact_email=f"training@{code.lower()}.{DEMO_DOMAIN}", contact_phone=phone)
            for code, name, kind, jurisdiction, contact, phone in AGENCIES if code not in existing
        ]
        if missing:
            await Agency.insert(*missing)
        agency_ids = {row["code"]: row["id"] for row in await Agency.select(Agency.id, Agency.code)}
        known = {row["email"] for row in await Person.select(Person.email)}
        for email, name, code, title, badge, roles, supervised in [*ROLE_PEOPLE, *_generated_people()]:
            if email in known:
                continue
            person = Person(name=name, email=email, agency=agency_ids[code], title=title, badge_number=badge,
                            roles=roles, password_hash=password_hash)
            await person.save()
            for supervised_code in supervised:
                await SupervisedAgency.insert(SupervisedAgency(person=person.id, agency=agency_ids[supervised_code]))


COURSES = [
    # title, type, hours, category, capacity, validity months, scenario, venue key, description
    ("Active threat response", "tabletop", "4", "POST-LE-AT", 24, 24, "school-active-threat", "eoc",
     "Joint tabletop for police, fire, EMS and 911 on the first hour of an active threat."),
    ("Vehicle pursuit policy and handoffs", "seminar", "3", "POST-LE-VP", 20, 12, "pursuit-across-lines", "rpd",
     "Pursuit policy, termination and handing the lead across county and state lines."),
    ("911 continuity of operations", "tabletop", "4", "DISP-COOP", 16, None, "ransomware-911", "eoc",
     "Keeping 911 answering when CAD fails: manual procedures, backup centre, cyber response."),
    ("Mass care and shelter operations", "workshop", "6", "EM-MC", 30, None, "derecho-mass-care", "eoc",
     "Shelters, functional needs and power-dependent residents after a severe storm."),
    ("Special event security and IED awareness", "tabletop", "4", "POST-LE-SE", 24, 36,
     "festival-suspicious-package", "rpd", "Suspicious items, standoff and crowd movement at large events."),
    ("Patrol rifle qualification", "drill", "4", "POST-LE-FQ", 12, 12, None, "range",
     "Annual qualification course of fire."),
]
VENUES = {
    "eoc": ("EOC Training Room", "HCEM", "200 Courthouse Square, Riverton", 40, "Park behind the courthouse; badge access at the east door."),
    "rpd": ("Riverton PD Training Room B", "RPD", "15 Main Street, Riverton", 24, "Visitor parking on 5th Street."),
    "range": ("Harlan County Range", "HCSO", "County Road 12, Harlan", 16, "Eye and ear protection required."),
}
DEMO_ZONE = "America/Chicago"


async def load_demo_schedule() -> None:
    """Courses, shared venues and two months of sessions (some past), with reserved seats,
    enrolments, attendance and one full session with a waitlist. Only when no course exists yet."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from drillhub.enrolment.tables import Enrollment
    from drillhub.scheduling.tables import Course, SeatReservation, Session, SessionStaff, Venue

    if await Course.exists():
        return
    agencies = {row["code"]: row["id"] for row in await Agency.select(Agency.id, Agency.code)}
    people = await Person.select(Person.id, Person.agency, Person.email, Person.roles).order_by(Person.id)
    by_email = {row["email"]: row["id"] for row in people}
    coordinator = by_email[DEMO_SIGN_INS["coordinator"]]
    officers = [row for row in people if "officer" in row["roles"]]
    zone = ZoneInfo(DEMO_ZONE)
    today = datetime.now(zone).date()
    async with db.transaction():
        venues = {}
        for key, (name, code, address, capacity, notes) in VENUES.items():
            venue = Venue(name=name, agency=agencies[code], address=address, time_zone=DEMO_ZONE, capacity=capacity,
                          notes=notes)
            await venue.save()
            venues[key] = venue
        courses = []
        for title, kind, hours, category, capacity, validity, scenario, venue_key, description in COURSES:
            course = Course(title=title, description=description, exercise_type=kind, objectives=[],
                            core_capabilities=[], credit_hours=hours, credit_category=category,
                            default_capacity=capacity, validity_months=validity,
                            scenarios=[scenario] if scenario else [])
            await course.save()
            courses.append((course, venues[venue_key]))
        for n in range(30):  # every other weekday or so, from two weeks ago to seven weeks ahead
            day = today + timedelta(days=-14 + n * 2 + (n % 3))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            course, venue = courses[n % len(courses)]
            hour = 8 if n % 2 == 0 else 13
            starts_at = datetime.combine(day, time(hour), zone).astimezone(UTC)
            hours = max(3, int(course.credit_hours))
            past = day < today
            status = Session.Status.completed if past else (Session.Status.draft if n % 11 == 10 else Session.Status.published)
            if n == 17:
                status = Session.Status.cancelled
            session = Session(uid=f"demo-{n}@drillhub", course=course.id, venue=venue.id, meeting_url="",
                              starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), time_zone=DEMO_ZONE,
                              capacity=course.default_capacity, status=status, sequence=0,
                              notes="Bring your agency ID." if n % 4 == 0 else "", coordinator_notes="",
                              cancel_reason="Instructor unavailable" if n == 17 else "", venue_override_reason="",
                              created_by=coordinator)
            await session.save()
            await SessionStaff.insert(
                SessionStaff(session=session.id, person=by_email[DEMO_SIGN_INS["facilitator"]], role="facilitator"),
                SessionStaff(session=session.id, person=by_email[DEMO_SIGN_INS["evaluator"]], role="evaluator", lead=True))
            if n % 3 == 0:
                await SeatReservation.insert(SeatReservation(
                    session=session.id, agency=agencies["RPD"], seats=4,
                    release_at=starts_at - timedelta(days=7), notes="Patrol day shift first"))
            # fill some sessions completely (the 5th overflows onto the waitlist), others partly
            wanted = session.capacity + 2 if n == 16 else session.capacity * (40 + (n * 17) % 60) // 100
            chosen = [officers[(n * 7 + k) % len(officers)] for k in range(min(wanted, len(officers)))]
            if not past and n in (14, 16, 19):
                chosen.insert(0, next(row for row in officers if row["email"] == DEMO_SIGN_INS["officer"]))
            if past and n in (1, 3):
                chosen.insert(0, next(row for row in officers if row["email"] == DEMO_SIGN_INS["officer"]))
            seen = set()
            for position, person in enumerate(chosen):
                if person["id"] in seen:
                    continue
                seen.add(person["id"])
                full = len(seen) > session.capacity
                attendance = ("no_show" if position % 7 == 3 else "attended") if past and not full else None
                requested = starts_at - timedelta(days=20, minutes=-position)
                await Enrollment.insert(Enrollment(
                    session=session.id, person=person["id"], status="waitlisted" if full else "enrolled",
                    reply="ACCEPTED" if position % 3 == 0 else "NEEDS-ACTION", attendance=attendance,
                    requested_at=requested, changed_at=requested, changed_by=coordinator))


async def load_demo_afteraction() -> None:
    """A past active-threat tabletop evaluated and reported: EEG, observations, reconciled ratings,
    hot wash forms, a final AAR and its Improvement Plan. Only when no report exists yet."""
    from datetime import UTC, datetime, timedelta

    from drillhub.afteraction import evaluation, feedback, improvement, report
    from drillhub.afteraction.tables import Report
    from drillhub.audit.service import Actor
    from drillhub.enrolment.tables import Enrollment
    from drillhub.scheduling.tables import Session

    if await Report.exists():
        return
    session = await Session.select(Session.id).where(
        (Session.status == Session.Status.completed) & (Session.course.title == COURSES[0][0])).order_by(
        Session.starts_at).first()
    if session is None:
        return
    session_id = session["id"]
    lead = await Person.select(Person.id).where(Person.email == DEMO_SIGN_INS["evaluator"]).first()
    actor = Actor(person_id=lead["id"], label=DEMO_SIGN_INS["evaluator"])
    await evaluation.seed_targets(session_id)
    targets = await evaluation.list_targets(session_id)
    notes = ["Contact team formed from the first two units within four minutes.",
             "Fire asked twice where the warm zone was; no one had announced it.",
             "Dispatch kept a single talk group for police, fire and EMS."]
    for n, (target, rating) in enumerate(zip(targets, "PMSPSS", strict=False)):
        await evaluation.record_observation(session_id, lead["id"], evaluation.ObservationInput(
            concerns=str(target["id"]), note=notes[n % len(notes)], kind="strength" if rating in "PS" else "improvement"),
            DEMO_ZONE)
        for target_id in (str(target["id"]), ""):
            await evaluation.rate(session_id, lead["id"], evaluation.RatingInput(
                capability=target["capability"], target=target_id, value=rating, reconciled="yes"), True, actor)
    attended = await Enrollment.select(Enrollment.person).where(
        (Enrollment.session == session_id) & (Enrollment.attendance == Enrollment.Attendance.attended)).limit(4)
    answers = [("Clear radio discipline", "Warm zone not announced", "45435443"),
               ("Fast contact team", "Unified command late", "54445354"),
               ("Good scenario", "Warm zone confusion with fire", "44354434"),
               ("", "More joint radio practice", "33444343")]
    for row, (strength, improvement_area, ratings) in zip(attended, answers, strict=False):
        await feedback.submit_feedback(session_id, row["person"], feedback.FeedbackInput(
            exercise_role="player", strengths=(strength,), improvements=(improvement_area,), ratings=tuple(ratings)))
    await report.open_report(session_id, actor)
    capabilities = [t["capability"] for t in targets]
    today = datetime.now(UTC).date()
    agencies = {row["code"]: row["id"] for row in await Agency.select(Agency.id, Agency.code)}
    for capability, issue, action, element, code, due in [
        (capabilities[0], "The warm zone was not announced to fire and EMS.",
         "Add warm-zone announcement to the active threat checklist.", "planning", "RPD", today - timedelta(days=10)),
        (capabilities[-1], "One talk group was overloaded.", "Joint radio drill on the interop talk groups.", "training",
         "HC911", today + timedelta(days=60))]:
        await improvement.add_action(session_id, improvement.ActionInput(
            capability=capability, issue=issue, action=action, element=element, agency=str(agencies[code]),
            contact="Training officer", start_on=(today - timedelta(days=14)).isoformat(), due_on=due.isoformat()),
            capabilities, actor)
    await report.finalize_report(session_id, 1, actor)


async def load_demo_certificates() -> None:
    """Certificates for everyone marked attended in the demo's past sessions (issuing skips anyone who
    already holds one, so a second load adds nothing)."""
    from drillhub.audit.service import Actor
    from drillhub.certificates.service import issue_for_session
    from drillhub.scheduling.tables import Session

    coordinator = await Person.select(Person.id).where(Person.email == DEMO_SIGN_INS["coordinator"]).first()
    actor = Actor(person_id=coordinator["id"], label=DEMO_SIGN_INS["coordinator"])
    for session in await Session.select(Session.id).where(Session.status == Session.Status.completed):
        await issue_for_session(session["id"], actor)
