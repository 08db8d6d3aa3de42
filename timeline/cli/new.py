"""``timeline new TYPE``: write a new, valid event file from options (one subcommand per type)."""

from __future__ import annotations

import enum
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import click

from timeline.cli.common import Failure, events_dir, today
from timeline.codec import EventDataError, format_path, structure_event, unstructure_event
from timeline.events import EVENT_TYPES, Correction, Event
from timeline.load import check_repository, load_repository
from timeline.repository import Repository
from timeline.write import suggest_id, write_new_event

#: Where the repository keeps the generated JSON Schema (checked by tests/test_schema.py).
SCHEMA_FILE = Path("docs") / "event.schema.json"


@click.group()
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
    directory = events_dir(options.pop("events"))
    repository = load_repository(directory)
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
        raise Failure("\n".join(lines)) from None
    target = _race_directory(repository, directory, race)
    path = write_new_event(
        target, event, taken=set(repository.files), schema=repository.root / SCHEMA_FILE
    )
    check = check_repository(directory, today=today())
    if check.errors:
        path.unlink()
        raise Failure("\n".join(str(p) for p in check.errors) + f"\nnothing written: {path}")
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
        raise Failure(f"error: --corrects: there is no event {event_id!r}")
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
