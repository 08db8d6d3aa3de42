"""The ``timeline`` command: parse arguments, call the library, print.

The only module that imports click or reads the clock (``--at`` defaults to
today, or to ``$TIMELINE_TODAY`` when set, for tests and reproducible runs).
Library errors become one ``path:line:col: error: message`` line each and
exit status 1; bad arguments are click's usage errors, exit status 2.
"""

from __future__ import annotations

import datetime
import enum
import json
import os
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import click
from click.decorators import FC

from timeline.codec import EventDataError, format_path, structure_event, unstructure_event
from timeline.diff import diff
from timeline.errors import LoadError, TimelineError
from timeline.events import EVENT_TYPES, Correction, Event
from timeline.fold import replay_order, reported_by, state_at
from timeline.history import append_only_problems
from timeline.load import Repository, check_repository, find_repository, load_repository
from timeline.query import (
    candidate_named,
    events_about,
    is_member_code,
    members_named,
    possibly_already,
    superseded_by,
)
from timeline.query import conflicts as find_conflicts
from timeline.render import (
    conflicts_json,
    conflicts_text,
    diff_json,
    diff_lines,
    explain_json,
    explain_text,
    log_json,
    log_lines,
    problems_to_github,
    problems_to_json,
    render_text,
    state_to_json,
)
from timeline.schema import event_schema
from timeline.write import suggest_id, write_new_event

#: Where the repository keeps the generated JSON Schema (checked by tests/test_schema.py).
SCHEMA_FILE = Path("docs") / "event.schema.json"


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
    root = find_repository()
    return Path(os.path.relpath(root / "events"))


def _fail(exc: TimelineError) -> _Failure:
    if isinstance(exc, LoadError):
        return _Failure("\n".join(str(problem) for problem in exc.problems))
    return _Failure(f"error: {exc}")


class _Group(click.Group):
    """Every command's library errors become clear lines and exit status 1, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TimelineError as exc:
            raise _fail(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """Where a race stood on any day, and how we know.

    Replays the immutable YAML event files of a repository (its events/
    directory, found from the current directory upward) to derive the state
    of a race at a date.
    """


def _format_option(
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
    callback=_day,
    help="Only what had been reported by this day. Default: all that is known now.",
)


@main.command()
@click.option("--at", metavar="YYYY-MM-DD", callback=_day, help="The day to show. Default: today.")
@known_on_option
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@_format_option("text", "json")
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
    appointed. An event counts from its latest possible day: "2024-04" counts
    from 2024-04-30. With --known-on, only events whose sources had certainly
    been published by that day take part: the race as a reader saw it then.

    \b
    Examples:
      timeline state --at 2024-06-18
      timeline state --at 2024-06-18 --known-on 2024-02-23
      timeline state --at 2024-06-18 --format json
    """
    day = at or today()
    repository = load_repository(_events_dir(events))
    result = state_at(repository.events, day, race, known_on)
    known = repository.events if known_on is None else reported_by(repository.events, known_on)
    possibly = possibly_already(known, day, result.race)
    if output == "json":
        data = state_to_json(result, day, possibly, known_on)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result, day, possibly, known_on), nl=False)


@main.command()
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race.")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_day, help="From this day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_day, help="Up to this day.")
@click.option("--type", "types", multiple=True, type=click.Choice(list(EVENT_TYPES)))
@click.option("--member", default=None, help="Only events that name this member.")
@click.option("--candidate", default=None, help="Only events about this candidate.")
@_format_option("text", "json")
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
    repository = load_repository(_events_dir(events))
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
        click.echo(log_lines(chosen, superseded), nl=False)


@main.command()
@click.argument("subject")
@click.option("--at", metavar="YYYY-MM-DD", callback=_day, help="The day. Default: today.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@_format_option("text", "json")
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
    repository = load_repository(_events_dir(events))
    result = state_at(repository.events, day, race)
    if not is_member_code(subject) and result.candidate(subject) is None:
        known = ", ".join(c.id for c in result.candidates) or "none yet"
        raise _Failure(
            f"error: {subject!r} is neither a member code nor a candidate on {day}"
            f" (candidates: {known})"
        )
    chain = events_about(repository.events, subject, day, result.race)
    possibly = [
        e
        for e in possibly_already(repository.events, day, result.race)
        if subject in members_named(e) or candidate_named(e) == subject
    ]
    if output == "json":
        data = explain_json(result, day, subject, chain, possibly)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(explain_text(result, day, subject, chain, possibly), nl=False)


@main.command("diff")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_day, required=True)
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_day, help="Default: today.")
@events_option
@click.option("--race", default=None, help="The race id, when the repository holds several.")
@_format_option("text", "json")
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
    repository = load_repository(_events_dir(events))
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
        click.echo(f"{before.race}: from {start} to {day}")
        click.echo(diff_lines(change, before, after), nl=False)


