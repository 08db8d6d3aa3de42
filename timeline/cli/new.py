"""``timeline new TYPE``: write a new, valid event file from options (one subcommand per type).

The command, its options and their help, and writing the file; checking the values
given and asking for the missing ones is ``new_answers.py``.
"""

from __future__ import annotations

import enum
import os
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import click

from timeline.cli.common import events_dir, opened, store, today
from timeline.cli.new_answers import (
    AUTOMATIC,
    SOURCE_OPTIONS,
    Asker,
    Seeds,
    given_problems,
    option_problem,
)
from timeline.engine.checks import facts_of, publication_dates
from timeline.errors import CommandError, EventDataError, LoadError, UnknownRaceError, UsageProblem
from timeline.formats.codec import structure_event, unstructure_event
from timeline.model.events import EVENT_TYPES, Correction, Event
from timeline.storage.load import Loaded, check_repository
from timeline.storage.reading import SeedCache
from timeline.storage.repository import Repository
from timeline.storage.write import suggest_id, write_new_event

#: Where the repository keeps the generated JSON Schema (checked by tests/test_schema.py).
SCHEMA_FILE = Path("docs") / "event.schema.json"


@click.group()
def new() -> None:
    """Write a new, valid event file from options.

    One subcommand per event type. The values given are checked first. Missing
    required values are asked for when a terminal is attached (each answer
    checked as it is given, the document before the quote), and are errors
    otherwise. Repeat an option for each of several values. The file is named
    after its id (from the date and the summary unless --id is given), never
    overwrites another file, is validated with the whole repository (and
    removed again if it does not pass), and its path is printed.

    \b
    Example:
      timeline new endorsement --date 2024-06-18 --members HU \\
        --candidate mark-rutte --summary "Hungary backs Rutte" \\
        --document seeds/003_30db4212d268332d.txt \\
        --published 2024-06-18/2024-06-19 --quote "Hungary is ready to support"
    """


def _new_command(type_name: str, cls: type[Event]) -> click.Command:
    hints = typing.get_type_hints(cls)
    attrs.resolve_types(cls)  # field.type the type, not its text (the model defers annotations)
    fields = [f for f in attrs.fields(cls) if f.name not in AUTOMATIC and f.name != "replacement"]
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
    params += [click.Option([f"--{name}"], help=_FIELD_HELP[name]) for name in SOURCE_OPTIONS]

    def run(**options: Any) -> None:
        _create(cls, fields, options)

    return click.Command(
        type_name,
        params=params,
        callback=run,
        help=f"Write a new {type_name} event.\n\n{_first_line(cls)}",
        short_help=_first_line(cls),
    )


