"""One Piccolo app over every domain's tables, so there is one linear migration history."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

TABLE_MODULES = [
    "drillhub.agencies.tables",
    "drillhub.accounts.tables",
    "drillhub.auth.tables",
    "drillhub.audit.tables",
    "drillhub.scenarios.tables",
    "drillhub.scheduling.tables",
    "drillhub.enrolment.tables",
    "drillhub.ical.tables",
    "drillhub.mail.tables",
    "drillhub.exercises.tables",
    "drillhub.afteraction.tables",
    "drillhub.certificates.tables",
    "drillhub.xapi.tables",
]

APP_CONFIG = AppConfig(
    app_name="drillhub",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
