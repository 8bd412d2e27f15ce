"""HSEEP reference data kept as versioned data files (the list changes between editions of the Goal)."""

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

EDITION_FILE = "core-capabilities.yaml"


@dataclass(frozen=True)
class CoreCapabilities:
    edition: str
    mission_areas: tuple[str, ...]
    by_name: dict[str, tuple[str, ...]]  # capability -> its mission areas

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)


@cache
def core_capabilities() -> CoreCapabilities:
    data = yaml.safe_load(files("drillhub.reference").joinpath(EDITION_FILE).read_text())
    return CoreCapabilities(
        edition=data["edition"],
        mission_areas=tuple(data["mission_areas"]),
        by_name={item["name"]: tuple(item["mission_areas"]) for item in data["capabilities"]},
    )
