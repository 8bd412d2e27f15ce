from enum import Enum

from piccolo.columns import Boolean, Varchar
from piccolo.table import Table


class Agency(Table):
    class Kind(str, Enum):
        municipal_police = "municipal_police"
        sheriff = "sheriff"
        state_police = "state_police"
        federal = "federal"
        fire = "fire"
        ems = "ems"
        dispatch = "dispatch"
        public_health = "public_health"
        emergency_management = "emergency_management"
        community = "community"
        utility = "utility"
        school_district = "school_district"
        transportation = "transportation"
        public_works = "public_works"
        hospital = "hospital"
        private_sector = "private_sector"
        non_profit = "non_profit"
        military = "military"
        other = "other"

    name = Varchar(length=200, unique=True)
    code = Varchar(length=12, unique=True)
    kind = Varchar(length=30, choices=Kind)
    jurisdiction = Varchar(length=200)
    contact_name = Varchar(length=200)
    contact_email = Varchar(length=254)
    contact_phone = Varchar(length=40)
    time_zone = Varchar(length=60, default="America/Chicago")  # its people's dates and "today"
    active = Boolean(default=True, index=True)


KIND_LABELS = {
    Agency.Kind.municipal_police: "Municipal police",
    Agency.Kind.sheriff: "Sheriff",
    Agency.Kind.state_police: "State police / highway patrol",
    Agency.Kind.federal: "Federal",
    Agency.Kind.fire: "Fire",
    Agency.Kind.ems: "EMS",
    Agency.Kind.dispatch: "Dispatch / 911",
    Agency.Kind.public_health: "Public health",
    Agency.Kind.emergency_management: "Emergency management",
    Agency.Kind.community: "Community organisation",
    Agency.Kind.utility: "Utility",
    Agency.Kind.school_district: "School district",
    Agency.Kind.transportation: "Transportation / rail",
    Agency.Kind.public_works: "Public works",
    Agency.Kind.hospital: "Hospital",
    Agency.Kind.private_sector: "Private sector",
    Agency.Kind.non_profit: "Non-profit",
    Agency.Kind.military: "Military",
    Agency.Kind.other: "Other",
}