@main.command()
@events_option
@click.option("--race", default=None, help="Only this race. Default: every race.")
@_format_option("text", "json")
def conflicts(events: Path | None, race: str | None, output: str) -> None:
    """List every disagreement between sources recorded in the data.

    For each: the event, what its sources say (with quotes), and the source
    that reports otherwise (with its quote and claim).

    \b
    Example:
      timeline conflicts
    """
    repository = load_repository(_events_dir(events))
    found = find_conflicts(e for e in repository.events if race is None or e.race == race)
    if output == "json":
        click.echo(json.dumps(conflicts_json(found), indent=2, ensure_ascii=False))
    else:
        click.echo(conflicts_text(found), nl=False)


@main.command()
@events_option
@click.option(
    "--base",
    metavar="GIT_REF",
    default=None,
    help="Also check that no event file that exists at GIT_REF was changed.",
)
@_format_option("text", "json", "github", help="Lines, JSON, or GitHub Actions annotations.")
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
    check = check_repository(events_dir, today=today(), as_reported=True)
    problems = [*check.problems]
    if base is not None:
        problems = [*append_only_problems(events_dir, base), *problems]
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


@main.command()
def schema() -> None:
    """Print the JSON Schema (2020-12) of event files, derived from the event model.

    Editors that speak the YAML language server use it to complete and check
    event files as you type (see docs/contributing.md).

    \b
    Example:
      timeline schema > event.schema.json
    """
    click.echo(json.dumps(event_schema(), indent=2, ensure_ascii=False))


@main.group()
def new() -> None:
    """Write a new, valid event file from options.

    One subcommand per event type. Missing required values are asked for when
    a terminal is attached, and are errors otherwise. The file is named after
    its id (from the date and the summary unless --id is given), never
    overwrites another file, is validated with the whole repository (and
    removed again if it does not pass), and its path is printed.

    \b
    Example:
      timeline new endorsement --date 2024-06-18 --members HU \\
        --candidate mark-rutte --summary "Hungary backs Rutte" \\
        --document seeds/003_30db4212d268332d.txt --quote "Hungary is ready"
    """


# Fields the envelope fills in itself, and source fields offered as plain options.
_AUTOMATIC = ("id", "race", "sources", "dissent", "type")
_SOURCE_OPTIONS = ("document", "url", "publisher", "published", "quote")


def _new_command(type_name: str, cls: type[Event]) -> click.Command:
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cls) if f.name not in _AUTOMATIC and f.name != "replacement"]
    params: list[click.Parameter] = [
        click.Option(["--id"], help="The event id. Default: the date and the summary's words."),
        click.Option(["--race"], help="The race. Default: the repository's only race."),
        click.Option(
            ["--events"],
            type=click.Path(file_okay=False, path_type=Path),
            help="The events directory. Default: events/ of the enclosing repository.",
        ),
    ]
    for field in fields:
        hint = hints[field.name]
        many = typing.get_origin(hint) is tuple
        choice = _enum_of(hint)
        required = field.default is attrs.NOTHING
        params.append(
            click.Option(
                [f"--{field.name.replace('_', '-')}", field.name],
                multiple=many,
                type=click.Choice([m.value for m in choice]) if choice else None,
                help=("Required. " if required else "")
                + ("Repeat for each one. " if many else "")
                + _FIELD_HELP.get(field.name, ""),
            )
        )
    params += [click.Option([f"--{name}"], help=_FIELD_HELP[name]) for name in _SOURCE_OPTIONS]

    def run(**options: Any) -> None:
        _create(cls, fields, options)

    return click.Command(
        type_name,
        params=params,
        callback=run,
        help=f"Write a new {type_name} event.\n\n{_first_line(cls)}",
        short_help=_first_line(cls),
    )


