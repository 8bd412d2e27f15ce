"""How fast the scenario checker is, and how much memory it takes, on a large file and a hostile one.

    python bench/scenario_checker.py [--nodes 2000]

Each measurement runs in a fresh Python process, so its peak memory (ru_maxrss) is its own.
Targets (issue 3): a 2,000-node scenario checked in under 1 s and 100 MB; an alias bomb refused in
under 0.1 s; (issue 18) the 2,000-node file checked in under 0.5 s and simulated 1,000 runs in under 7 s.
Prints a Markdown table for docs/performance.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from drillhub.scenarios.checker import check_text
    text = open(sys.argv[1]).read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = check_text(text)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "grew_mb": (peak - before) / 1024,
                      "errors": len(result.errors), "warnings": len(result.warnings),
                      "rules": sorted({f.rule for f in result.findings}),
                      "states": result.simulation.states_explored if result.simulation else 0}))
""")


def generated_scenario(nodes: int) -> str:
    """A valid scenario of `nodes` nodes: four roles, typed variables, conditions, effects, injects,
    each and lead and team decisions, branches that rejoin, and up to ten endings (one per 200 nodes,
    at least two), every one reachable."""
    roles = ["patrol", "dispatch", "fire", "ems"]
    kinds = ["municipal_police", "dispatch", "fire", "ems"]
    lines = [
        "id: generated-large", "title: Generated large scenario", 'version: "1"',
        "summary: Generated for the checker benchmark.", "exercise_type: functional",
        "expected_duration_minutes: 480", "threat_hazard: Synthetic", "mission_areas: [response]",
        "authors: [bench/scenario_checker.py]",
        "objectives:", "  - {id: speed, description: Act fast., core_capabilities: [Operational Coordination]}",
        "  - {id: care, description: Care well., core_capabilities: [Mass Care Services]}",
        "roles:",
        *[f"  - {{id: {role}, title: {role.title()}, agency_kind: {kind}, briefing: Brief for {role}.}}"
          for role, kind in zip(roles, kinds)],
        "variables:",
        "  - {id: delay, type: integer, initial: 0, min: 0, max: 1000000}",
        "  - {id: ready, type: boolean, initial: false}",
        "  - {id: phase, type: choice, values: [early, middle, late], initial: early}",
        f"start: n0", "nodes:",
    ]
    endings = [f"end{k}" for k in range(max(2, min(10, nodes // 200)))]
    for i in range(nodes):
        # every 200th node can also end play, so all ten endings are reachable
        second = endings[(i // 200) % len(endings)] if i % 200 == 199 or i + 2 >= nodes else f"n{i + 2}"
        ahead = [f"n{i + 1}" if i + 1 < nodes else endings[-1], second]
        mode = ("each", "lead", "team")[i % 3]
        lines += [
            f"  - id: n{i}", f"    title: Scene {i}", f"    narrative: Scene {i} of the generated scenario, with **Markdown**.",
            f"    role_info: {{{roles[i % 4]}: Only {roles[i % 4]} sees this at scene {i}.}}",
            f"    injects:", f"      - {{id: i{i}, at: \"{i % 9}:{i % 60:02d}\", from: Control, to: [{roles[(i + 1) % 4]}], "
            f"method: radio, message: Inject {i}., objective: speed}}",
            "    decision:", f"      prompt: Decision {i}", f"      mode: {mode}",
        ]
        if mode == "lead":
            lines.append(f"      lead: {roles[i % 4]}")
        if mode == "each":
            lines.append(f"      roles: [{roles[i % 4]}, {roles[(i + 1) % 4]}]")
        lines += [
            "      choices:",
            f"        - {{id: fast, label: Fast, expected: true, effects: {{ready: true}}, points: {{speed: 1}}}}",
            f"        - {{id: slow, label: Slow, effects: {{delay: delay + 1}}, points: {{care: 1}}}}",
            f"        - {{id: careful, label: Careful, when: ready or delay > 3, effects: {{phase: late}}}}",
            "      next:",
            f"        - {{when: \"delay % 2 == 0 and phase != 'middle'\", goto: {ahead[0]}}}",
            f"        - {{goto: {ahead[1]}}}",
        ]
    lines.append("endings:")
    lines += [f"  - {{id: {ending}, title: Ending {k}, summary: Ending {k}., objectives: {{speed: met, care: partially_met}}}}"
              for k, ending in enumerate(endings)]
    return "\n".join(lines) + "\n"


def alias_bomb() -> str:
    """The 'billion laughs': nine levels, each nine aliases of the one before (9^9 strings if expanded)."""
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(97 + level), chr(96 + level)
        levels.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return "\n".join(levels) + "\n"


def measure(path: Path, repeats: int = 3) -> dict:
    """The median time of `repeats` fresh processes, and the largest peak memory among them."""
    results = [json.loads(subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                                         text=True, check=True, cwd=ROOT).stdout) for _ in range(repeats)]
    median = sorted(results, key=lambda result: result["seconds"])[repeats // 2]
    return {**median, "peak_mb": max(r["peak_mb"] for r in results), "grew_mb": max(r["grew_mb"] for r in results)}


def simulated(path: Path, runs: int = 1000) -> float:
    """Seconds for `drillhub scenarios simulate <path> --runs <runs>`, as an author runs it (issue 18:
    under 7 s for 1,000 runs of a 2,000-node file)."""
    started = time.perf_counter()
    subprocess.run([Path(sys.executable).parent / "drillhub", "scenarios", "simulate", str(path), "--runs", str(runs)],
                   capture_output=True, check=True, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2000)
    args = parser.parse_args()
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    large, bomb = workdir / "drillhub-large.yaml", workdir / "drillhub-bomb.yaml"
    large.write_text(generated_scenario(args.nodes))
    bomb.write_text(alias_bomb())
    rows = [(f"generated scenario, {args.nodes} nodes ({large.stat().st_size // 1024} KiB)", measure(large)),
            (f"alias bomb ({bomb.stat().st_size} bytes)", measure(bomb))]
    rows += [(f"shipped: {path.name}", measure(path)) for path in sorted((ROOT / "scenarios").glob("*.yaml"))]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}\n")
    print("| file | check time s (median of 3) | peak RSS MB | RSS growth MB | states explored | result |")
    print("|---|---:|---:|---:|---:|---|")
    for label, result in rows:
        verdict = "clean" if not result["errors"] and not result["warnings"] else \
            f"{result['errors']} errors, {result['warnings']} warnings ({', '.join(result['rules'])})"
        print(f"| {label} | {result['seconds']:.3f} | {result['peak_mb']:.0f} | {result['grew_mb']:.0f} | "
              f"{result['states']} | {verdict} |")
    print(f"\n`drillhub scenarios simulate` of the {args.nodes}-node file, 1,000 random runs after the bounded "
          f"exhaustive walk: {simulated(large):.1f} s (whole command)")


if __name__ == "__main__":
    main()
