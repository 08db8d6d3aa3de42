"""The commands for contributors' checks: ``validate`` and ``schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from timeline.cli.common import (
    events_dir,
    events_option,
    format_option,
    progress_bar,
    store,
    today,
)
from timeline.formats.schema import event_schema
from timeline.storage.history import append_only_problems
from timeline.storage.load import check_repository
from timeline.views.listings import problems_to_github, problems_to_json


@click.command()
@events_option
@click.option(
    "--base",
    metavar="GIT_REF",
    default=None,
    help="Also check that no event file or seed that exists at GIT_REF (a commit,"
    " branch or tag) was changed.",
)
@format_option("text", "json", "github", help="Lines, JSON, or GitHub Actions annotations.")
def validate(events: Path | None, base: str | None, output: str) -> None:
    """Check every event file and report every problem.

    Checks YAML safety, the schema, dates (none in the future), sources and
    quotes, the replay of every race, and with --base that the event log and
    the seeds are append-only. Each problem is one line, path:line:col: error|warning:
    message. Exit status 1 if there is any error.

    \b
    Examples:
      timeline validate
      timeline validate --base origin/main --format github
    """
    directory = events_dir(events)
    with progress_bar() as progress:
        check = check_repository(
            directory,
            today=today(),
            as_reported=True,
            progress=progress,
            store=store(directory),
        )
    problems = [*check.problems]
    if base is not None:
        problems = [*append_only_problems(directory, base), *problems]
    errors = sum(1 for p in problems if p.severity == "error")
    if output == "json":
        click.echo(json.dumps(problems_to_json(problems, check.files), indent=2))
    elif output == "github":
        click.echo(problems_to_github(problems), nl=False)
    else:
        if problems:  # one write: a report of 30,000 warnings prints in a blink
            click.echo("\n".join(str(problem) for problem in problems))
    warnings = len(problems) - errors
    summary = f"{_count(check.files, 'event file')} checked: {_count(errors, 'error')}, "
    click.echo(summary + _count(warnings, "warning"), err=True)
    if errors:
        raise SystemExit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@click.command()
def schema() -> None:
    """Print the JSON Schema (2020-12) of event files, derived from the event model.

    Editors that speak the YAML language server use it to complete and check
    event files as you type (see docs/contributing.md).

    \b
    Example:
      timeline schema > event.schema.json
    """
    click.echo(json.dumps(event_schema(), indent=2, ensure_ascii=False))
