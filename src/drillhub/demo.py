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
