from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-21T07:29:25:377106"
VERSION = "1.38.0"
DESCRIPTION = "run events record joins"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="drillhub", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="RunEvent",
        tablename="run_event",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "Kind",
                {
                    "start": "start",
                    "decision": "decision",
                    "confirm": "confirm",
                    "advance": "advance",
                    "timeout": "timeout",
                    "change": "change",
                    "inject": "inject",
                    "join": "join",
                    "assign": "assign",
                    "pause": "pause",
                    "resume": "resume",
                    "extend": "extend",
                    "end": "end",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Kind",
                {
                    "start": "start",
                    "decision": "decision",
                    "confirm": "confirm",
                    "advance": "advance",
                    "timeout": "timeout",
                    "change": "change",
                    "inject": "inject",
                    "assign": "assign",
                    "pause": "pause",
                    "resume": "resume",
                    "extend": "extend",
                    "end": "end",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
