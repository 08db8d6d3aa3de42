"""``timeline import``: public records of real races turned into event files."""

from __future__ import annotations

from pathlib import Path

import click

from timeline.cli.common import events_dir, events_option
from timeline.errors import printable
from timeline.model.events import Event


@click.group(name="import")
def import_group() -> None:
    """Write event files from a public record of a real race.

    Each importer reads a data set where it lies (it is never copied into the
    repository) and writes ordinary event files under events/, each citing the
    original publisher's record. Importing again writes nothing new; a file
    that exists with other content stops the import before anything is written.

    \b
    Examples:
      timeline import house-speaker ../shared/data/us-house-speaker-2023/votes
      timeline import fivethirtyeight-endorsements \\
        ../shared/data/fivethirtyeight-endorsements-2020/snapshots
    """


@import_group.command(name="house-speaker")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@events_option
def house_speaker(folder: Path, events: Path | None) -> None:
    """Elections of the Speaker of the US House, from the Clerk's roll calls.

    FOLDER holds roll calls as the unitedstates/congress scraper writes them
    (h<roll>/data.json). Each election of the Speaker becomes a race: opened by
    the quorum call of a new Congress (or the vote declaring the office vacant),
    one ballot per roll call, every member's vote recorded.

    \b
    Examples:
      timeline import house-speaker ../shared/data/us-house-speaker-2023/votes
    """
    from timeline.importers.house import import_folder

    _write(folder, import_folder(folder), events)


@import_group.command(name="fivethirtyeight-endorsements")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@events_option
def fivethirtyeight_endorsements(folder: Path, events: Path | None) -> None:
    """FiveThirtyEight's 2020 endorsement primary, from dated copies of its file.

    FOLDER holds copies of endorsements-2020.csv, each named YYYY-MM-DD_*.csv by
    the day it reflects. The race is a tracker ranked by endorsement points: the
    universe of potential endorsers (with their points, category and party),
    every endorsement and switch, the endorsers who join, leave or change from
    one copy to the next. Each event cites the copy that first showed it, so
    --known-on DAY shows what FiveThirtyEight showed on that day.

    \b
    Examples:
      timeline import fivethirtyeight-endorsements \\
        ../shared/data/fivethirtyeight-endorsements-2020/snapshots
    """
    from timeline.importers.fivethirtyeight import import_folder

    _write(folder, import_folder(folder), events)


def _write(folder: Path, found: list[Event], events: Path | None) -> None:
    from timeline.importers import write_events

    written, unchanged = write_events(events_dir(events), found)
    click.echo(
        printable(
            f"{len(found)} events from {folder}: {len(written)} written,"
            f" {len(unchanged)} already there"
        )
    )
