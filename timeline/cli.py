"""The ``timeline`` command: parse arguments, call the library, print.

The only module that imports click or reads the clock (``--at`` defaults to
today, or to ``$TIMELINE_TODAY`` when set, for tests and reproducible runs).
Library errors become one ``path:line:col: error: message`` line each and
exit status 1; bad arguments are click's usage errors, exit status 2.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from timeline.errors import LoadError, TimelineError
from timeline.fold import state_at
from timeline.history import append_only_problems
from timeline.load import check_repository, find_repository, load_repository
from timeline.render import problems_to_github, problems_to_json, render_text, state_to_json


class _Failure(click.ClickException):
    """Exit 1 with each line printed as it is (no "Error:" prefix)."""

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date | None:
    """Parse a ``YYYY-MM-DD`` option value; a bad one is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a real day in the form YYYY-MM-DD") from None


def today() -> datetime.date:
    """Today, or ``$TIMELINE_TODAY`` when it is set."""
    override = os.environ.get("TIMELINE_TODAY")
    if override:
        try:
            return datetime.date.fromisoformat(override)
        except ValueError:
            raise click.UsageError(f"TIMELINE_TODAY={override!r} is not a YYYY-MM-DD day") from None
    return datetime.date.today()


def _events_dir(events: Path | None) -> Path:
    if events is not None:
        return events
    try:
        root = find_repository()
    except TimelineError as exc:
        raise _Failure(f"error: {exc}") from None
    return Path(os.path.relpath(root / "events"))


def _fail(exc: TimelineError) -> _Failure:
    if isinstance(exc, LoadError):
        return _Failure("\n".join(str(problem) for problem in exc.problems))
    return _Failure(f"error: {exc}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """Where a race stood on any day, and how we know.

    Replays the immutable YAML event files of a repository (its events/
    directory, found from the current directory upward) to derive the state
    of a race at a date.
    """


events_option = click.option(
    "--events",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The events directory. Default: events/ of the enclosing repository.",
)


@main.command()
@click.option("--at", metavar="YYYY-MM-DD", callback=_day, help="The day to show. Default: today.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text, or JSON for programs.",
)
def state(at: datetime.date | None, events: Path | None, race: str | None, output: str) -> None:
    """Show where a race stood on a day.

    Prints the electorate, every candidate with status and backers (each with
    its conditions), the holdouts, whether the decision rule is met and who is
    appointed. An event counts from its latest possible day: "2024-04" counts
    from 2024-04-30.

    \b
    Examples:
      timeline state --at 2024-06-18
      timeline state --at 2024-06-18 --format json
    """
    day = at or today()
    try:
        repository = load_repository(_events_dir(events))
        result = state_at(repository.events, day, race)
    except TimelineError as exc:
        raise _fail(exc) from None
    if output == "json":
        click.echo(json.dumps(state_to_json(result, day), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result, day), nl=False)


@main.command()
@events_option
@click.option(
    "--base",
    metavar="GIT_REF",
    default=None,
    help="Also check that no event file that exists at GIT_REF was changed.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Lines, JSON, or GitHub Actions annotations.",
)
def validate(events: Path | None, base: str | None, output: str) -> None:
    """Check every event file and report every problem.

    Checks YAML safety, the schema, dates (none in the future), sources and
    quotes, the replay of every race, and with --base that the event log is
    append-only. Each problem is one line, path:line:col: error|warning:
    message. Exit status 1 if there is any error.

    \b
    Examples:
      timeline validate
      timeline validate --base origin/main --format github
    """
    events_dir = _events_dir(events)
    try:
        check = check_repository(events_dir, today=today())
        problems = [*check.problems]
        if base is not None:
            problems = [*append_only_problems(events_dir, base), *problems]
    except TimelineError as exc:
        raise _fail(exc) from None
    errors = sum(1 for p in problems if p.severity == "error")
    if output == "json":
        click.echo(json.dumps(problems_to_json(problems, check.files), indent=2))
    elif output == "github":
        click.echo(problems_to_github(problems), nl=False)
    else:
        for problem in problems:
            click.echo(str(problem))
    warnings = len(problems) - errors
    summary = f"{_count(check.files, 'event file')} checked: {_count(errors, 'error')}, "
    click.echo(summary + _count(warnings, "warning"), err=True)
    if errors:
        raise SystemExit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
