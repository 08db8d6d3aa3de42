"""``timeline state``: where a race stood on a day (kept alone: it is the command run most)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from timeline.cli.common import (
    events_option,
    format_option,
    known_on_option,
    opened,
    parse_day,
    races_open,
    today,
)
from timeline.engine.fold import pick_race, reported_by, state_at
from timeline.engine.query import possibly_already
from timeline.errors import printable
from timeline.storage.repository import Repository
from timeline.views.state import render_text, state_to_json


@click.command()
@click.option(
    "--at", metavar="YYYY-MM-DD", callback=parse_day, help="The day to show. Default: today."
)
@known_on_option
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race open on the day.")
@format_option("text", "json")
def state(
    at: datetime.date | None,
    known_on: datetime.date | None,
    events: Path | None,
    race: str | None,
    output: str,
) -> None:
    """Show where a race stood on a day.

    Prints the electorate, every candidate with status and backers (each with
    its conditions), the holdouts, whether the decision rule is met and who is
    appointed; in a race with ballots, the latest ballot, what the rule needs
    and who is short. An event counts from its latest possible day: "2024-04"
    counts from 2024-04-30. With --known-on, only events whose sources had
    certainly been published by that day take part: the race as a reader saw
    it then. Without --race, every race open on the day is shown (one opened
    by then and not decided before it); `timeline races` lists them all.

    \b
    Examples:
      timeline state --at 2024-06-18
      timeline state --at 2024-06-18 --known-on 2024-02-23
      timeline state --at 2024-06-18 --format json
    """
    day = at or today()
    loaded = opened(events)
    if race is not None or len(loaded.races) == 1:
        chosen = [pick_race(loaded.races, race)]
    else:
        chosen = races_open(loaded, day)
        if not chosen:
            found = loaded.summaries()
            listed = ", ".join(
                f"{s.race} ({s.opened or '?'} to {s.decided or 'undecided'})" for s in found
            )
            click.echo(printable(f"No race is open on {day.isoformat()}. Races: {listed}."))
            return
    _show(loaded.repository(chosen), chosen, day, known_on, output)


def _show(
    repository: Repository,
    chosen: list[str],
    day: datetime.date,
    known_on: datetime.date | None,
    output: str,
) -> None:
    """Print the state of each race in ``chosen`` on ``day``, as text or JSON."""
    known = repository.events if known_on is None else reported_by(repository.events, known_on)
    shown: list[dict[str, object]] = []
    for index, chosen_race in enumerate(chosen):
        result = state_at(repository.events, day, chosen_race, known_on)
        possibly = possibly_already(known, day, result.race)
        if output == "json":
            shown.append(state_to_json(result, day, possibly, known_on))
            continue
        if index:
            click.echo()
        click.echo(printable(render_text(result, day, possibly, known_on)), nl=False)
    if output == "json":
        data = shown[0] if len(shown) == 1 else shown
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
