"""Pictures of a scenario's branches: Graphviz dot, Mermaid, and an SVG drawn here (no Graphviz needed).

The expected path is the one players follow when every role takes the expected (doctrinal) choice;
it is drawn heavier. Endings are drawn as rounded boxes.
"""

from collections import deque
from dataclasses import dataclass
from html import escape

from drillhub.scenarios import engine
from drillhub.scenarios.engine import Compiled

NODE_WIDTH, NODE_HEIGHT, GAP_X, GAP_Y, MARGIN = 190, 46, 36, 64, 16


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


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


def _layers(compiled: Compiled, all_edges: list[Edge]) -> list[list[str]]:
    """Rows by distance from the start; within a row, ordered by where their parents sit."""
    out: dict[str, list[str]] = {}
    for edge in all_edges:
        out.setdefault(edge.source, []).append(edge.target)
    depth = {compiled.scenario.start: 0}
    queue = deque([compiled.scenario.start])
    while queue:
        name = queue.popleft()
        for target in out.get(name, []):
            if target not in depth:
                depth[target] = depth[name] + 1
                queue.append(target)
    last = max(depth.values(), default=0) + 1
    for name in [*compiled.nodes, *compiled.endings]:
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


def to_svg(compiled: Compiled) -> str:
    all_edges = edges(compiled)
    rows = _layers(compiled, all_edges)
    path = expected_path(compiled)
    on_path = set(zip(path, path[1:]))
    width = max(len(row) for row in rows) * (NODE_WIDTH + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (NODE_HEIGHT + GAP_Y) - GAP_Y + 2 * MARGIN
    centre = {}
    for row_index, row in enumerate(rows):
        row_width = len(row) * (NODE_WIDTH + GAP_X) - GAP_X
        for index, name in enumerate(row):
            x = (width - row_width) / 2 + index * (NODE_WIDTH + GAP_X) + NODE_WIDTH / 2
            centre[name] = (x, MARGIN + row_index * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-labelledby="graph-title" class="scenario-graph">',
        f'<title id="graph-title">Branches of {escape(compiled.scenario.title)}: {len(compiled.nodes)} nodes, '
        f'{len(compiled.endings)} endings; the expected path is drawn heavier</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4f5863"/></marker>'
        '<marker id="arrow-expected" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#0b3d91"/></marker></defs>',
    ]
    for edge in all_edges:
        (x1, y1), (x2, y2) = centre[edge.source], centre[edge.target]
        expected = (edge.source, edge.target) in on_path
        d = _edge_path(x1, y1, x2, y2)
        parts.append(
            f'<path d="{d}" fill="none" stroke="{"#0b3d91" if expected else "#4f5863"}" '
            f'stroke-width="{3 if expected else 1.3}" marker-end="url(#{"arrow-expected" if expected else "arrow"})">'
            f"<title>{escape(edge.source)} to {escape(edge.target)}: {escape(edge.label)}</title></path>"
        )
    for name, (x, y) in centre.items():
        ending = name in compiled.endings
        fill = "#e6f4ea" if ending else "#ffffff"
        stroke = "#0b3d91" if name in path else "#6b7480"
        radius = 20 if ending else 4
        parts.append(
            f'<g><rect x="{x - NODE_WIDTH / 2:.0f}" y="{y - NODE_HEIGHT / 2:.0f}" width="{NODE_WIDTH}" '
            f'height="{NODE_HEIGHT}" rx="{radius}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{3 if name == compiled.scenario.start else 1.5}"/>'
            f'<text x="{x:.0f}" y="{y - 5:.0f}" text-anchor="middle" font-size="12" font-weight="600" '
            f'fill="#1b1f24">{escape(_short(name, 26))}</text>'
            f'<text x="{x:.0f}" y="{y + 12:.0f}" text-anchor="middle" font-size="11" fill="#4f5863">'
            f"{escape(_short(_title(compiled, name), 30))}</text>"
            f"<title>{escape(name)}: {escape(_title(compiled, name))}</title></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge_path(x1: float, y1: float, x2: float, y2: float) -> str:
    """Downward edges leave the bottom and enter the top; an edge within a row arcs above it; an
    edge back up curves out to the side."""
    if y2 > y1:
        y1, y2 = y1 + NODE_HEIGHT / 2, y2 - NODE_HEIGHT / 2
        return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + GAP_Y / 2:.0f} {x2:.0f},{y2 - GAP_Y / 2:.0f} {x2:.0f},{y2:.0f}"
    if y2 == y1:
        side = NODE_WIDTH / 2 if x2 > x1 else -NODE_WIDTH / 2
        x1, x2, top = x1 + side, x2 - side, y1 - NODE_HEIGHT / 2 - GAP_Y / 3
        return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{top:.0f} {x2:.0f},{top:.0f} {x2:.0f},{y2:.0f}"
    x1, x2 = x1 + NODE_WIDTH / 2, x2 + NODE_WIDTH / 2
    return f"M{x1:.0f},{y1:.0f} C{x1 + GAP_X:.0f},{y1:.0f} {x2 + GAP_X:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
