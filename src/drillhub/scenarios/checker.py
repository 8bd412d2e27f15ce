"""The scenario checker: every rule an author can break, reported like a compiler, with line and column.

check_text() runs, in order: safe YAML loading and the schema (loader.py); the rules below on ids,
references, variables, conditions, effects and the branch graph; and, when those pass, a bounded
simulation (simulate.py) for what only playing reveals.
"""

import difflib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from drillhub.gcpause import collector_paused
from drillhub.reference import core_capabilities
from drillhub.scenarios import attachments, engine, expressions, ranges
from drillhub.scenarios.attachments import Lookup
from drillhub.scenarios.engine import PLACEHOLDER, Compiled, compile_scenario, deciding_roles
from drillhub.scenarios.expressions import BOOLEAN, INTEGER, TEXT, ExpressionError
from drillhub.scenarios.loader import Document, Finding, Path, ScenarioInvalid, describe_path, read_scenario
from drillhub.scenarios.model import AGENCY_KINDS, Decision, Scenario, clock_seconds
from drillhub.scenarios.simulate import SimulationReport, simulate
from drillhub.wording import counted

CHECK_RUNS = 100
CHECK_STATES = 20_000
# Engine steps for the checker's simulation: ample for a scenario of tens of nodes (its walk is
# complete), a sample for thousands, so that checking time grows with the file, not explosively.
CHECK_STEPS = 3_000_000
VARIABLE_TYPES = {"integer": INTEGER, "boolean": BOOLEAN, "choice": TEXT}


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    scenario: Scenario | None = None
    compiled: Compiled | None = None
    simulation: SimulationReport | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # its attachments' files, found and fit to show

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@collector_paused()
def check_text(text: str, runs: int = CHECK_RUNS, max_states: int = CHECK_STATES, play: bool = True,
               attachments: Lookup | None = None) -> CheckResult:
    """All findings for one file. `play=False` skips the simulation (for drawing or playing a file
    that was checked when it was stored). With `attachments`, the files the scenario names are looked up
    and checked (without, only their paths are)."""
    try:
        scenario, document = read_scenario(text)
    except ScenarioInvalid as invalid:
        return CheckResult(findings=invalid.findings)
    rules = _Rules(scenario, document)
    rules.run()
    result = CheckResult(findings=rules.findings, scenario=scenario, files=rules.attachment_files(attachments))
    if result.ok:
        result.compiled = compile_scenario(scenario)
    if result.ok and play:
        budget = CHECK_STEPS // (len(scenario.nodes) + 1)
        result.simulation = simulate(result.compiled, runs=runs, max_states=max_states, budget=budget)
        result.findings += _simulation_findings(result.compiled, result.simulation, rules)
    result.findings.sort(key=lambda finding: (finding.line or 0, finding.column or 0, finding.severity))
    return result


def _hint(name: str, known: list[str]) -> str:
    guess = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {guess[0]!r}?)" if guess else ""


