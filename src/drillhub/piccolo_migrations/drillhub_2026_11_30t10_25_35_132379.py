from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T10:25:35:132379"
VERSION = "1.38.0"
DESCRIPTION = "corrective action notes into their history"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drillhub", description=DESCRIPTION)

    async def keep_each_note_as_the_first_of_its_history():
        # Raw steps run before the column is dropped; the action_note table came in the previous migration.
        await engine_finder().run_ddl(
            "INSERT INTO action_note (action, at, author, author_name, status, text) "
            "SELECT id, updated_at, updated_by, '', status, notes FROM corrective_action WHERE notes <> ''"
        )

    manager.add_raw(keep_each_note_as_the_first_of_its_history)
    manager.drop_column(
        table_class_name="CorrectiveAction",
        tablename="corrective_action",
        column_name="notes",
        db_column_name="notes",
        schema=None,
    )
    return manager
