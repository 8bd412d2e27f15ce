import sqlite3

import pytest

from drillhub import db
from drillhub.agencies.tables import Agency

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def agency(code: str) -> Agency:
    return Agency(name=f"Agency {code}", code=code, kind=Agency.Kind.fire, jurisdiction="Testville",
                  contact_name="", contact_email="", contact_phone="")


@sqlite_only
async def test_sqlite_transactions_reuse_kept_connections(app):
    engine = db.current_engine()
    async with db.transaction() as first:
        await agency("A1").save()
    async with db.transaction() as second:
        await agency("A2").save()
    assert second.connection is first.connection and engine.idle_connections == [first.connection]
    assert await Agency.count() == 2


@sqlite_only
async def test_a_failed_sqlite_transaction_keeps_nothing_and_gives_back_a_clean_connection(app):
    engine = db.current_engine()
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await agency("B1").save()
            raise RuntimeError("half-way")
    assert await Agency.count() == 0
    assert [c.in_transaction for c in engine.idle_connections] == [False]


@sqlite_only
async def test_kept_sqlite_connections_enforce_foreign_keys_in_transactions(app):
    from drillhub.accounts.tables import Person

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.transaction():
            await Person.insert(Person(name="Nobody", email="n@example.org", agency=999, roles=[]))


async def test_insert_all_splits_what_one_statement_could_not_bind(app):
    from drillhub.audit.service import ANONYMOUS, record_events
    from drillhub.audit.tables import AuditEvent

    entries = [(f"target {n}", {"n": n}) for n in range(8_000)]  # 72,000 values: over PostgreSQL's 65,535
    await record_events("test.bulk", ANONYMOUS, entries)
    rows = await AuditEvent.select(AuditEvent.target).where(AuditEvent.action == "test.bulk").order_by(AuditEvent.id)
    assert [row["target"] for row in rows] == [target for target, _ in entries]
    ids = await db.insert_all(Agency, [agency(f"B{n}") for n in range(3)], Agency.id, Agency.code)
    assert [row["code"] for row in ids] == ["B0", "B1", "B2"]
