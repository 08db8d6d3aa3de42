"""The record as tables: one relational model of races, events, sources and daily states.

Every export that speaks SQL or data frames (``timeline export --format sqlite``) writes
these tables, the same in every format; ``docs/data-model.md`` describes them. Pure: a
table is its columns and a function that yields its rows, computed from the events (and
what is known of the seed articles) when asked, one race at a time, so a writer can
stream them. Every row names the event ids it derives from, so any figure can be traced
to its files.

The daily state is a view of the replay, never a second rule: each row is read from
:func:`~timeline.engine.fold.state_at`'s answer (through the checkpoint index for "as
known now"), and a test holds the table to ``state_at`` on every day of every race.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from timeline.engine.checkpoints import RaceIndex
from timeline.engine.fold import races, replay_order, state_at
from timeline.engine.query import candidate_named, members_named, superseded_by
from timeline.engine.summary import RaceSummary, summarize
from timeline.model.events import Citation, Condition, Endorsement, Event
from timeline.model.seeds import SeedRecord
from timeline.model.state import RaceState
from timeline.views.citations import NO_SEEDS, cited

Row = tuple[Any, ...]


@attrs.frozen
class Column:
    """A column: its name, its kind (``text``, ``integer``, ``date``, ``boolean`` or
    ``json``, a list as JSON text), and what it holds."""

    name: str
    kind: str
    about: str


@attrs.frozen
class Table:
    """A table: its name, what a row is, its columns, its key, and its rows (a function:
    rows are computed when a writer asks, race by race)."""

    name: str
    about: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rows: Callable[[], Iterator[Row]]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _columns(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, about) for name, kind, about in spec)


def tables(
    events: Sequence[Event], seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> tuple[Table, ...]:
    """The tables of the record of ``events`` (every race in them)."""
    by_race: dict[str, list[Event]] = {race: [] for race in races(events)}
    for event in events:
        by_race[event.race].append(event)
    summaries = {race: summarize(mine, race) for race, mine in by_race.items()}
    return (
        Table(
            "races",
            "One row per race: when it opened and was decided, and who was appointed.",
            RACE_COLUMNS,
            ("race",),
            lambda: (_race_row(by_race[race], summaries[race]) for race in by_race),
        ),
        Table(
            "events",
            "One row per event file, in replay order within its race.",
            EVENT_COLUMNS,
            ("id",),
            lambda: (row for mine in by_race.values() for row in _event_rows(mine)),
        ),
        Table(
            "sources",
            "One row per citation of an event (its sources, then its dissenting sources).",
            SOURCE_COLUMNS,
            ("event_id", "position"),
            lambda: (row for mine in by_race.values() for row in _source_rows(mine, seeds)),
        ),
        Table(
            "conditions",
            "One row per condition a member attaches to its support, as an event states it.",
            CONDITION_COLUMNS,
            ("event_id", "member", "position"),
            lambda: (row for mine in by_race.values() for row in _condition_rows(mine)),
        ),
        Table(
            "daily_race",
            "One row per race, day (opening to decision) and knowledge (now, or as known"
            " on that day): the leader, the holdouts and whether the rule is met.",
            DAILY_RACE_COLUMNS,
            ("race", "day", "known"),
            lambda: (
                row
                for race, mine in by_race.items()
                for row in _daily_rows(mine, race, summaries[race])[0]
            ),
        ),
        Table(
            "daily_support",
            "One row per race, day, knowledge and candidate: its status and its support.",
            DAILY_SUPPORT_COLUMNS,
            ("race", "day", "known", "candidate"),
            lambda: (
                row
                for race, mine in by_race.items()
                for row in _daily_rows(mine, race, summaries[race])[1]
            ),
        ),
    )


RACE_COLUMNS = _columns(
    ("race", "text", "the race's id"),
    ("office", "text", "the office it decides"),
    ("opened", "date", "the day its opening counts from"),
    ("decided", "date", "the day its decision counts from (empty: undecided)"),
    ("appointed", "text", "the name of whoever was appointed"),
    ("events", "integer", "how many events tell the race as it stands"),
    ("event_ids", "json", "the opening's id and the appointing event's"),
)


def _race_row(mine: Sequence[Event], summary: RaceSummary) -> Row:
    ordered = replay_order(mine)
    opening = next((e.id for e in ordered if e.TYPE == "opening"), None)
    appointing = next((e.id for e in reversed(ordered) if e.TYPE == "appointment"), None)
    return (
        summary.race,
        summary.office,
        _day(summary.opened),
        _day(summary.decided),
        summary.appointed,
        summary.events,
        [i for i in (opening, appointing) if i is not None],
    )


EVENT_COLUMNS = _columns(
    ("id", "text", "the event's id (its file's name)"),
    ("race", "text", "the race it belongs to"),
    ("type", "text", "its type (endorsement, candidacy, ...)"),
    ("date", "text", "its date as written (EDTF: a day, a month, an interval)"),
    ("earliest", "date", "the earliest day it can have happened (empty: open start)"),
    ("counts_from", "date", "its latest possible day: it counts from then"),
    ("reported", "date", "the day its first source was published"),
    ("summary", "text", "one line saying what happened"),
    ("candidate", "text", "the candidate it is about, if any"),
    ("members", "json", "the members it names, in any role"),
    ("superseded_by", "text", "the retraction or correction that supersedes it, if any"),
    ("note", "text", "the contributor's note"),
)


def _event_rows(mine: Sequence[Event]) -> Iterator[Row]:
    superseded = superseded_by(mine)
    for event in replay_order(mine):
        yield (
            event.id,
            event.race,
            event.TYPE,
            event.date.text,
            _day(event.date.earliest),
            event.date.latest.isoformat(),
            _day(event.reported),
            event.summary,
            candidate_named(event),
            sorted(members_named(event)),
            superseded.get(event.id),
            event.note,
        )


SOURCE_COLUMNS = _columns(
    ("event_id", "text", "the event that cites it"),
    ("race", "text", "the event's race"),
    ("position", "integer", "its place among the event's citations, from 0"),
    ("citation", "text", "source, or dissent (a source that reports otherwise)"),
    ("document", "text", "the seed article (seeds/...), if it is one"),
    ("url", "text", "the address of the article or record"),
    ("publisher", "text", "who published it"),
    ("published", "text", "when it was published, as written"),
    ("record", "text", "the identifier of an official record, if it is one"),
    ("quote", "text", "the words quoted, verbatim (empty for an official record)"),
    ("claim", "text", "a dissenting source: what it reports instead"),
    ("disputed_field", "text", "a dissenting source: the field it disputes"),
    ("seed_title", "text", "the seed article's title, as recorded"),
    ("seed_publisher", "text", "the seed article's publisher, as recorded"),
    ("seed_url", "text", "the seed article's address, as recorded"),
    ("seed_published", "text", "the seed article's publication date, as recorded"),
)


def _source_rows(mine: Sequence[Event], seeds: Mapping[str, SeedRecord]) -> Iterator[Row]:
    for event in replay_order(mine):
        citations: list[tuple[str, Citation]] = [("source", c) for c in event.sources]
        citations += [("dissent", d) for d in event.dissent]
        for position, (kind, citation) in enumerate(citations):
            parts = cited(citation, seeds)
            seed = parts.seed
            yield (
                event.id,
                event.race,
                position,
                kind,
                parts.document,
                parts.url,
                parts.publisher,
                parts.published,
                parts.record,
                parts.quote,
                parts.claim,
                parts.field,
                seed.title if seed is not None else None,
                seed.publisher if seed is not None else None,
                seed.url if seed is not None else None,
                seed.published.text if seed is not None and seed.published else None,
            )


CONDITION_COLUMNS = _columns(
    ("event_id", "text", "the condition or endorsement event that states it"),
    ("race", "text", "the event's race"),
    ("member", "text", "the member that sets it"),
    ("candidate", "text", "the candidate it is set on"),
    ("position", "integer", "its place among the event's conditions, from 0"),
    ("kind", "text", "support (the price of support) or not_blocking"),
    ("condition", "text", "the condition, in the event's words"),
)


def _condition_rows(mine: Sequence[Event]) -> Iterator[Row]:
    for event in replay_order(mine):
        if isinstance(event, Condition):
            for position, text in enumerate(event.conditions):
                kind = event.kind.value
                yield event.id, event.race, event.member, event.candidate, position, kind, text
        elif isinstance(event, Endorsement):
            for member in event.members:
                for position, text in enumerate(event.conditions):
                    yield event.id, event.race, member, event.candidate, position, "support", text


DAILY_RACE_COLUMNS = _columns(
    ("race", "text", "the race"),
    ("day", "date", "the day"),
    ("known", "text", "now (every event, as corrected) or then (as reported by that day)"),
    ("leader", "text", "the candidate leading (or appointed), if any"),
    ("rule_met", "boolean", "whether some candidate's backing meets the decision rule"),
    ("appointed", "text", "the candidate appointed, if any"),
    ("holdouts", "json", "the members not behind the leader"),
    ("holdout_count", "integer", "how many"),
    ("events_counted", "integer", "how many events the state replays"),
    ("event_ids", "json", "the last event replayed, and the events of the leader's backing"),
)

DAILY_SUPPORT_COLUMNS = _columns(
    ("race", "text", "the race"),
    ("day", "date", "the day"),
    ("known", "text", "now, or then (as reported by that day)"),
    ("candidate", "text", "the candidate"),
    ("status", "text", "mentioned, declared, withdrawn, eliminated or appointed"),
    ("members", "integer", "how many members of the electorate back it"),
    ("score", "integer", "what the rule counts of its support (members, or a weight)"),
    ("backers", "json", "the members that back it"),
    ("meets_rule", "boolean", "whether its backing meets the decision rule"),
    ("event_ids", "json", "the events its backings date from"),
)

#: What a daily row's ``known`` says: every event as corrected, or as reported by then.
KNOWN = ("now", "then")


def days_of(summary: RaceSummary, mine: Sequence[Event]) -> list[datetime.date]:
    """Every day from the race's opening to its decision (undecided: to its last event)."""
    if summary.opened is None:
        return []
    last = summary.decided or max(e.date.latest for e in mine)
    count = (last - summary.opened).days + 1
    return [summary.opened + datetime.timedelta(days=n) for n in range(max(count, 0))]


