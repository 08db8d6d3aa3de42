"""The commands that publish a race: ``export`` (JSON Lines, CSV, TimelineJS), ``plot`` and
``site``."""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path

import click

from timeline.cli.common import (
    events_option,
    load,
    opened,
    parse_day,
    seed_index,
    source_index,
)
from timeline.errors import CommandError, MissingExtraError, UnknownRaceError, UsageProblem
from timeline.views.export import FORMATS, to_csv, to_jsonl, to_timelinejs
from timeline.views.record import race_rows
from timeline.views.table import Row, TableRow

#: The formats that write the record's tables (docs/data-model.md), and their extras.
RECORD_FORMATS = {"sqlite": ("sqlite-utils", "sqlite_utils"), "parquet": ("pyarrow", "pyarrow")}


@click.command()
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race.")
@click.option(
    "--format",
    "output",
    type=click.Choice([*FORMATS, *RECORD_FORMATS]),
    default="jsonl",
    show_default=True,
    help="jsonl: an event per line; csv: a row per source; timelinejs: TimelineJS 3 JSON;"
    " sqlite: the record as a database (needs --out and the sqlite extra); parquet: the"
    " record as Parquet files, a directory (needs --out and the parquet extra).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to this file (parquet: this directory). Default: standard output.",
)
def export(events: Path | None, race: str | None, output: str, out: Path | None) -> None:
    """Write every event with its sources, for other programs.

    Events come in replay order, each with the day it counts from and the day
    it was reported. CSV has one row per source (dissenting sources too), the
    event's fields repeated. TimelineJS JSON loads in Knight Lab's TimelineJS as
    it is: a slide per event, grouped by candidate, sources and quotes in the
    text, and imprecise dates shown as written ("February 2024"). TimelineJS
    needs one race: give --race when the repository holds several.

    \b
    SQLite and Parquet write the record as tables (docs/data-model.md): races,
    events, sources (with their quotes), conditions, candidates, members,
    ballots, votes, and each race's state on every day, as known then and as
    known now. SQLite: one database, its quotes searchable, and beside it
    NAME.metadata.json for Datasette. Parquet: a directory, a folder per table
    and a file per race (race=ID), for DuckDB, pandas, Polars or Spark. Both
    stream race by race. Nothing is written if the repository has an error.

    \b
    Examples:
      timeline export --format csv --out events.csv
      timeline export --format timelinejs --race nato-secretary-general-2024 --out timeline.json
      timeline export --format sqlite --out record.db
      timeline export --format parquet --out record
    """
    if output in RECORD_FORMATS:
        _export_record(output, events, race, out)
        return
    repository = load(events)
    chosen = [e for e in repository.events if race is None or e.race == race]
    if race is not None and not chosen:
        raise UnknownRaceError(f"no race {race!r}; known: {', '.join(repository.races)}")
    if output == "timelinejs":
        if race is None and len(repository.races) > 1:
            known = ", ".join(repository.races)
            raise UnknownRaceError(f"a TimelineJS timeline shows one race: give --race ({known})")
        text = to_timelinejs(chosen)
    else:
        seeds = seed_index(repository.root)
        text = to_csv(chosen, seeds) if output == "csv" else to_jsonl(chosen, seeds)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(str(out))


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The chart file: .png or .svg.",
)
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_day, help="From this day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_day, help="Up to this day.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
def plot(
    out: Path,
    start: datetime.date | None,
    end: datetime.date | None,
    events: Path | None,
    race: str | None,
) -> None:
    """Draw each candidate's backers over time as a step chart.

    The dashed line is the size of the electorate (what consensus must reach),
    or under the majority rule the backing a majority needs; key events
    (candidacies, withdrawals, the appointment, members joining or leaving)
    are marked on the day they count from. Needs matplotlib, the optional
    "plot" extra: pip install 'race-timeline[plot]'.

    \b
    Examples:
      timeline plot --race nato-secretary-general-2024 --out race.png
      timeline plot --race nato-secretary-general-2024 --out race.svg --from 2024-02-01
    """
    from timeline.views.chart import chart
    from timeline.views.plot import draw

    if start is not None and end is not None and end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}", param_hint="--to")
    repository = load(events, race=race, one_race=True)
    draw(chart(repository.events, race, start, end), out)
    click.echo(str(out))


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The directory to write index.html into (made if missing).",
)
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
def site(out: Path, events: Path | None, race: str | None) -> None:
    """Write a self-contained page of the race: index.html, working offline.

    The events as a timeline, with dates, summaries, sources and quotes; a date
    control showing the state of the race on any day: the members as a grid
    coloured by position, holdouts highlighted, conditions listed. Deep links
    open a day: index.html#2024-06-18. Every state shown is computed by the
    replay and embedded in the page; nothing is fetched from the network.

    \b
    Example:
      timeline site --race nato-secretary-general-2024 --out public  # index.html#2024-06-18
    """
    from timeline.views.site import site as page

    repository = load(events, race=race, one_race=True)
    text = page(repository.events, race, seed_index(repository.root))
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {out / 'index.html'}: {exc.strerror}") from None
    click.echo(str(out / "index.html"))


def _export_record(output: str, events: Path | None, race: str | None, out: Path | None) -> None:
    """The record's tables as a SQLite database or Parquet files at ``out``, streamed
    from the repository one race at a time."""
    if out is None:
        raise UsageProblem(f"--format {output} writes files: give --out")
    if out.name in ("", ".."):  # no name to put a temporary file beside: say it in full
        out = Path(os.path.abspath(out))
    if not out.name:
        raise UsageProblem(f"--out {out}: give a file or directory inside a folder")
    package, module = RECORD_FORMATS[output]
    if importlib.util.find_spec(module) is None:  # pragma: no cover - tests have the extras
        raise MissingExtraError(
            f"--format {output} needs {package}: pip install 'race-timeline[{output}]'"
        )
    loaded = opened(events)
    if race is not None and race not in loaded.races:
        raise UnknownRaceError(f"no race {race!r}; known: {', '.join(loaded.races)}")
    seeds, records = seed_index(loaded.root), source_index(loaded.root)

    def rows() -> Iterator[TableRow]:
        for name, mine in loaded.stream(None if race is None else [race]):
            yield from race_rows(mine, name, seeds, records)

    try:
        written = _write_parquet(rows(), out) if output == "parquet" else _write_sqlite(rows(), out)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    for path in written:
        click.echo(str(path))


def _write_sqlite(rows: Iterator[TableRow], out: Path) -> list[Path]:
    from timeline.views.sqlite import datasette_metadata, write_sqlite

    races: list[Row] = []  # the races' rows, kept as they pass: the metadata names each race
    write_sqlite(_kept(rows, "races", races), out)
    metadata = out.with_name(f"{out.stem}.metadata.json")
    text = json.dumps(datasette_metadata(out.stem, races), indent=2, ensure_ascii=False)
    metadata.write_text(text + "\n", encoding="utf-8")
    return [out, metadata]


def _kept(rows: Iterator[TableRow], name: str, into: list[Row]) -> Iterator[TableRow]:
    """``rows``, the rows of the table ``name`` kept in ``into`` as they pass."""
    for table, row in rows:
        if table == name:
            into.append(row)
        yield table, row


def _write_parquet(rows: Iterator[TableRow], out: Path) -> list[Path]:
    from timeline.views.parquet import write_parquet

    write_parquet(rows, out)
    return [out]
