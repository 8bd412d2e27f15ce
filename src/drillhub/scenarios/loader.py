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


class Document:
    """Parsed data, and where each value and each key stands in the text (1-based line, column).

    Positions are kept beside the data: for each mapping or list (by identity), the marks of its
    items; `position()` walks a path through them."""

    def __init__(self, data: Any, root_mark: tuple[int, int], marks: dict[int, Any], text: str = "") -> None:
        self.data = data
        self.root_mark = root_mark
        self.marks = marks
        self.text = text

    def inside(self, path: Path, value: str, offset: int) -> tuple[int | None, int | None]:
        """Where the `offset`-th character of the text `value` at `path` stands, when the value is written
        on its line as it reads (plain or quoted, no escapes, not folded); else where the value begins."""
        line, column = self.position(path)
        if line is None or column is None:
            return line, column
        lines = self.text.splitlines()
        source = lines[line - 1] if line <= len(lines) else ""
        start = column - 1 + (source[column - 1:column] in ("'", '"') and not value.startswith(source[column - 1]))
        return (line, start + offset + 1) if source[start:start + len(value)] == value else (line, column)

    def line_starts(self):
        """Where every key and every list item of the file begins: (line, column)."""
        for marks in self.marks.values():
            for mark in (marks.values() if isinstance(marks, dict) else marks):
                yield (mark[2], mark[3]) if len(mark) == 4 else (mark[0], mark[1])

    def position(self, path: Path, key: bool = False) -> tuple[int | None, int | None]:
        """The position of `path` (of its key, with key=True), or of the nearest enclosing value."""
        here, mark = self.data, self.root_mark
        for index, part in enumerate(path):
            marks = self.marks.get(id(here))
            if marks is None:
                break
            if isinstance(here, dict) and part in here:
                value_line, value_column, key_line, key_column = marks[part]
                last_key = key and index == len(path) - 1
                mark = (key_line, key_column) if last_key else (value_line, value_column)
                here = here[part]
            elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
                mark, here = marks[part], here[part]
            else:
                break
        return mark


# YAML 1.2 core schema for plain (unquoted) scalars.
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# Longer digit runs stay text, so the schema check names them: Python refuses to print an integer of
# more than 4,300 digits, and every message about a value prints it.
_INT = re.compile(r"^[-+]?[0-9]{1,30}$")
_OCTAL, _HEX = re.compile(r"^0o[0-7]{1,30}$"), re.compile(r"^0x[0-9a-fA-F]{1,30}$")
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


ALIASES_REFUSED = "YAML anchors and aliases (&name, *name, <<) are not allowed."
QUOTE_HINT = "Put text that has ': ', ',' or a bracket in it in quotes, e.g. label: \"Stage here, then wait\"."


def yaml_said(problem: yaml.MarkedYAMLError, text: str) -> str:
    """What PyYAML's problem means, in an exercise designer's words, with a hint."""
    began = f"line {problem.context_mark.line + 1}, column {problem.context_mark.column + 1}" \
        if problem.context_mark else "above"
    mark = problem.problem_mark
    found = text[mark.index:mark.index + 1] if mark else ""  # the character the parser stopped at
    said = {
        "did not find expected ',' or '}'": f"The {{...}} mapping that begins at {began} is not closed with '}}', "
                                            f"or text inside it has ': ' in it. {QUOTE_HINT}",
        "did not find expected ',' or ']'": f"The [...] list that begins at {began} is not closed with ']', or "
                                            f"text inside it has ': ' in it. {QUOTE_HINT}",
        "mapping values are not allowed in this context": "A ': ' here would start a new field inside a value. "
                                                          + QUOTE_HINT,
        "found unexpected end of stream": f"The quote that opens at {began} is never closed: end the text with "
                                          "the same quote mark.",
        "did not find expected key": "This line does not line up with the fields around it (the fields of one "
                                     "mapping start in the same column), or quoted text goes on after its closing "
                                     "quote (write \"it's here\" in double quotes when the text has an apostrophe).",
        "did not find expected '-' indicator": "This line is in a list whose items each begin with '- ' in the same "
                                               "column: start it with '- ' or line it up with the field above.",
    }.get(problem.problem)
    if said is None and problem.problem == "found character that cannot start any token":
        said = "A tab: indent with spaces only." if found == "\t" else \
            f"Text cannot begin with {found!r}: put it in quotes, e.g. message: \"{found}...\"."
    return f"YAML syntax: {said or problem.problem}"


