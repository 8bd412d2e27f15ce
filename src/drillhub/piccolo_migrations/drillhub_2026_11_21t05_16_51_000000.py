from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T05:16:51:000000"
VERSION = "1.38.0"
DESCRIPTION = "one enrolment per person per session (unique index)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drillhub", description=DESCRIPTION)

    async def one_enrollment_per_person():
        # Piccolo has no composite unique constraint; the same statement is in enrolment/tables.py.
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS enrollment_one_per_person ON enrollment (session, person)"
        )

    manager.add_raw(one_enrollment_per_person)
    return manager
