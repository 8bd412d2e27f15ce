"""Lets the `piccolo` command run from the repository root (e.g. `piccolo migrations new drillhub --auto`)."""

from drillhub.piccolo_conf import APP_REGISTRY, DB  # noqa: F401
