"""Reading a scenario file safely: YAML with limits, then the schema, each problem with its line and column.

YAML is composed (not constructed) with PyYAML's C parser and turned into plain data here, so that:
anchors and aliases are refused before anything is expanded (no alias bombs); duplicate keys are errors;
scalars follow YAML 1.2 (`NO` and `12:30` stay text); size, depth and node count are capped.
"""

import difflib
import pathlib
import re
from dataclasses import dataclass
from functools import cache
from os import PathLike
from typing import Any

import jsonschema
import msgspec
import yaml

from drillhub.scenarios.model import Scenario, json_schema

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 400_000

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    rule: str
    message: str
    line: int | None = None
    column: int | None = None

    def format(self, source: str) -> str:
        where = f"{source}:{self.line}:{self.column}" if self.line else source
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict:
        return {"severity": self.severity, "rule": self.rule, "message": self.message,
                "line": self.line, "column": self.column}


class ScenarioInvalid(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(finding.message for finding in findings))
        self.findings = findings


@dataclass(frozen=True)
class Document:
    data: Any
    positions: dict[Path, tuple[int, int]]  # where each value starts (1-based line, column)
    key_positions: dict[Path, tuple[int, int]]  # where each mapping key starts

    def position(self, path: Path, key: bool = False) -> tuple[int | None, int | None]:
        """The position of `path`, or of its nearest enclosing value that has one."""
        table = self.key_positions if key else self.positions
        while path:
            if path in table:
                return table[path]
            path = path[:-1]
            table = self.positions
        return self.positions.get((), (None, None))


# YAML 1.2 core schema for plain (unquoted) scalars.
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCTAL, _HEX = re.compile(r"^0o[0-7]+$"), re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _plain_scalar(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCTAL.match(text) or _HEX.match(text):
        return int(text, 0)
    if _FLOAT.match(text):
        return float(text)
    return text


def _error(rule: str, message: str, mark=None) -> ScenarioInvalid:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return ScenarioInvalid([Finding("error", rule, message, line, column)])


def _scan_events(text: str, loader_class) -> None:
    """Refuse anchors, aliases, deep nesting and huge node counts before anything is built."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _error("yaml-alias", "YAML anchors and aliases (&name, *name, <<) are not allowed.",
                         event.start_mark)
        if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            nodes += 1
            if nodes > MAX_NODES:
                raise _error("yaml-size", f"The file has more than {MAX_NODES} YAML nodes.", event.start_mark)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _error("yaml-depth", f"The file nests deeper than {MAX_DEPTH} levels.", event.start_mark)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def parse_yaml(text: str) -> Document:
    if len(text.encode()) > MAX_BYTES:
        raise _error("file-size", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB.")
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _scan_events(text, loader_class)
        node = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as problem:
        raise _error("yaml-syntax", f"YAML syntax: {problem.problem}", problem.problem_mark) from None
    except yaml.YAMLError as problem:
        raise _error("yaml-syntax", f"YAML syntax: {problem}") from None
    if node is None:
        raise _error("empty", "The file is empty.")
    positions: dict[Path, tuple[int, int]] = {}
    key_positions: dict[Path, tuple[int, int]] = {}

    def convert(node: yaml.Node, path: Path, depth: int) -> Any:
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.style else _plain_scalar(node.value)  # style "" or None: plain
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _error("yaml-key", "Mapping keys must be plain text.", key_node.start_mark)
            key = key_node.value
            if key in mapping:
                raise _error("duplicate-key", f"Duplicate key {key!r}: each key may appear once here.",
                             key_node.start_mark)
            key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = convert(value_node, (*path, key), depth + 1)
        return mapping

    data = convert(node, (), 0)
    return Document(data=data, positions=positions, key_positions=key_positions)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def describe_path(path: Path, data: Any = None) -> str:
    """`nodes[3].decision.choices[0]`, with each listed item's id when it has one: `nodes[3](n-entry)`."""
    text, here = "", data
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            here = here[part] if isinstance(here, list) and part < len(here) else None
            if isinstance(here, dict) and isinstance(here.get("id"), str):
                text += f"({here['id']})"
        else:
            text += f".{part}" if text else part
            here = here.get(part) if isinstance(here, dict) else None
    return text or "the file"


def _schema_finding(error: jsonschema.ValidationError, document: Document) -> Finding:
    if error.context:
        error = jsonschema.exceptions.best_match(error.context)
    path: Path = tuple(error.absolute_path)
    at_key = False
    where = describe_path(path, document.data)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path, at_key = (*path, extra[0]), True
        known = sorted(error.schema["properties"])
        guess = difflib.get_close_matches(extra[0], known, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"expected one of {known}"
        message = f"{where}: unknown field {extra[0]!r}; {hint}"
    elif error.validator == "required":
        message = f"{where}: {error.message.replace(' is a required property', '')} is required here"
    elif error.validator == "pattern" and "description" in error.schema:
        message = f"{where}: {error.instance!r} is not valid: use {error.schema['description']}"
    else:
        message = f"{where}: {error.message}"
    line, column = document.position(path, key=at_key)
    return Finding("error", "schema", message, line, column)


def read_scenario(text: str) -> tuple[Scenario, Document]:
    """Parse and schema-check one scenario; raise ScenarioInvalid with every schema problem at once."""
    document = parse_yaml(text)
    if not isinstance(document.data, dict):
        raise _error("schema", "A scenario file is a mapping of fields (id, title, nodes, ...).")
    errors = sorted(
        (_schema_finding(error, document) for error in _validator().iter_errors(document.data)),
        key=lambda finding: (finding.line or 0, finding.column or 0),
    )
    if errors:
        raise ScenarioInvalid(errors)
    return msgspec.convert(document.data, Scenario), document


def scenario_files(directory: str | PathLike) -> list[pathlib.Path]:
    root = pathlib.Path(directory)
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in root.glob(pattern) if path.is_file())


def find_scenario_file(directory: str | PathLike, name: str) -> pathlib.Path | None:
    """A path as given, or the file in `directory` whose scenario id is `name`."""
    given = pathlib.Path(name)
    if given.is_file():
        return given
    for path in scenario_files(directory):
        try:
            data = parse_yaml(path.read_text()).data
        except (ScenarioInvalid, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and data.get("id") == name:
            return path
    return None
