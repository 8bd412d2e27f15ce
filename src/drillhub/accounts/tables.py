from enum import Enum

from piccolo.columns import Array, Boolean, ForeignKey, OnDelete, Varchar
from piccolo.table import Table

from drillhub.agencies.tables import Agency


class Person(Table):
    class Role(str, Enum):
        admin = "admin"
        coordinator = "coordinator"
        facilitator = "facilitator"
        evaluator = "evaluator"
        officer = "officer"
        supervisor = "supervisor"

    name = Varchar(length=200)
    email = Varchar(length=254, unique=True)  # stored lower-cased
    agency = ForeignKey(references=Agency, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=100)  # title or rank
    badge_number = Varchar(length=40)
    active = Boolean(default=True, index=True)
    roles = Array(base_column=Varchar(length=20))
    password_hash = Varchar(length=255, secret=True)


class SupervisedAgency(Table):
    """A supervisor sees the people and records of each agency listed here for them."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(references=Agency, null=False, on_delete=OnDelete.cascade)

    @classmethod
    async def agency_ids_of(cls, person_id: int) -> list[int]:
        rows = await cls.select(cls.agency).where(cls.person == person_id).order_by(cls.agency)
        return [row["agency"] for row in rows]
