from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod


ID = "2026-11-30T11:07:51:040410"
VERSION = "1.38.0"
DESCRIPTION = "observation kind"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="drillhub", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Observation",
        tablename="observation",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 12,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