def _before(text: str, index: int) -> str:
    """The last character before `index` that is not white space."""
    while index > 0 and text[index - 1] in " \t\r\n":
        index -= 1
    return text[index - 1:index]


def parse_yaml(text: str) -> Document:
    """The YAML turned into plain data and its marks, in one pass over the parser's events (one loop with
    everything local: it runs once per value of the file)."""
    if len(text.encode()) > MAX_BYTES:
        raise _error("file-size", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB.")
    root: Any = None
    root_mark, marks_of, nodes, documents = (1, 1), {}, 0, 0
    # a frame per open mapping or list: [container, its items' marks, pending key, that key's mark, {...} style]
    stack: list[list] = []
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind is scalar_event:
                value = event.value
                if not event.style:  # plain (unquoted): typed by YAML 1.2 rules; quoted ones are text
                    if not value and stack and stack[-1][2] is not None and stack[-1][4] \
                            and _before(text, event.start_mark.index) != ":":
                        raise _error("yaml-comma", f"{stack[-1][2]!r} has no value: in a {{...}} mapping a ',' "
                                                   f"ends the text before it. {QUOTE_HINT}", event.start_mark)
                    if not value[:1].isalpha() or value[0] in "tTfFnN":  # most values are words: text as they are
                        value = _plain_scalar(value)
            elif kind is mapping_start:
                value = {}
            elif kind is sequence_start:
                value = []
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            elif kind is yaml.AliasEvent:
                raise _error("yaml-alias", ALIASES_REFUSED, event.start_mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _error("yaml-syntax", "A scenario file holds one YAML document (no second '---').",
                                 event.start_mark)
                continue
            else:
                continue
            start = event.start_mark
            if event.anchor:
                raise _error("yaml-alias", ALIASES_REFUSED, start)
            nodes += 1
            if nodes > MAX_NODES:
                raise _error("yaml-size", f"The file has more than {MAX_NODES} YAML nodes.", start)
            mark = (start.line + 1, start.column + 1)
            if not stack:
                root, root_mark = value, mark
            else:
                frame = stack[-1]
                key = frame[2]
                if frame[4] is None:  # a list
                    frame[0].append(value)
                    frame[1].append(mark)
                elif key is None:
                    if kind is not scalar_event:
                        raise _error("yaml-key", "Mapping keys must be plain text.", start)
                    if event.value in frame[0]:
                        raise _error("duplicate-key", f"Duplicate key {event.value!r}: each key may appear once "
                                                      "here.", start)
                    frame[2], frame[3] = event.value, mark
                    continue
                else:
                    frame[0][key] = value
                    frame[1][key] = mark + frame[3]
                    frame[2] = None
            if kind is not scalar_event:
                if len(stack) >= MAX_DEPTH:
                    raise _error("yaml-depth", f"The file nests deeper than {MAX_DEPTH} levels.", start)
                marks = marks_of[id(value)] = {} if kind is mapping_start else []
                stack.append([value, marks, None, None, bool(event.flow_style) if kind is mapping_start else None])
    except yaml.MarkedYAMLError as problem:
        raise _error("yaml-syntax", yaml_said(problem, text), problem.problem_mark) from None
    except yaml.YAMLError as problem:
        raise _error("yaml-syntax", f"YAML syntax: {problem}") from None
    finally:
        parser.dispose()
    if nodes == 0:
        raise _error("empty", "The file is empty.")
    return Document(root, root_mark, marks_of, text)


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


JSON_TYPES = {"integer": "a whole number", "number": "a number", "string": "text", "boolean": "true or false",
              "array": "a list", "object": "a mapping of fields", "null": "nothing"}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "one of these shapes" errors, the error inside the shape the author meant (never 'null')."""
    while error.context:
        meant = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        error = jsonschema.exceptions.best_match(meant or error.context)
    return error


def _schema_finding(error: jsonschema.ValidationError, document: Document) -> Finding:
    error = _deepest(error)
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
        wanted = error.message.replace(" is a required property", "").strip("'")
        unknown = [key for key in error.instance if key not in error.schema.get("properties", {})]
        typo = difflib.get_close_matches(wanted, unknown, n=1)  # `chioces:` for `choices:`
        if typo:
            path, at_key = (*path, typo[0]), True
            message = f"{where}: unknown field {typo[0]!r}; did you mean {wanted!r}? ({wanted!r} is required here)"
        else:
            message = f"{where}: {wanted!r} is required here"
    elif error.validator == "pattern" and "description" in error.schema:
        message = f"{where}: {error.instance!r} is not valid: use {error.schema['description']}"
    elif error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        message = f"{where}: expected {' or '.join(JSON_TYPES.get(w, w) for w in wanted)}, not {_short(error.instance)}"
    else:
        message = f"{where}: {error.message}"
    line, column = document.position(path, key=at_key)
    return Finding("error", "schema", message, line, column)


def _msgspec_finding(error: msgspec.ValidationError, document: Document) -> Finding:
    """msgspec's one error, e.g. "Expected `int`, got `str` - at `$.nodes[3].x`", placed in the file."""
    message, _, where = str(error).partition(" - at `$")
    path: Path = tuple(int(part) if part.isdigit() else part
                       for part in re.findall(r"\.(\w+)|\[(\d+)\]", where.rstrip("`")) for part in part if part)
    line, column = document.position(path)
    return Finding("error", "schema", f"{describe_path(path, document.data)}: {message}", line, column)


def read_scenario(text: str) -> tuple[Scenario, Document]:
    """Parse and schema-check one scenario; raise ScenarioInvalid with every schema problem at once."""
    document = parse_yaml(text)
    if not isinstance(document.data, dict):
        raise _error("schema", "A scenario file is a mapping of fields (id, title, nodes, ...).")
    try:
        return msgspec.convert(document.data, Scenario), document  # fast, and enough for a valid file
    except msgspec.ValidationError as first_error:
        # The full (slower) schema check lists every problem, not just the first.
        errors = sorted(
            (_schema_finding(error, document) for error in _validator().iter_errors(document.data)),
            key=lambda finding: (finding.line or 0, finding.column or 0),
        )
        raise ScenarioInvalid(errors or [_msgspec_finding(first_error, document)]) from None


def decoded(raw: bytes) -> str:
    """A scenario file's text. One that is not UTF-8 is refused with the line and column of the first
    byte that is not (never a byte offset)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[:error.start].decode("utf-8", errors="replace")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise ScenarioInvalid([Finding(
            "error", "encoding", f"The file is not UTF-8 text: the byte 0x{raw[error.start]:02x} at line {line}, "
            f"column {column} is not. Save the file as UTF-8 (in most editors: Save As, then Encoding: UTF-8).",
            line, column)]) from None


def read_file(path: pathlib.Path) -> str:
    """A scenario file's text, or ScenarioInvalid saying why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioInvalid([Finding("error", "file", f"cannot read the file: {error.strerror or error}")]) from None
    return decoded(raw)


def scenario_files(directory: str | PathLike, nested: bool = False) -> list[pathlib.Path]:
    """The YAML files in a folder (and in the folders within it, if `nested`)."""
    root = pathlib.Path(directory)
    found = root.rglob if nested else root.glob
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in found(pattern) if path.is_file())


def find_scenario_file(directory: str | PathLike, name: str) -> pathlib.Path | None:
    """A path as given, or the file in `directory` whose scenario id is `name`."""
    given = pathlib.Path(name)
    if given.is_file():
        return given
    for path in scenario_files(directory):
        try:
            data = parse_yaml(read_file(path)).data
        except ScenarioInvalid:
            continue
        if isinstance(data, dict) and data.get("id") == name:
            return path
    return None
