"""What Piccolo's own tools (migrations) read: the engine named by DRILLHUB_DATABASE_URL."""

from piccolo.conf.apps import AppRegistry

from drillhub.db import make_engine
from drillhub.settings import load_settings

DB = make_engine(load_settings().database_url, pooled=False)
APP_REGISTRY = AppRegistry(apps=["drillhub.piccolo_app"])
