"""What every command shares: options, errors, today, and loading the repository."""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from click.decorators import FC

from timeline.errors import LoadError, TimelineError, UnknownRaceError
from timeline.model.seeds import SeedRecord
from timeline.storage.repository import Repository, find_repository


class Failure(click.ClickException):
    """The one way out for an error: its lines printed as they are (no click "Error:"
    prefix), exit status 1 (bad data). Made by :func:`failure` only."""

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class UsageFailure(Failure):
    """The same, for bad usage: exit status 2, as click's own usage errors."""

    exit_code = 2


def parse_day(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> datetime.date | None:
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


def events_dir(events: Path | None) -> Path:
    if events is not None:
        return events
    root = find_repository()
    return Path(os.path.relpath(root / "events"))


def failure(exc: TimelineError) -> Failure:
    """The formatter of every error a command meets: a file's problems as ``path:line:col:
    error: ...`` lines, anything else as ``error: ...`` lines; the exit status the error
    says (1 for bad data, 2 for bad usage)."""
    if isinstance(exc, LoadError):
        lines = [*(str(problem) for problem in exc.problems), *exc.notes]
    else:
        lines = [f"error: {line}" for line in str(exc).split("\n")]
    return (UsageFailure if exc.exit_code == 2 else Failure)("\n".join(lines))


def format_option(
    *choices: str, help: str = "Readable text, or JSON for programs."
) -> Callable[[FC], FC]:
    return click.option(
        "--format",
        "output",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


events_option = click.option(
    "--events",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The events directory. Default: events/ of the enclosing repository.",
)


known_on_option = click.option(
    "--known-on",
    metavar="YYYY-MM-DD",
    callback=parse_day,
    help="Only what had been reported by this day. Default: all that is known now.",
)


def seed_index(root: Path) -> Mapping[str, SeedRecord]:
    """What ``seeds/metadata.yaml`` says of each seed article (validation has checked it;
    a repository without the file has none)."""
    from timeline.storage.load import read_seed_metadata

    records, _ = read_seed_metadata(root)
    return records


def load(events: Path | None, *, race: str | None = None, one_race: bool = False) -> Repository:
    """The repository, through the cache unless ``--no-cache`` was given.

    With ``one_race``, only the events of ``race`` (or of the only race) are
    loaded: a warm cache then reads that race alone.
    """
    directory = events_dir(events)
    settings = click.get_current_context().find_root().params
    with progress_bar() as progress:
        if settings.get("no_cache"):
            from timeline.storage.load import load_repository

            repository = load_repository(directory, progress)
            return repository.only(race) if one_race else repository
        from timeline.storage.cache import load_repository as load_cached

        cache_dir = settings.get("cache_dir")
        return load_cached(
            directory,
            directory=cache_dir,
            race=race,
            one_race=one_race,
            progress=progress,
            warn=lambda message: click.echo(f"warning: {message}", err=True),
        )


#: Reading fewer files than this takes too little time to show a bar for.
PROGRESS_FROM = 500


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback that draws a bar on standard error for a long read, when
    standard error is a terminal; None (silence) otherwise, so logs and pipes stay clean."""
    if not sys.stderr.isatty():
        yield None
        return
    bars: list[Any] = []

    def update(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if not bars:
            bar = click.progressbar(length=total, label="Reading event files", file=sys.stderr)
            bars.append(bar.__enter__())
        bars[0].update(done - bars[0].pos)

    try:
        yield update
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


def load_race(
    events: Path | None, race: str | None, day: datetime.date, about: str | None = None
) -> tuple[Repository, str]:
    """The repository, loaded for the one race a command is about, and that race: ``race``
    when given; else the repository's only race; else the one race open on ``day`` (among
    those whose events name ``about``, a member or a candidate, when given)."""
    if race is not None:
        return load(events, race=race, one_race=True), race
    repository = load(events)
    if len(repository.races) == 1:
        return repository, repository.races[0]
    chosen = races_open(repository, day, about)
    if len(chosen) != 1:
        listed = ", ".join(chosen) if chosen else f"none is open on {day.isoformat()}"
        raise UnknownRaceError(
            f"choose a race with --race ({listed}; all races: {', '.join(repository.races)})"
        )
    return repository.only(chosen[0]), chosen[0]


def races_open(repository: Repository, day: datetime.date, about: str | None = None) -> list[str]:
    """The races of ``repository`` open on ``day`` (whose events name ``about``)."""
    from timeline.engine.query import members_named, names_candidate
    from timeline.engine.summary import open_on, summaries

    found = [s.race for s in summaries(repository.events) if open_on(s, day)]
    if about is None:
        return found
    return [
        race
        for race in found
        if any(
            e.race == race and (about in members_named(e) or names_candidate(e, about))
            for e in repository.events
        )
    ]
