"""Pictures of a scenario's branches: Graphviz dot, Mermaid, and an SVG drawn here (no Graphviz needed).

The expected path is the one players follow when every role takes the expected (doctrinal) choice;
it is drawn heavier. Endings are drawn as rounded boxes.

A large scenario (more than LARGE scenes) is drawn in two levels so that it stays readable: an overview
with one box per phase (the scenes' `phase:`, or else chapters of CHAPTER_SIZE scenes in file order) and
the branches between them, then one phase at a time with the scenes it leads to or comes from outside it.
"""

from collections import deque
from dataclasses import dataclass
from html import escape

from drillhub.scenarios import engine
from drillhub.scenarios.engine import Compiled
from drillhub.wording import counted

NODE_WIDTH, NODE_HEIGHT, GAP_X, GAP_Y, MARGIN = 190, 46, 36, 64, 16
LARGE, CHAPTER_SIZE = 60, 40
DASHED = ' stroke-dasharray="5 4"'


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Group:
    """A phase (or chapter) of a large scenario: its number in the overview (1..), title and scenes."""
    number: int
    title: str
    names: tuple[str, ...]
    endings: bool = False  # the group of the scenario's endings, drawn last


def edges(compiled: Compiled) -> list[Edge]:
    found: dict[tuple[str, str], list[str]] = {}
    for node in compiled.scenario.nodes:
        if node.next:
            found.setdefault((node.id, node.next), []).append("continue")
        if node.decision:
            for choice in node.decision.choices:
                if choice.next:
                    found.setdefault((node.id, choice.next), []).append(choice.id)
            for rule in node.decision.next:
                found.setdefault((node.id, rule.goto), []).append(rule.when or "otherwise")
    return [Edge(source, target, ", ".join(labels)) for (source, target), labels in found.items()]


def expected_path(compiled: Compiled) -> list[str]:
    """Play the run where each role takes an expected choice when offered one (else its first)."""
    state = engine.start(compiled)
    for _ in range(4 * (len(compiled.nodes) + 1)):
        if state.ended:
            break
        decision = engine.current_decision(compiled, state)
        try:
            if decision is not None:
                roles = engine.deciding_roles(decision, compiled.role_ids)
                for role in roles if decision.mode != "team" else roles[:1]:
                    offered = engine.available_choices(compiled, state, role)
                    pick = next((choice for choice in offered if choice.expected), offered[0] if offered else None)
                    if pick is None:
                        return list(state.path)
                    state = (engine.confirm(compiled, state, pick.id) if decision.mode == "team"
                             else engine.decide(compiled, state, role, pick.id))
            state = engine.advance(compiled, state)
        except (engine.EngineError, ArithmeticError, ValueError):
            break
    return list(state.path)


def _ids(compiled: Compiled) -> dict[str, str]:
    """Graph-safe names (dot and Mermaid dislike '-')."""
    return {name: f"n{index}" for index, name in enumerate([*compiled.nodes, *compiled.endings])}


def _title(compiled: Compiled, name: str) -> str:
    item = compiled.nodes.get(name) or compiled.endings[name]
    return item.title


