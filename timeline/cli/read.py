"""The commands that read a race: ``log``, ``explain``, ``diff`` and ``conflicts``."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from timeline.cli.common import (
    events_option,
    format_option,
    load,
    load_race,
    opened,
    parse_day,
    seed_index,
    today,
)
from timeline.engine.diff import diff
from timeline.engine.fold import replay_order, state_at
from timeline.engine.query import (
    candidate_named,
    events_about,
    is_member_code,
    members_named,
    possibly_already,
    seed_citations,
    superseded_by,
)
from timeline.engine.query import conflicts as find_conflicts
from timeline.errors import UsageProblem, printable
from timeline.model.events import EVENT_TYPES
from timeline.views.citations import seed_json
from timeline.views.diff import diff_json, diff_lines
from timeline.views.explain import explain_json, explain_text
from timeline.views.listings import conflicts_json, conflicts_text, log_json, log_lines


@click.command()
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race.")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_day, help="From this day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_day, help="Up to this day.")
@click.option("--type", "types", multiple=True, type=click.Choice(list(EVENT_TYPES)))
@click.option("--member", default=None, help="Only events that name this member.")
@click.option("--candidate", default=None, help="Only events about this candidate.")
@format_option("text", "json")
def log(
    events: Path | None,
    race: str | None,
    start: datetime.date | None,
    end: datetime.date | None,
    types: tuple[str, ...],
    member: str | None,
    candidate: str | None,
    output: str,
) -> None:
    """List events in replay order, one line each.

    Each line shows the day the event counts from (its latest possible day),
    the date as written, the type, the id and the summary. --from and --to
    select by that day; --type may be repeated.

    \b
    Examples:
      timeline log --member HU
      timeline log --from 2024-06-01 --type endorsement --format json
    """
    repository = load(events)
    chosen = [
        e
        for e in replay_order(repository.events)
        if (race is None or e.race == race)
        and (start is None or start <= e.date.latest)
        and (end is None or e.date.latest <= end)
        and (not types or e.TYPE in types)
        and (member is None or member in members_named(e))
        and (candidate is None or candidate == candidate_named(e))
    ]
    superseded = superseded_by(repository.events)
    if output == "json":
        click.echo(json.dumps(log_json(chosen, superseded), indent=2, ensure_ascii=False))
    else:
        click.echo(printable(log_lines(chosen, superseded)), nl=False)


@click.command()
@click.argument("subject")
@click.option("--at", metavar="YYYY-MM-DD", callback=parse_day, help="The day. Default: today.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@format_option("text", "json")
def explain(
    subject: str, at: datetime.date | None, events: Path | None, race: str | None, output: str
) -> None:
    """Show how a member or a candidate came to stand where it does on a day.

    SUBJECT is a member code (HU) or a candidate id (mark-rutte). Prints its
    state, then every event that counts by then and names it, in replay
    order, each with its sources and quotes.

    \b
    Examples:
      timeline explain HU --at 2024-06-18
      timeline explain klaus-iohannis --at 2024-06-20 --format json
    """
    day = at or today()
    repository, race = load_race(events, race, day, about=subject)
    result = state_at(repository.events, day, race)
    member = result.candidate(subject) is None and (
        is_member_code(subject)
        or subject in result.electorate
        or any(e.race == race and subject in members_named(e) for e in repository.events)
    )
    if not member and result.candidate(subject) is None:
        known = ", ".join(c.id for c in result.candidates) or "none yet"
        raise UsageProblem(
            f"{subject!r} is neither a member nor a candidate on {day} (candidates: {known})"
        )
    chain = events_about(repository.events, subject, day, result.race, member=member)
    possibly = [
        e
        for e in possibly_already(repository.events, day, result.race)
        if subject in members_named(e) or candidate_named(e) == subject
    ]
    seeds = seed_index(repository.root)
    if output == "json":
        data = explain_json(result, day, subject, chain, possibly, seeds)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        text = explain_text(result, day, subject, chain, possibly, seeds)
        click.echo(printable(text), nl=False)


@click.command("diff")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_day, required=True)
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_day, help="Default: today.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@format_option("text", "json")
def diff_command(
    start: datetime.date,
    end: datetime.date | None,
    events: Path | None,
    race: str | None,
    output: str,
) -> None:
    """Show what changed in a race between two days.

    Who joined or left the electorate, who entered the race or changed status,
    who started, stopped or moved their backing, conditions stated, and whether
    the decision rule became met. Applying the diff to the state on --from
    gives the state on --to.

    \b
    Example:
      timeline diff --from 2024-06-17 --to 2024-06-20
    """
    day = end or today()
    repository, race = load_race(events, race, day)
    before = state_at(repository.events, start, race)
    after = state_at(repository.events, day, before.race)
    change = diff(before, after)
    if output == "json":
        data = {
            "from": start.isoformat(),
            "to": day.isoformat(),
            **diff_json(change, before, after),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(printable(f"{before.race}: from {start} to {day}"))
        click.echo(printable(diff_lines(change, before, after)), nl=False)


@click.command()
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race.")
@format_option("text", "json")
def conflicts(events: Path | None, race: str | None, output: str) -> None:
    """List every disagreement between sources recorded in the data.

    For each: the event, what its sources say (with quotes), and the source
    that reports otherwise (with its quote and claim).

    \b
    Example:
      timeline conflicts
    """
    repository = load(events)
    found = find_conflicts(e for e in repository.events if race is None or e.race == race)
    seeds = seed_index(repository.root)
    if output == "json":
        click.echo(json.dumps(conflicts_json(found, seeds), indent=2, ensure_ascii=False))
    else:
        click.echo(printable(conflicts_text(found, seeds)), nl=False)


@click.command()
@events_option
@format_option("text", "json")
def races(events: Path | None, output: str) -> None:
    """List the races in the repository, with their dates.

    One line a race: its id, the day it opened, the day it was decided (or
    "undecided"), who was appointed, how many events it has, and the office.

    \b
    Examples:
      timeline races
      timeline races --format json
    """
    found = opened(events).summaries()
    if output == "json":
        data = [
            {
                "race": s.race,
                "office": s.office,
                "opened": s.opened.isoformat() if s.opened else None,
                "decided": s.decided.isoformat() if s.decided else None,
                "appointed": s.appointed,
                "events": s.events,
            }
            for s in found
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for s in found:
        since = s.opened.isoformat() if s.opened else "not open"
        decided = s.decided.isoformat() if s.decided else "undecided"
        who = f", {s.appointed}" if s.appointed else ""
        click.echo(printable(f"{s.race}  {since} to {decided}{who}; {s.events} events; {s.office}"))


@click.command()
@events_option
@format_option("text", "json")
def seeds(events: Path | None, output: str) -> None:
    """List the seed articles: what is known of each, and how often it is cited.

    What is known comes from seeds/metadata.yaml (title, publisher, author,
    URL, publication date, the day it was retrieved); what is not known is
    said so. Each article's citations are counted over every event, dissent
    included.

    \b
    Example:
      timeline seeds
    """
    repository = load(events)
    records = seed_index(repository.root)
    counts = seed_citations(repository.events)
    documents = sorted(records.keys() | counts.keys())
    if output == "json":
        data = [
            {
                **(seed_json(records[d]) if d in records else {"document": d}),
                "citations": counts.get(d, 0),
            }
            for d in documents
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for document in documents:
        record = records.get(document)
        click.echo(printable(f"{document}  cited {counts.get(document, 0)} times"))
        if record is None:
            click.echo("  no record in seeds/metadata.yaml")
            continue
        for label, value in seed_json(record).items():
            if label != "document":  # what is known of it, as the JSON gives it
                click.echo(printable(f"  {label}: {value if value is not None else 'not known'}"))