_MEMBER_HELP = "A member: an ISO 3166-1 alpha-2 code such as GB."
_FIELD_HELP = {
    "date": "When it happened: YYYY-MM-DD, YYYY-MM, YYYY or EDTF.",
    "office": "The office the race is for.",
    "electorate": _MEMBER_HELP,
    "rule": "How the electorate decides.",
    "incumbent": "Who holds the office now.",
    "vacancy": "When the office falls vacant (a date).",
    "joined": _MEMBER_HELP,
    "left": _MEMBER_HELP,
    "members": _MEMBER_HELP,
    "member": _MEMBER_HELP,
    "country": "The candidate's country (ISO 3166-1 alpha-2).",
    "put_forward_by": "The member that puts the candidate forward (and so backs them).",
    "candidate": "The candidate's id, such as mark-rutte.",
    "name": "The candidate's name as displayed.",
    "kind": "What the condition is the price of.",
    "conditions": "A condition, in a few words.",
    "takes_office": "When the appointed candidate takes office (a date).",
    "retracts": "The id of the event retracted.",
    "reason": "Why, in a sentence.",
    "summary": "One line saying what happened.",
    "note": "How the date was worked out, what was left out and why.",
    "document": "The source: a file under seeds/.",
    "url": "Or the source: a public URL (give --publisher too).",
    "publisher": "Who published the URL.",
    "published": "Required. When the source was published (a date, EDTF if uncertain).",
    "quote": "Required. The verbatim quote from the source.",
    "corrects": "The id of the event corrected; its text is copied for you to edit.",
}


def _first_line(cls: type) -> str:
    return (cls.__doc__ or "").strip().split("\n")[0]


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None


def _create(cls: type[Event], fields: list[attrs.Attribute[Any]], options: dict[str, Any]) -> None:
    events_dir = _events_dir(options.pop("events"))
    repository = load_repository(events_dir)
    race = options.pop("race") or _only_race(repository.races)
    interactive = _interactive()
    data: dict[str, Any] = {"type": cls.TYPE, "race": race}
    for field in fields:
        value = options[field.name]
        if value in (None, ()) and field.default is attrs.NOTHING:
            value = _ask(field.name, many=isinstance(value, tuple), interactive=interactive)
        if value not in (None, ()):
            data[field.name] = list(value) if isinstance(value, tuple) else value
    source = {name: options[name] for name in _SOURCE_OPTIONS if options[name] is not None}
    for required in ("published", "quote"):
        if required not in source:
            source[required] = _ask(required, many=False, interactive=interactive)
    if "document" not in source and "url" not in source:
        source["document"] = _ask("document", many=False, interactive=interactive)
    data["sources"] = [source]
    if cls is Correction and "corrects" in data:
        data["replacement"] = _replacement_of(repository, data["corrects"])
    data["id"] = options["id"] or suggest_id(
        str(data.get("date", "")), str(data.get("summary", ""))
    )
    try:
        event = structure_event(data)
    except EventDataError as exc:
        lines = [f"error: --{format_path(p).replace('_', '-')}: {m}" for p, m in exc.problems]
        raise _Failure("\n".join(lines)) from None
    directory = _race_directory(repository, events_dir, race)
    path = write_new_event(
        directory, event, taken=set(repository.files), schema=repository.root / SCHEMA_FILE
    )
    check = check_repository(events_dir, today=today())
    if check.errors:
        path.unlink()
        raise _Failure("\n".join(str(p) for p in check.errors) + f"\nnothing written: {path}")
    click.echo(str(path))


def _interactive() -> bool:
    """Whether a person can answer questions (standard input is a terminal)."""
    return sys.stdin.isatty()


def _only_race(races: tuple[str, ...]) -> str:
    if len(races) != 1:
        raise click.UsageError(f"choose a race with --race ({', '.join(races) or 'none yet'})")
    return races[0]


def _ask(name: str, *, many: bool, interactive: bool) -> Any:
    option = f"--{name.replace('_', '-')}"
    if not interactive:
        raise click.UsageError(f"missing {option}")
    answer = click.prompt(f"{name}{' (separated by spaces)' if many else ''}")
    return answer.split() if many else answer


def _replacement_of(repository: Repository, event_id: str) -> dict[str, Any]:
    target = next((e for e in repository.events if e.id == event_id), None)
    if target is None:
        raise _Failure(f"error: --corrects: there is no event {event_id!r}")
    body = unstructure_event(target)
    return {k: v for k, v in body.items() if k not in ("id", "race")}


def _race_directory(repository: Repository, events_dir: Path, race: str) -> Path:
    """Where the race's files already are, else events/<race>/."""
    for event in repository.events:
        if event.race == race:
            return repository.files[event.id].path.parent
    return events_dir / race


for _name, _cls in EVENT_TYPES.items():
    new.add_command(_new_command(_name, _cls))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
