from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T05:47:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "run events: one sequence number per run (unique index)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drillhub", description=DESCRIPTION)

    async def unique_run_event_sequence():
        # The same statement is in exercises/tables.py.
        await engine_finder().run_ddl("CREATE UNIQUE INDEX IF NOT EXISTS run_event_seq ON run_event (run, seq)")

    manager.add_raw(unique_run_event_sequence)
    return manager
