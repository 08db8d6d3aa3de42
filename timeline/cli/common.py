"""What every command shares: options, errors, today, and loading the repository."""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.decorators import FC

from timeline.errors import LoadError, TimelineError, UnknownRaceError
from timeline.model.seeds import SeedRecord
from timeline.model.sources import SourceIndex
from timeline.storage.repository import Repository, find_repository

if TYPE_CHECKING:
    from timeline.storage.cache import Store
    from timeline.storage.load import Loaded


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
    from timeline.storage.reading import read_seed_metadata

    records, _ = read_seed_metadata(root)
    return records


def source_index(root: Path) -> SourceIndex:
    """What ``seeds/records.yaml`` says of the records events cite (validation has checked
    it; a repository without the file has none)."""
    from timeline.storage.reading import read_source_records

    records, _ = read_source_records(root)
    return SourceIndex(records)


def store(directory: Path) -> Store | None:
    """The cache of ``directory``'s events, unless ``--no-cache`` was given or the cache
    directory is not safe to use (one warning says why: as git refuses a repository
    someone else owns)."""
    from timeline.storage.cache import Store, default_directory
    from timeline.storage.cachefiles import untrusted

    context = click.get_current_context()
    settings = context.find_root().params
    if settings.get("no_cache"):
        return None
    key = f"timeline.store:{directory}"  # asked twice by `new`: one answer, one warning
    if key not in context.meta:
        home = settings.get("cache_dir") or default_directory()
        distrust = untrusted(home)
        if distrust is not None:
            click.echo(f"warning: not using the cache in {home}: {distrust}", err=True)
        context.meta[key] = None if distrust is not None else Store(home, directory)
    found: Store | None = context.meta[key]
    return found


def opened(events: Path | None) -> Loaded:
    """The repository checked by the one loader, through the cache unless ``--no-cache``
    was given: its races and their summaries, each race's events decoded when asked."""
    from timeline.storage.load import open_repository

    directory = events_dir(events)
    with progress_bar() as progress:
        return open_repository(directory, progress, store=store(directory))


def load(events: Path | None, *, race: str | None = None, one_race: bool = False) -> Repository:
    """The repository's events; with ``one_race``, those of ``race`` (or of the only race)
    alone: a warm cache then decodes that race alone."""
    loaded = opened(events)
    return loaded.only(race) if one_race else loaded.repository()


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
    loaded = opened(events)
    if race is not None:
        return loaded.only(race), race
    if len(loaded.races) == 1:
        return loaded.repository(), loaded.races[0]
    chosen = races_open(loaded, day, about)
    if len(chosen) != 1:
        listed = ", ".join(chosen) if chosen else f"none is open on {day.isoformat()}"
        raise UnknownRaceError(
            f"choose a race with --race ({listed}; all races: {', '.join(loaded.races)})"
        )
    return loaded.only(chosen[0]), chosen[0]


def races_open(loaded: Loaded, day: datetime.date, about: str | None = None) -> list[str]:
    """The races open on ``day`` (whose events name ``about``): the summaries come from
    the cache, so only a race whose events must be searched for ``about`` is decoded."""
    from timeline.engine.query import members_named, names_candidate
    from timeline.engine.summary import open_on

    found = [s.race for s in loaded.summaries() if open_on(s, day)]
    if about is None:
        return found
    return [
        race
        for race in found
        if any(
            about in members_named(e) or names_candidate(e, about) for _, e in loaded.entries(race)
        )
    ]