class _Rules:
    def __init__(self, scenario: Scenario, document: Document) -> None:
        self.scenario = scenario
        self.document = document
        self.findings: list[Finding] = []
        self.roles = [role.id for role in scenario.roles]
        self.objectives = [objective.id for objective in scenario.objectives]
        self.variables = {variable.id: variable for variable in scenario.variables}
        self.node_paths = {node.id: ("nodes", index) for index, node in enumerate(scenario.nodes)}
        self.targets = {node.id for node in scenario.nodes} | {ending.id for ending in scenario.endings}
        self.read_names: set[str] = set()
        self.conditions: dict[tuple, tuple | ExpressionError] = {}  # see read()
        self.attachment_ids = [attachment.id for attachment in scenario.attachments]
        self.shown_attachments: set[str] = set()
        self.domains = {name: (v.min, v.max) if v.type == "integer" else ranges.BOTH if v.type == "boolean"
                        else frozenset(v.values) for name, v in self.variables.items()}  # what each can be

    def add(self, severity: str, rule: str, path: Path, message: str, key: bool = False,
            inside: tuple[str, int | None] = ("", None)) -> None:
        """A finding at `path` (its key, if `key`); at a character of its text, if `inside` says which."""
        text, offset = inside
        line, column = self.document.position(path, key=key) if offset is None else \
            self.document.inside(path, text, offset)
        where = describe_path(path, self.document.data)
        self.findings.append(Finding(severity, rule, f"{where}: {message}", line, column))

    def error(self, rule: str, path: Path, message: str, key: bool = False,
              inside: tuple[str, int | None] = ("", None)) -> None:
        self.add("error", rule, path, message, key, inside)

    def run(self) -> None:
        self.unique_ids()
        self.objective_capabilities()
        self.variable_declarations()
        self.agency_kinds()
        if self.scenario.start not in self.node_paths:
            self.error("unknown-target", ("start",), f"no node has the id {self.scenario.start!r}"
                       + _hint(self.scenario.start, list(self.node_paths)))
        for index, node in enumerate(self.scenario.nodes):
            self.node_rules(node, ("nodes", index))
        for index, ending in enumerate(self.scenario.endings):
            for objective_id in ending.objectives:
                self.known("unknown-objective", ("endings", index, "objectives", objective_id), objective_id,
                           self.objectives, "objective", key=True)
        self.graph()
        self.unused()

    def known(self, rule: str, path: Path, name: str, known, what: str, key: bool = False) -> bool:
        if name in known:
            return True
        self.error(rule, path, f"unknown {what} {name!r}{_hint(name, sorted(known))}", key=key)
        return False

    def agency_kinds(self) -> None:
        """Each role's kind of organisation is drillhub's or one the file declares; a declared kind does not
        rename one of drillhub's."""
        declared = [kind.id for kind in self.scenario.agency_kinds]
        for index, kind in enumerate(declared):
            if kind in AGENCY_KINDS:
                self.error("agency-kind", ("agency_kinds", index, "id"), f"{kind!r} is already a kind drillhub "
                           "knows: use it without declaring it")
        for index, role in enumerate(self.scenario.roles):
            if role.agency_kind not in {*AGENCY_KINDS, *declared}:
                self.error("unknown-agency-kind", ("roles", index, "agency_kind"),
                           f"unknown kind of organisation {role.agency_kind!r}"
                           f"{_hint(role.agency_kind, sorted({*AGENCY_KINDS, *declared}))}: use one of drillhub's, "
                           "or declare your own under agency_kinds")

    def unique_ids(self) -> None:
        groups = [
            [(("objectives", i, "id"), item.id) for i, item in enumerate(self.scenario.objectives)],
            [(("roles", i, "id"), item.id) for i, item in enumerate(self.scenario.roles)],
            [(("agency_kinds", i, "id"), item.id) for i, item in enumerate(self.scenario.agency_kinds)],
            [(("variables", i, "id"), item.id) for i, item in enumerate(self.scenario.variables)],
            [(("attachments", i, "id"), item.id) for i, item in enumerate(self.scenario.attachments)],
            [(("nodes", i, "id"), item.id) for i, item in enumerate(self.scenario.nodes)]
            + [(("endings", i, "id"), item.id) for i, item in enumerate(self.scenario.endings)],
            [(("nodes", i, "injects", j, "id"), inject.id)
             for i, node in enumerate(self.scenario.nodes) for j, inject in enumerate(node.injects)],
        ]
        groups += [
            [(("nodes", i, "decision", "choices", j, "id"), choice.id) for j, choice in enumerate(node.decision.choices)]
            for i, node in enumerate(self.scenario.nodes) if node.decision
        ]
        for group in groups:
            seen: set[str] = set()
            for path, identifier in group:
                if identifier in seen:
                    self.error("duplicate-id", path, f"the id {identifier!r} is used more than once")
                seen.add(identifier)

    def objective_capabilities(self) -> None:
        capabilities = list(core_capabilities().names)
        for i, objective in enumerate(self.scenario.objectives):
            for j, name in enumerate(objective.core_capabilities):
                if name not in capabilities:
                    self.error("unknown-capability", ("objectives", i, "core_capabilities", j),
                               f"{name!r} is not a core capability of the {core_capabilities().edition}"
                               + _hint(name, capabilities))

    def variable_declarations(self) -> None:
        for index, variable in enumerate(self.scenario.variables):
            path = ("variables", index)
            kind, initial = variable.type, variable.initial
            if kind == "integer":
                if not isinstance(initial, int) or isinstance(initial, bool):
                    self.error("variable", (*path, "initial"), "an integer variable starts at a whole number")
                elif not self.within(variable, initial):
                    self.error("variable", (*path, "initial"), f"{initial} is outside {engine.bounds_said(variable)}")
                if variable.min is not None and variable.max is not None and variable.min > variable.max:
                    self.error("variable", (*path, "min"), "min is larger than max")
            elif variable.min is not None or variable.max is not None:
                self.error("variable", (*path, "min" if variable.min is not None else "max"),
                           f"only integer variables have bounds, not {kind} ones")
            if kind == "boolean" and not isinstance(initial, bool):
                self.error("variable", (*path, "initial"), "a boolean variable starts at true or false")
            if kind == "choice":
                if not variable.values:
                    self.error("variable", path, "a choice variable lists its values")
                elif initial not in variable.values:
                    self.error("variable", (*path, "initial"), f"{initial!r} is not one of its values {variable.values}")
            elif variable.values:
                self.error("variable", (*path, "values"), f"only choice variables list values, not {kind} ones")

    @staticmethod
    def within(variable, value: int) -> bool:
        return (variable.min is None or value >= variable.min) and (variable.max is None or value <= variable.max)


    def read(self, text: str, types: dict[str, str], values: dict[str, set[str]]):
        """A condition parsed and type-checked: (its tree, its type, the names it reads, whether it is never
        true), or the ExpressionError. Read once per text and names in scope: a large file repeats its
        conditions."""
        key = (text, tuple(sorted(types.items())), tuple(sorted((name, tuple(sorted(v))) for name, v in values.items())))
        if key not in self.conditions:
            try:
                expr = expressions.parse(text)
                found = expressions.check(expr, types, values)
                self.conditions[key] = (expr, found, expressions.names(expr),
                                        ranges.possible(expr, self.domains) == frozenset({False}))
            except ExpressionError as error:
                self.conditions[key] = error
        return self.conditions[key]

    def condition(self, path: Path, text: str, types: dict[str, str], text_values: dict[str, set[str]],
                  wanted: str = BOOLEAN) -> None:
        read = self.read(text, types, text_values)
        if isinstance(read, ExpressionError):
            self.error("condition", path, f"{text!r}: {read}", inside=(text, read.offset))
            return
        _, found, names, _ = read
        self.read_names |= names
        if found != wanted:
            self.error("condition", path, f"{text!r} gives {found}, but {wanted} is needed here")

    def never_holds(self, text: str, types: dict[str, str], values: dict[str, set[str]]) -> str | None:
        """Why a condition is never true for the values its variables can take (their declared bounds and
        values), or None when it may be, or does not read (the condition rule says so)."""
        read = self.read(text, types, values)
        if isinstance(read, ExpressionError) or not read[3]:
            return None
        names = read[2]
        read = [f"{name} is {engine.bounds_said(v)}" if v.type == "integer" else
                f"{name} is one of {', '.join(v.values)}" if v.type == "choice" else f"{name} is true or false"
                for name, v in sorted(self.variables.items()) if name in names]
        return f"{text!r} is never true" + (f" ({'; '.join(read)})" if read else "")

    def variable_types(self) -> tuple[dict[str, str], dict[str, set[str]]]:
        types = {name: VARIABLE_TYPES[variable.type] for name, variable in self.variables.items()}
        values = {name: set(variable.values) for name, variable in self.variables.items() if variable.type == "choice"}
        return types, values

    def node_rules(self, node, path: Path) -> None:
        for role in node.role_info:
            self.known("unknown-role", (*path, "role_info", role), role, self.roles, "role", key=True)
        self.attachments_named(node.attachments, path)
        for index, inject in enumerate(node.injects):
            self.attachments_named(inject.attachments, (*path, "injects", index))
            for j, role in enumerate(inject.to):
                if role != "all":
                    self.known("unknown-role", (*path, "injects", index, "to", j), role, self.roles, "role")
            if inject.objective is not None:
                self.known("unknown-objective", (*path, "injects", index, "objective"), inject.objective,
                           self.objectives, "objective")
            if inject.when is not None:
                if inject.contingency:
                    self.error("release-when", (*path, "injects", index, "when"), "a contingency inject says when a "
                               "stand-in releases it with release_when; when is for scheduled injects")
                else:
                    self.condition((*path, "injects", index, "when"), inject.when, *self.variable_types())
                    if (never := self.never_holds(inject.when, *self.variable_types())) is not None:
                        self.add("warning", "never-released", (*path, "injects", index, "when"),
                                 f"this inject is never released: {never}")
            if inject.release_when is not None:
                if inject.contingency:
                    self.condition((*path, "injects", index, "release_when"), inject.release_when,
                                   *self.variable_types())
                    if (never := self.never_holds(inject.release_when, *self.variable_types())) is not None:
                        self.add("warning", "never-released", (*path, "injects", index, "release_when"),
                                 f"a stand-in facilitator never releases this inject: {never}")
                else:
                    self.error("release-when", (*path, "injects", index, "release_when"),
                               "only a contingency inject has a release_when; a scheduled one goes out at its time")
        self.inject_times(node, path)
        self.effects_rules(node, path, *self.variable_types())
        self.conditional_texts(node, path)
        self.placeholders(node, path)
        if node.decision and node.next:
            self.error("next", (*path, "next"), "a node with a decision takes its next step from the decision")
        elif node.decision is None and node.next is None:
            self.error("dead-end", path, "this node has neither a decision nor a next step: play would stop here")
        elif node.next is not None:
            self.known("unknown-target", (*path, "next"), node.next, self.targets, "node or ending")
        if node.decision:
            self.decision_rules(node.decision, (*path, "decision"))

    def attachments_named(self, names: list[str], path: Path) -> None:
        for index, name in enumerate(names):
            self.known("unknown-attachment", (*path, "attachments", index), name, self.attachment_ids, "attachment")
            self.shown_attachments.add(name)

    def attachment_files(self, lookup: Lookup | None) -> dict[str, bytes]:
        """Each declared attachment's path, its description, and (with `lookup`) its file: there, of the kind
        its name says, not too large. Returns the files found fit to show."""
        found = {}
        for index, attachment in enumerate(self.scenario.attachments):
            where = ("attachments", index)
            if problem := attachments.path_problem(attachment.file):
                self.error("attachment-file", (*where, "file"), problem)
                continue
            if attachments.is_image(attachment.file) and not attachment.alt.strip():
                self.error("attachment-alt", where, "say what the image shows in `alt`, for players who cannot see it")
            if attachment.id not in self.shown_attachments:
                self.add("warning", "unused-attachment", (*where, "id"), "no scene or inject shows this attachment")
            if lookup is None:
                continue
            data = lookup(attachment.file)
            if data is None:
                self.error("attachment-missing", (*where, "file"), f"there is no file {attachment.file!r} beside the "
                           "scenario: keep it in the scenario file's folder (or upload it with the file)")
            elif problem := attachments.content_problem(attachment.file, data):
                self.error("attachment-file", (*where, "file"), problem)
            else:
                found[attachment.file] = data
        return found

    def conditional_texts(self, node, path: Path) -> None:
        for index, text in enumerate(node.conditional_text):
            where = (*path, "conditional_text", index)
            for j, role in enumerate(text.to):
                if role != "all":
                    self.known("unknown-role", (*where, "to", j), role, self.roles, "role")
            self.condition((*where, "when"), text.when, *self.variable_types())
            if (never := self.never_holds(text.when, *self.variable_types())) is not None:
                self.add("warning", "never-shown", (*where, "when"), f"this text is never shown: {never}")

    def placeholders(self, node, path: Path) -> None:
        """`{name}` in a scene's texts shows a variable's value; a name that is no variable is shown as
        written, which is rarely what the author meant."""
        texts = [((*path, "narrative"), node.narrative),
                 *(((*path, "role_info", role), text) for role, text in node.role_info.items()),
                 *(((*path, "conditional_text", index, "text"), text.text)
                   for index, text in enumerate(node.conditional_text)),
                 *(((*path, "injects", index, "message"), inject.message) for index, inject in enumerate(node.injects))]
        for where, text in texts:
            for name in dict.fromkeys(PLACEHOLDER.findall(text)):
                if name not in self.variables:
                    self.add("warning", "placeholder", where, f"{{{name}}} is not a variable, so play shows it as "
                             f"written{_hint(name, list(self.variables))}; variables: {', '.join(self.variables) or 'none'}")
                else:
                    self.read_names.add(name)

    def inject_times(self, node, path: Path) -> None:
        """A scheduled inject due when, or after, its scene's decision times out is seen in a facilitated run
        only if the facilitator gives more time; one due after the exercise's expected duration is probably
        a typo. Warnings both: play still works."""
        limit = node.decision.time_limit if node.decision else None
        duration = self.scenario.expected_duration_minutes
        for index, inject in enumerate(node.injects):
            at, where = clock_seconds(inject.at), (*path, "injects", index, "at")
            if limit is not None and not inject.contingency and at >= clock_seconds(limit):
                self.add("warning", "inject-time", where, f"due at {inject.at}, but the decision's time limit "
                         f"({limit}) ends the scene first: a facilitated run shows it only if the facilitator gives "
                         "more time. Release it earlier, or give the decision more time")
            elif at > duration * 60:
                self.add("warning", "inject-time", where, f"due at {inject.at}, after the exercise's expected "
                                                          f"duration ({duration} minute{'' if duration == 1 else 's'})")

    def decision_rules(self, decision: Decision, path: Path) -> None:
        for index, role in enumerate(decision.roles):
            self.known("unknown-role", (*path, "roles", index), role, self.roles, "role")
        if decision.mode == "lead" and decision.lead is None:
            self.error("decision", (*path, "mode"), "a lead decision names its lead role")
            return
        if decision.lead is not None:
            if decision.mode == "each":
                self.error("decision", (*path, "lead"), "only lead and team decisions have a lead")
            elif not self.known("unknown-role", (*path, "lead"), decision.lead, self.roles, "role"):
                return
        deciders = [role for role in deciding_roles(decision, tuple(self.roles)) if role in self.roles]
        choice_ids = [choice.id for choice in decision.choices]
        types, values = self.variable_types()
        for index, choice in enumerate(decision.choices):
            self.choice_rules(choice, (*path, "choices", index), deciders, types, values, bool(decision.next))
        for role in deciders:
            if not any(not choice.roles or role in choice.roles for choice in decision.choices):
                self.error("no-choice", (*path, "choices"), f"the {role} role decides here but no choice is open to it")
        if decision.time_limit and decision.default_choice is None:
            self.error("default-choice", (*path, "time_limit"), "a time limit needs a default_choice for when it runs out")
        if decision.default_choice is not None:
            self.default_choice_rules(decision, path, deciders, choice_ids)
        if decision.next:
            # what engine.decided_choices gives a rule: a role's own choice; in a team, the team's choice
            team = {c.id for c in decision.choices if not c.roles or set(c.roles) & set(deciders)}
            rule_types = {**types, **{f"choices.{role}": TEXT for role in deciders}}
            rule_values = {**values, **{f"choices.{role}": team if decision.mode == "team" else
                                        {c.id for c in decision.choices if not c.roles or role in c.roles}
                                        for role in deciders}}
            for index, rule in enumerate(decision.next):
                self.known("unknown-target", (*path, "next", index, "goto"), rule.goto, self.targets, "node or ending")
                if rule.when is not None:
                    self.condition((*path, "next", index, "when"), rule.when, rule_types, rule_values)
                    if (never := self.never_holds(rule.when, rule_types, rule_values)) is not None:
                        self.add("warning", "unreachable-rule", (*path, "next", index, "when"),
                                 f"this rule is never used: {never}")
                elif index < len(decision.next) - 1:
                    self.add("warning", "unreachable-rule", (*path, "next", index + 1),
                             "an earlier rule has no condition, so this one is never used")
            if decision.next[-1].when is not None:
                self.error("next", (*path, "next", len(decision.next) - 1),
                           "the last rule needs no 'when', so that every outcome has a next step")
        else:
            nexts = {choice.next for choice in decision.choices if choice.next}
            if decision.mode == "each" and len(deciders) > 1 and len(nexts) > 1:
                self.error("next", (*path, "mode"), "roles decide separately here and their choices lead to different "
                                                    "places: give the decision next rules that combine them")

    def default_choice_rules(self, decision: Decision, path: Path, deciders: list[str], choice_ids: list[str]) -> None:
        if not self.known("unknown-choice", (*path, "default_choice"), decision.default_choice, choice_ids, "choice"):
            return
        default = decision.choices[choice_ids.index(decision.default_choice)]
        excluded = [role for role in deciders if default.roles and role not in default.roles]
        if excluded or default.when is not None:
            self.error("default-choice", (*path, "default_choice"),
                       "the default choice must be open to every deciding role at all times "
                       "(no 'when', no roles that leave one out)")

    def choice_rules(self, choice, path: Path, deciders: list[str], types, values, has_rules: bool) -> None:
        for index, role in enumerate(choice.roles):
            if self.known("unknown-role", (*path, "roles", index), role, self.roles, "role") and role not in deciders:
                self.error("choice-role", (*path, "roles", index), f"the {role} role does not decide here")
        if choice.roles and not set(choice.roles) & set(deciders):
            self.error("unreachable-choice", path, "no role that decides here can ever take this choice")
        if choice.expected and not choice.debrief.strip():
            self.add("warning", "no-debrief", path, f"the expected choice {choice.id!r} has no debrief: say why it "
                                                    "is expected, for the players' debrief")
        if choice.when is not None:
            self.condition((*path, "when"), choice.when, types, values)
            if (never := self.never_holds(choice.when, types, values)) is not None:
                self.error("unreachable-choice", (*path, "when"), f"this choice can never be taken: {never}")
        self.effects_rules(choice, path, types, values)
        for objective_id in choice.points:
            self.known("unknown-objective", (*path, "points", objective_id), objective_id, self.objectives,
                       "objective", key=True)
        if has_rules and choice.next:
            self.error("next", (*path, "next"), "the decision has next rules, so this choice's next would be ignored")
        elif not has_rules:
            if choice.next is None:
                self.error("next", path, "this choice has no next step (and the decision has no next rules)")
            else:
                self.known("unknown-target", (*path, "next"), choice.next, self.targets, "node or ending")

    def effects_rules(self, part, path: Path, types, values) -> None:
        """A choice's or a scene's effects, and its conditional effects with their conditions."""
        for field_path, effects in [((*path, "effects"), part.effects), *(
                ((*path, "conditional_effects", index, "effects"), conditional.effects)
                for index, conditional in enumerate(part.conditional_effects))]:
            for name, value in effects.items():
                if self.known("unknown-variable", (*field_path, name), name, list(self.variables), "variable", key=True):
                    self.effect_rules(self.variables[name], value, (*field_path, name), types, values)
        for index, conditional in enumerate(part.conditional_effects):
            self.condition((*path, "conditional_effects", index, "when"), conditional.when, types, values)
            if (never := self.never_holds(conditional.when, types, values)) is not None:
                self.add("warning", "unreachable-effect", (*path, "conditional_effects", index, "when"),
                         f"these effects never apply: {never}")

    def effect_rules(self, variable, value, path: Path, types, values) -> None:
        if variable.type == "choice":
            if value not in variable.values:
                self.error("effect", path, f"{value!r} is not one of {variable.id}'s values {variable.values}")
        elif isinstance(value, str):
            self.condition(path, value, types, values, wanted=VARIABLE_TYPES[variable.type])
        elif variable.type == "boolean" and not isinstance(value, bool):
            self.error("effect", path, f"{variable.id} is true or false, not {value!r}")
        elif variable.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self.error("effect", path, f"{variable.id} is a whole number, not {value!r}")
            elif not self.within(variable, value):
                self.error("effect-bounds", path, f"{value} is outside {variable.id}'s bounds {engine.bounds_said(variable)}")

    def edges(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {}
        for node in self.scenario.nodes:
            targets = {node.next} if node.next else set()
            if node.decision:
                targets |= {choice.next for choice in node.decision.choices if choice.next}
                targets |= {rule.goto for rule in node.decision.next}
            edges[node.id] = {target for target in targets if target in self.targets}
        return edges

    def graph(self) -> None:
        edges = self.edges()
        reached = _reachable([self.scenario.start], edges)
        for node_id, path in self.node_paths.items():
            if node_id not in reached:
                self.error("unreachable", (*path, "id"), "no path from the start leads to this node")
        for index, ending in enumerate(self.scenario.endings):
            if ending.id not in reached:
                self.error("unreachable", ("endings", index, "id"), "no path from the start leads to this ending")
        backwards: dict[str, set[str]] = {}
        for source, targets in edges.items():
            for target in targets:
                backwards.setdefault(target, set()).add(source)
        can_end = _reachable([ending.id for ending in self.scenario.endings], backwards)
        for node_id, path in self.node_paths.items():
            if node_id in reached and node_id not in can_end:
                self.error("no-ending", (*path, "id"), "no ending can be reached from this node")

    def unused(self) -> None:
        for index, variable in enumerate(self.scenario.variables):
            if variable.id not in self.read_names:
                self.add("warning", "unused-variable", ("variables", index, "id"),
                         "this variable is never read by a condition or effect")
        scored = {objective_id for node in self.scenario.nodes if node.decision
                  for choice in node.decision.choices for objective_id in choice.points}
        for index, objective in enumerate(self.scenario.objectives):
            if objective.id not in scored:
                self.add("warning", "unscored-objective", ("objectives", index, "id"),
                         "no choice scores points toward this objective")

    def path_of(self, node_id: str, choice_id: str | None) -> Path:
        path = self.node_paths[node_id]
        decision = self.scenario.nodes[path[1]].decision
        if choice_id and decision:
            ids = [choice.id for choice in decision.choices]
            if choice_id in ids:
                return (*path, "decision", "choices", ids.index(choice_id))
        return path


def _reachable(starts: list[str], edges: dict[str, set[str]]) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _simulation_findings(compiled: Compiled, report: SimulationReport, rules: _Rules) -> Iterator[Finding]:
    def at(severity: str, rule: str, node: str, choice: str | None, message: str) -> Finding:
        path = rules.path_of(node, choice)
        return Finding(severity, rule, f"{describe_path(path, rules.document.data)}: {message}",
                       *rules.document.position(path))

    for problem in report.problems.values():
        yield at("error", "simulation", problem.node, problem.choice, f"in play, {problem.message}")
    for clamp in report.clamped.values():
        yield at("warning", "clamped", clamp.node, clamp.choice, f"in play, {clamp.message}")
    reached = report.reachable_endings | set(report.random_endings)
    proven = f"proven by a walk through all {report.states_explored} states play can be in"
    for index, ending in enumerate(compiled.scenario.endings):
        if ending.id not in reached:
            line, column = rules.document.position(("endings", index, "id"))
            said = f"never reached: no way leads to it ({proven})" if report.exhaustive_complete else \
                f"not shown reachable in {counted(report.runs, 'sampled run')} and " \
                f"{counted(report.states_explored, 'state')} (a bounded sample: the file is too large to walk through " \
                "every state)"
            yield Finding("warning", "ending-not-reached", f"endings[{index}]({ending.id}): {said}; check the "
                          "conditions that lead to it", line, column)
    if report.exhaustive_complete and report.trapped and not report.problems:
        node, variables = report.trapped[0]
        values = ", ".join(f"{name} = {str(value).lower() if isinstance(value, bool) else value}"
                           for name, value in variables)
        yield at("error", "loop", node, None, f"play can be caught here for ever{f' (with {values})' if values else ''}"
                 f": no ending can be reached from here, whatever is decided ({proven})")
    elif not report.exhaustive_complete and report.unfinished_runs:
        yield Finding("warning", "loop", f"{report.unfinished_runs} of {counted(report.runs, 'sampled run')} did "
                      "not reach an ending: a loop may keep players from finishing (not proven: the file is too "
                      "large to walk through every state)", None, None)
