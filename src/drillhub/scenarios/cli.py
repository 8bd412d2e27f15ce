"""`drillhub scenarios ...`: the checker, pictures and play-throughs for scenario authors."""

import json
import os
import sys
from pathlib import Path

import click

from drillhub.scenarios import graph
from drillhub.scenarios.attachments import beside
from drillhub.scenarios.checker import CheckResult, check_text
from drillhub.scenarios.loader import Finding, ScenarioInvalid, find_scenario_file, read_file, scenario_files
from drillhub.scenarios.model import json_schema
from drillhub.scenarios.simulate import simulate
from drillhub.settings import load_settings


@click.group()
def scenarios() -> None:
    """Check, draw and play scenario files."""


def _checked(path: Path, play: bool = True) -> CheckResult:
    """One file's findings; a file that cannot be read, or that the checker fails on, is reported like any
    other error, and the next file is checked."""
    try:
        return check_text(read_file(path), play=play, attachments=beside(path))
    except ScenarioInvalid as unreadable:
        return CheckResult(findings=unreadable.findings)
    except Exception as error:  # noqa: BLE001 - a checker bug on one file must not hide the others' findings
        return CheckResult(findings=[Finding("error", "internal", f"the checker failed on this file: {error!r}")])


@scenarios.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def validate(paths: tuple[Path, ...], output: str) -> None:
    """Check scenario files, and the YAML files in folders (all of scenarios/ when none are named).
    Exit 1 on any error."""
    files = [file for path in paths for file in (scenario_files(path, nested=True) if path.is_dir() else [path])] \
        if paths else scenario_files(load_settings().scenarios_dir)
    reports, failed = [], False
    for path in files:
        result = _checked(path)
        failed |= not result.ok
        reports.append({"file": str(path), "ok": result.ok,
                        "errors": [finding.as_dict() for finding in result.errors],
                        "warnings": [finding.as_dict() for finding in result.warnings]})
        if output == "text":
            for finding in result.findings:
                click.echo(finding.format(str(path)))
    if output == "json":
        click.echo(json.dumps(reports, indent=2))
    else:
        errors = sum(len(report["errors"]) for report in reports)
        warnings = sum(len(report["warnings"]) for report in reports)
        click.echo(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)")
    if failed:
        sys.exit(1)


def _compiled(name: str):
    path = find_scenario_file(load_settings().scenarios_dir, name)
    if path is None:
        raise click.ClickException(f"No file or scenario id {name!r} in {load_settings().scenarios_dir}")
    result = _checked(path, play=False)
    if not result.ok:
        for finding in result.errors:
            click.echo(finding.format(str(path)), err=True)
        raise click.ClickException(f"{path} has errors: run `drillhub scenarios validate {path}`")
    return result.compiled


@scenarios.command(name="graph")
@click.argument("name")
@click.option("--format", "output", type=click.Choice(["svg", "dot", "mermaid"]), default="svg")
def draw(name: str, output: str) -> None:
    """Draw a scenario's branches (by id, or a path)."""
    compiled = _compiled(name)
    click.echo({"svg": graph.to_svg, "dot": graph.to_dot, "mermaid": graph.to_mermaid}[output](compiled))


@scenarios.command(name="simulate")
@click.argument("name")
@click.option("--runs", type=click.IntRange(0, 100_000), default=1000)
@click.option("--seed", type=int, default=0)
@click.option("--max-states", type=click.IntRange(1, 1_000_000), default=20_000)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option("--processes", type=click.IntRange(1, 64, clamp=True), default=len(os.sched_getaffinity(0)),
              show_default="the cores this process may use",
              help="Processes sharing the play-throughs; the report is the same for any number.")
def play_through(name: str, runs: int, seed: int, max_states: int, output: str, processes: int) -> None:
    """Random and exhaustive (bounded) play-throughs: endings, path lengths, score ranges."""
    compiled = _compiled(name)
    report = simulate(compiled, runs=runs, seed=seed, max_states=max_states, processes=processes).as_dict(compiled)
    if output == "json":
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{compiled.scenario.title} ({compiled.scenario.id} {compiled.scenario.version})")
    exhaustive = report["exhaustive"]
    click.echo(f"exhaustive walk: {exhaustive['states']} states, {'complete' if exhaustive['complete'] else 'cut off'}")
    click.echo(f"random runs: {runs} (seed {seed}); path length {report['path_length']}")
    for ending_id, seen in report["endings"].items():
        click.echo(f"  ending {ending_id:<28} random runs {seen['random_runs']:>6}   "
                   f"{'reachable' if seen['reachable'] else 'NOT reached by the exhaustive walk'}")
    for objective_id, scores in report["scores"].items():
        click.echo(f"  objective {objective_id:<25} score {scores['min']}..{scores['max']}")
    for problem in report["problems"]:
        click.echo(f"  problem at {problem['node']}: {problem['message']}")
    for clamp in report["clamped"]:
        click.echo(f"  held at a bound at {clamp['node']}: {clamp['message']}")
    if report["unfinished_runs"]:
        click.echo(f"  {report['unfinished_runs']} run(s) did not reach an ending")


@scenarios.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    click.echo(json.dumps(json_schema(), indent=2))
