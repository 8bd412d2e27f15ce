from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T13:32:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "scenario versions stored before drafts existed were in the library: published when loaded"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drillhub", description=DESCRIPTION)

    async def publish_every_earlier_version():
        # A raw step runs before a migration's columns are added: published_at came in the previous one.
        await engine_finder().run_ddl("UPDATE scenario_version SET published_at = loaded_at WHERE published_at IS NULL")

    manager.add_raw(publish_every_earlier_version)
    return manager