def _daily_rows(
    mine: Sequence[Event], race: str, summary: RaceSummary
) -> tuple[Iterator[Row], Iterator[Row]]:
    """The race's rows of ``daily_race`` and of ``daily_support``."""
    states = list(daily_states(mine, race, summary))
    race_rows = (_daily_race_row(race, day, known, state) for day, known, state in states)
    support_rows = (
        row for day, known, state in states for row in _daily_support_rows(race, day, known, state)
    )
    return race_rows, support_rows


def daily_states(
    mine: Sequence[Event], race: str, summary: RaceSummary
) -> Iterator[tuple[datetime.date, str, RaceState]]:
    """The race's state on each of its days, as known now and as known then."""
    index = RaceIndex(mine, race)
    for day in days_of(summary, mine):
        yield day, "now", index.state_at(day)
        yield day, "then", state_at(mine, day, race, known_on=day)


def _daily_race_row(race: str, day: datetime.date, known: str, state: RaceState) -> Row:
    leader = state.leader
    holdouts = list(state.holdouts)
    backing = sorted({b.since for b in leader.backers}) if leader is not None else []
    ids = [state.last_event, *backing] if state.last_event is not None else backing
    return (
        race,
        day.isoformat(),
        known,
        leader.id if leader is not None else None,
        state.decided,
        state.appointed,
        holdouts,
        len(holdouts),
        state.applied,
        ids,
    )


def _daily_support_rows(
    race: str, day: datetime.date, known: str, state: RaceState
) -> Iterator[Row]:
    for candidate in state.candidates:
        backers = sorted(state.backers_in_electorate(candidate))
        yield (
            race,
            day.isoformat(),
            known,
            candidate.id,
            candidate.status.value,
            len(backers),
            state.score(candidate),
            backers,
            state.meets_rule(candidate.id),
            sorted({b.since for b in candidate.backers}),
        )


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None