_MEMBER_HELP = "A member: an ISO 3166-1 alpha-2 code such as GB, or the race's member id."
_FIELD_HELP = {
    "date": "When it happened: YYYY-MM-DD, YYYY-MM, YYYY or EDTF.",
    "office": "The office the race is for.",
    "size": "How many decide, when they are not known one by one.",
    "body": "Who decides from this stage on, e.g. the party's members.",
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
    "count": "How many members the report counts.",
    "share": "Or the share of the electorate reported: a fraction (2/3) or a percentage.",
    "approximate": "The report says approximately (true or false).",
    "besides": "A member the count is in addition to. " + _MEMBER_HELP,
    "about": "The day it is about, when not the day it was reported (a date).",
    "incumbent_since": "Since when the incumbent has held the office (a date).",
    "term": "The term of office, as reported (at least four years).",
    "stance": "oppose, abstain, or none (no longer backs the candidate, backs no one else).",
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
    events = options.pop("events")
    directory = events_dir(events)
    loaded = opened(events)  # the one loader, through the cache, as every command
    repository = loaded.repository()
    target = options.get("retracts") or options.get("corrects")
    race = (
        options.pop("race")
        or _race_of(repository, target)
        or _only_race(loaded, options.get("date"))
    )
    dates = publication_dates(facts_of(event) for event in repository.events)
    seeds = Seeds(SeedCache(repository.root), dates)
    # What was given as options is checked before anything is asked, so that no answer
    # is lost to a bad option; then each answer is checked as it is given.
    given = given_problems(cls, fields, options, seeds)
    if given:
        raise CommandError("\n".join(given))  # the new event's data: exit 1
    interactive = _interactive()
    data = _event_data(cls, fields, options, race, Asker(interactive=interactive, seeds=seeds))
    if cls is Correction and "corrects" in data:
        data["replacement"] = _replacement_of(repository, data["corrects"])
    data["id"] = options["id"] or suggest_id(
        str(data.get("date", "")), str(data.get("summary", ""))
    )
    path = _write(_structured(data), repository, directory, race)
    _check_written(path, directory, interactive)
    click.echo(str(path))


def _event_data(
    cls: type[Event],
    fields: list[attrs.Attribute[Any]],
    options: dict[str, Any],
    race: str,
    asker: Asker,
) -> dict[str, Any]:
    """The new event as data: the values given, the missing ones asked for, its source."""
    data: dict[str, Any] = {"type": cls.TYPE, "race": race}
    for field in fields:
        value = options[field.name]
        if value in (None, ()) and field.default is attrs.NOTHING:
            value = asker.ask(cls, field)
        if value not in (None, ()):
            data[field.name] = list(value) if isinstance(value, tuple) else value
    source = {name: options[name] for name in SOURCE_OPTIONS if options[name] is not None}
    # the document before the quote: the quote is checked against it
    if "document" not in source and "url" not in source:
        source["document"] = asker.ask_source("document", source)
    for required in ("published", "quote"):
        if required not in source:
            source[required] = asker.ask_source(required, source)
    data["sources"] = [source]
    return data


def _structured(data: dict[str, Any]) -> Event:
    """The event ``data`` describes; its problems are named by their options."""
    try:
        return structure_event(data)
    except EventDataError as exc:
        raise CommandError("\n".join(option_problem(p, m) for p, m in exc.problems)) from None


def _write(event: Event, repository: Repository, directory: Path, race: str) -> Path:
    """Write ``event`` beside its race's other files; its path."""
    target = _race_directory(repository, directory, race)
    _require_inside(target, directory)
    return write_new_event(
        target, event, taken=set(repository.files), schema=repository.root / SCHEMA_FILE
    )


def _check_written(path: Path, directory: Path, interactive: bool) -> None:
    """Validate the repository with the new file; remove it again if it does not pass."""
    # the same loader again: only the new file is read, and the checks across files run
    check = check_repository(directory, today=today(), store=store(directory))
    if check.errors:
        text = path.read_text(encoding="utf-8")
        path.unlink()
        notes = []
        if interactive:  # the answers are not lost: the file as it would have been
            notes += [f"your answers, as {path} would have read:", text.rstrip("\n")]
        raise LoadError(tuple(check.errors), (*notes, f"nothing written: {path}"))
    for warning in check.warnings:
        if warning.path == str(path):
            click.echo(str(warning), err=True)


def _interactive() -> bool:
    """Whether a person can answer questions (standard input is a terminal)."""
    return sys.stdin.isatty()


def _race_of(repository: Repository, event_id: str | None) -> str | None:
    """The race of the event ``event_id`` (a retraction or a correction is in the race of
    the event it supersedes), if there is one."""
    return next((e.race for e in repository.events if e.id == event_id), None)


def _only_race(loaded: Loaded, date: str | None) -> str:
    """The repository's only race; else the one race open on the event's ``date``."""
    races = loaded.races
    if len(races) == 1:
        return races[0]
    open_then: list[str] = []
    if date:
        from timeline.cli.common import races_open
        from timeline.errors import DateError
        from timeline.model.dates import parse_date

        try:
            open_then = races_open(loaded, parse_date(date).latest)
        except DateError:
            open_then = []
    if len(open_then) == 1:
        return open_then[0]
    listed = ", ".join(open_then or races) or "none yet"
    raise UnknownRaceError(f"choose a race with --race ({listed})")


def _replacement_of(repository: Repository, event_id: str) -> dict[str, Any]:
    target = next((e for e in repository.events if e.id == event_id), None)
    if target is None:
        raise UsageProblem(f"--corrects: there is no event {event_id!r}")
    body = unstructure_event(target)
    return {k: v for k, v in body.items() if k not in ("id", "race")}


def _require_inside(target: Path, events_dir: Path) -> None:
    """Refuse to write through a symbolic link: a race folder that is a link (or lies
    behind one) would put the new file outside the repository."""
    inside = Path(os.path.realpath(events_dir))
    real = Path(os.path.realpath(target))
    expected = inside / os.path.relpath(os.path.abspath(target), os.path.abspath(events_dir))
    if real != expected or not real.is_relative_to(inside):
        raise CommandError(
            f"{target} is a symbolic link or lies behind one; a new event is written"
            " only inside the repository's events/ (nothing written)"
        )


def _race_directory(repository: Repository, events_dir: Path, race: str) -> Path:
    """Where the race's files already are, else events/<race>/."""
    for event in repository.events:
        if event.race == race:
            return repository.files[event.id].path.parent
    return events_dir / race


#: Event types whose fields do not fit options: a ballot lists a line per candidate, each
#: with its members or count. Ballots are written by an importer (``timeline import``) or
#: by hand (docs/event-format.md shows one).
NOT_ASKED = ("ballot",)

for _name, _cls in EVENT_TYPES.items():
    if _name not in NOT_ASKED:
        new.add_command(_new_command(_name, _cls))
