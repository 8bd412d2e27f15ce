from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar


ID = "2026-11-30T13:21:03:738113"
VERSION = "1.38.0"
DESCRIPTION = "agency kinds: utility, school district, transportation, public works, hospital, private sector, non-profit, military"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="drillhub", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Agency",
        tablename="agency",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "Kind",
                {
                    "municipal_police": "municipal_police",
                    "sheriff": "sheriff",
                    "state_police": "state_police",
                    "federal": "federal",
                    "fire": "fire",
                    "ems": "ems",
                    "dispatch": "dispatch",
                    "public_health": "public_health",
                    "emergency_management": "emergency_management",
                    "community": "community",
                    "utility": "utility",
                    "school_district": "school_district",
                    "transportation": "transportation",
                    "public_works": "public_works",
                    "hospital": "hospital",
                    "private_sector": "private_sector",
                    "non_profit": "non_profit",
                    "military": "military",
                    "other": "other",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Kind",
                {
                    "municipal_police": "municipal_police",
                    "sheriff": "sheriff",
                    "state_police": "state_police",
                    "federal": "federal",
                    "fire": "fire",
                    "ems": "ems",
                    "dispatch": "dispatch",
                    "public_health": "public_health",
                    "emergency_management": "emergency_management",
                    "community": "community",
                    "other": "other",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )


    return manager