def to_dot(compiled: Compiled) -> str:
    ids, path = _ids(compiled), expected_path(compiled)
    on_path = set(zip(path, path[1:]))
    lines = [f'digraph "{compiled.scenario.id}" {{', "  rankdir=TB;", '  node [shape=box, fontname="sans-serif"];']
    for name, key in ids.items():
        shape = ', shape=box, style="rounded,filled", fillcolor="#e6f4ea"' if name in compiled.endings else ""
        bold = ", penwidth=2" if name == compiled.scenario.start else ""
        label = f"{name}\\n{_title(compiled, name)}".replace('"', "'")
        lines.append(f'  {key} [label="{label}"{shape}{bold}];')
    for edge in edges(compiled):
        style = ', penwidth=3, color="#0b3d91"' if (edge.source, edge.target) in on_path else ""
        label = edge.label[:40].replace('"', "'")
        lines.append(f'  {ids[edge.source]} -> {ids[edge.target]} [label="{label}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(compiled: Compiled) -> str:
    ids, path = _ids(compiled), expected_path(compiled)
    on_path = set(zip(path, path[1:]))
    lines = ["flowchart TD"]
    for name, key in ids.items():
        text = f"{name}: {_title(compiled, name)}".replace('"', "'")
        lines.append(f'  {key}(["{text}"])' if name in compiled.endings else f'  {key}["{text}"]')
    for index, edge in enumerate(edges(compiled)):
        label = edge.label[:40].replace('"', "'").replace("|", "/")
        arrow = "==>" if (edge.source, edge.target) in on_path else "-->"
        lines.append(f'  {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
    return "\n".join(lines) + "\n"


def is_large(compiled: Compiled) -> bool:
    return len(compiled.nodes) > LARGE


def groups(compiled: Compiled) -> list[Group]:
    """The phases in the order the file first names them (a scene without `phase:` is in the phase of the
    scene above it); with no phases, chapters of CHAPTER_SIZE scenes in file order. Endings come last."""
    nodes = compiled.scenario.nodes
    found: dict[str, list[str]] = {}
    if any(node.phase for node in nodes):
        phase = nodes[0].phase or "Opening"
        for node in nodes:
            phase = node.phase or phase
            found.setdefault(phase, []).append(node.id)
    else:
        for first in range(0, len(nodes), CHAPTER_SIZE):
            chapter = nodes[first:first + CHAPTER_SIZE]
            found[f"Scenes {first + 1}–{first + len(chapter)}"] = [node.id for node in chapter]
    phases = [Group(number, title, tuple(names)) for number, (title, names) in enumerate(found.items(), start=1)]
    return [*phases, Group(len(phases) + 1, "Endings", tuple(compiled.endings), endings=True)]


def group(compiled: Compiled, number: int) -> Group:
    phases = groups(compiled)
    if not 1 <= number <= len(phases):
        raise ValueError(f"no phase numbered {number}: its phases are numbered 1 to {len(phases)}")
    return phases[number - 1]


def _layers(names: list[str], roots: list[str], all_edges: list[Edge]) -> list[list[str]]:
    """Rows by distance from the roots; within a row, ordered by where their parents sit."""
    out: dict[str, list[str]] = {}
    for edge in all_edges:
        out.setdefault(edge.source, []).append(edge.target)
    depth = dict.fromkeys(roots, 0)
    queue = deque(roots)
    while queue:
        name = queue.popleft()
        for target in out.get(name, []):
            if target not in depth:
                depth[target] = depth[name] + 1
                queue.append(target)
    last = max(depth.values(), default=0) + 1
    for name in names:
        depth.setdefault(name, last)  # unreachable: the checker reports them; draw them at the bottom
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for name in depth:
        rows[depth[name]].append(name)
    incoming: dict[str, list[str]] = {}
    for edge in all_edges:
        incoming.setdefault(edge.target, []).append(edge.source)
    position: dict[str, int] = {}
    for row in rows:
        parents = {name: [position[source] for source in incoming.get(name, []) if source in position] for name in row}
        row.sort(key=lambda name: sum(parents[name]) / len(parents[name]) if parents[name] else 0)
        position.update({name: index for index, name in enumerate(row)})
    return [row for row in rows if row]


@dataclass(frozen=True)
class Box:
    """What one box of a drawing says and how it looks."""
    heading: str
    text: str
    tooltip: str
    rounded: bool = False  # an ending
    heavy: bool = False  # the start
    on_path: bool = False
    dashed: bool = False  # outside the phase drawn
    href: str | None = None


def to_svg(compiled: Compiled, group: int | None = None, link: str | None = None) -> str:
    """The whole graph; for a large scenario the overview of its phases, or the phase numbered `group`.
    With `link` (e.g. "?group={}#branches") each box of the overview links to its phase's drawing."""
    if group is not None:
        return _group_svg(compiled, group)
    if is_large(compiled):
        return _overview_svg(compiled, link)
    path = expected_path(compiled)
    boxes = {name: _scene_box(compiled, name, path) for name in [*compiled.nodes, *compiled.endings]}
    return _drawing(boxes, _layers(list(boxes), [compiled.scenario.start], edges(compiled)), edges(compiled),
                    set(zip(path, path[1:])),
                    f"Branches of {compiled.scenario.title}: {len(compiled.nodes)} nodes, {len(compiled.endings)} "
                    "endings; the expected path is drawn heavier")


def _scene_box(compiled: Compiled, name: str, path: list[str], outside: str = "") -> Box:
    title = _title(compiled, name)
    return Box(_short(name, 26), _short(f"in {outside}" if outside else title, 30),
               f"{name}: {title}" + (f" (in {outside})" if outside else ""), rounded=name in compiled.endings,
               heavy=name == compiled.scenario.start, on_path=name in path, dashed=bool(outside))


def _overview_svg(compiled: Compiled, link: str | None) -> str:
    phases = groups(compiled)
    phase_of = {name: group.number for group in phases for name in group.names}
    path = expected_path(compiled)
    between: dict[tuple[str, str], int] = {}
    for edge in edges(compiled):
        source, target = str(phase_of[edge.source]), str(phase_of[edge.target])
        if source != target:
            between[source, target] = between.get((source, target), 0) + 1
    links = [Edge(source, target, f"{count} {'branch' if count == 1 else 'branches'}")
             for (source, target), count in between.items()]
    on_path_phases = [str(phase_of[name]) for name in path]
    boxes = {str(group.number): Box(
        _short(f"{group.number}. {group.title}", 25), _short(group_said(group), 30),
        f"{group.number}. {group.title}: {group_said(group)}" + ("; open its drawing" if link else ""),
        heavy=compiled.scenario.start in group.names, on_path=str(group.number) in on_path_phases,
        href=link.format(group.number) if link else None) for group in phases}
    endings = str(phases[-1].number)  # drawn last, below every phase that can end play
    rows = [[name for name in row if name != endings]
            for row in _layers(list(boxes), [str(phase_of[compiled.scenario.start])], links)]
    return _drawing(boxes, [*filter(None, rows), [endings]], links,
                    set(zip(on_path_phases, on_path_phases[1:])),
                    f"Phases of {compiled.scenario.title}: {len(compiled.nodes)} nodes in {len(phases) - 1} phases, "
                    f"and {len(compiled.endings)} endings; the expected path goes through the heavier ones")


def group_said(group: Group) -> str:
    """'40 scenes, n40 to n79'; '10 endings'."""
    if group.endings:
        return counted(len(group.names), "ending")
    return counted(len(group.names), "scene") + (f", {group.names[0]} to {group.names[-1]}" if len(group.names) > 1 else "")


def _group_svg(compiled: Compiled, number: int) -> str:
    """One phase's scenes, and the scenes outside it that its branches come from or lead to (dashed)."""
    phases, shown = groups(compiled), group(compiled, number)
    phase_title = {name: other.title for other in phases for name in other.names}
    inside = set(shown.names)
    touching = [edge for edge in edges(compiled) if edge.source in inside or edge.target in inside]
    path = expected_path(compiled)
    boxes = {name: _scene_box(compiled, name, path) for name in shown.names}
    for edge in touching:
        for name in (edge.source, edge.target):
            if name not in boxes:
                boxes[name] = _scene_box(compiled, name, path, outside=phase_title[name])
    comes_from = [edge.source for edge in touching if edge.source not in inside]  # drawn in the first row
    roots = list(dict.fromkeys(comes_from)) or [name for name in (compiled.scenario.start,) if name in inside] \
        or [shown.names[0]]
    return _drawing(boxes, _layers(list(boxes), roots, touching), touching,
                    set(zip(path, path[1:])),
                    f"Phase {number} of {compiled.scenario.title}, {shown.title}: {len(shown.names)} scenes; scenes "
                    "of other phases are dashed; the expected path is drawn heavier", key=f"phase-{number}")


def _drawing(boxes: dict[str, Box], rows: list[list[str]], all_edges: list[Edge], on_path: set[tuple[str, str]],
             title: str, key: str = "graph") -> str:
    """`key` keeps the drawing's ids apart from another's on the same page."""
    width = max(len(row) for row in rows) * (NODE_WIDTH + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (NODE_HEIGHT + GAP_Y) - GAP_Y + 2 * MARGIN
    centre = {}
    for row_index, row in enumerate(rows):
        row_width = len(row) * (NODE_WIDTH + GAP_X) - GAP_X
        for index, name in enumerate(row):
            x = (width - row_width) / 2 + index * (NODE_WIDTH + GAP_X) + NODE_WIDTH / 2
            centre[name] = (x, MARGIN + row_index * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2)
    role = "group" if any(box.href for box in boxes.values()) else "img"  # an image holds no links
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="{role}" aria-labelledby="{key}-title" class="scenario-graph">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<defs><marker id="{key}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4f5863"/></marker>'
        f'<marker id="{key}-arrow-expected" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#0b3d91"/></marker></defs>',
    ]
    labels = []
    for edge in all_edges:
        expected = (edge.source, edge.target) in on_path
        (x0, y0), (xa, ya), (xb, yb), (x3, y3) = points = _edge_points(*centre[edge.source], *centre[edge.target])
        parts.append(
            f'<path d="M{x0:.0f},{y0:.0f} C{xa:.0f},{ya:.0f} {xb:.0f},{yb:.0f} {x3:.0f},{y3:.0f}" fill="none" '
            f'stroke="{"#0b3d91" if expected else "#4f5863"}" stroke-width="{3 if expected else 1.3}" '
            f'marker-end="url(#{key}-{"arrow-expected" if expected else "arrow"})">'
            f"<title>{escape(edge.source)} to {escape(edge.target)}: {escape(edge.label)}</title></path>"
        )
        x, y = _halfway(points)  # what the branch is (a choice, a rule, or a count), written on it
        labels.append(f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" font-size="10" fill="#1b1f24" '
                      f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(_short(edge.label, 30))}</text>')
    parts += labels
    for name, (x, y) in centre.items():
        box = boxes[name]
        shape = (f'<rect x="{x - NODE_WIDTH / 2:.0f}" y="{y - NODE_HEIGHT / 2:.0f}" width="{NODE_WIDTH}" '
                 f'height="{NODE_HEIGHT}" rx="{20 if box.rounded else 4}" fill="{"#e6f4ea" if box.rounded else "#ffffff"}" '
                 f'stroke="{"#0b3d91" if box.on_path else "#6b7480"}" stroke-width="{3 if box.heavy else 1.5}"'
                 f'{DASHED if box.dashed else ""}/>'
                 f'<text x="{x:.0f}" y="{y - 5:.0f}" text-anchor="middle" font-size="12" font-weight="600" '
                 f'fill="#1b1f24">{escape(box.heading)}</text>'
                 f'<text x="{x:.0f}" y="{y + 12:.0f}" text-anchor="middle" font-size="11" fill="#4f5863">'
                 f"{escape(box.text)}</text><title>{escape(box.tooltip)}</title>")
        parts.append(f'<a href="{escape(box.href)}">{shape}</a>' if box.href else f"<g>{shape}</g>")
    parts.append("</svg>")
    return "\n".join(parts)


Point = tuple[float, float]


def _edge_points(x1: float, y1: float, x2: float, y2: float) -> tuple[Point, Point, Point, Point]:
    """An edge's curve (start, two control points, end) between two boxes' centres. Downward edges leave
    the bottom and enter the top; an edge within a row arcs above it; an edge back up curves out to the side."""
    if y2 > y1:
        y1, y2 = y1 + NODE_HEIGHT / 2, y2 - NODE_HEIGHT / 2
        return (x1, y1), (x1, y1 + GAP_Y / 2), (x2, y2 - GAP_Y / 2), (x2, y2)
    if y2 == y1:
        side = NODE_WIDTH / 2 if x2 > x1 else -NODE_WIDTH / 2
        x1, x2, top = x1 + side, x2 - side, y1 - NODE_HEIGHT / 2 - GAP_Y / 3
        return (x1, y1), (x1, top), (x2, top), (x2, y2)
    x1, x2 = x1 + NODE_WIDTH / 2, x2 + NODE_WIDTH / 2
    return (x1, y1), (x1 + GAP_X, y1), (x2 + GAP_X, y2), (x2, y2)


def _halfway(points: tuple[Point, Point, Point, Point]) -> Point:
    """The curve's point halfway along it (Bezier, t = 1/2)."""
    (x0, y0), (xa, ya), (xb, yb), (x3, y3) = points
    return (x0 + 3 * xa + 3 * xb + x3) / 8, (y0 + 3 * ya + 3 * yb + y3) / 8


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
