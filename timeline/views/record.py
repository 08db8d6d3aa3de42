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

from collections.abc import Callable, Iterator, Mapping, Sequence

from timeline.engine.fold import races, replay_order
from timeline.engine.query import candidate_named, members_named, superseded_by
from timeline.engine.summary import RaceSummary, summarize
from timeline.model.events import Citation, Condition, Endorsement, Event
from timeline.model.seeds import SeedRecord
from timeline.views.citations import NO_SEEDS, cited
from timeline.views.record_daily import (
    DAILY_RACE_COLUMNS,
    DAILY_SUPPORT_COLUMNS,
    daily_race_rows,
    daily_support_rows,
    days_of,
)
from timeline.views.record_race import (
    BALLOT_COLUMNS,
    CANDIDATE_COLUMNS,
    MEMBER_COLUMNS,
    VOTE_COLUMNS,
    ballot_rows,
    candidate_rows,
    member_rows,
    vote_rows,
)
from timeline.views.table import Column, Row, Table, columns
from timeline.views.table import day as _day

__all__ = ["Column", "Table", "days_of", "tables"]


def tables(
    events: Sequence[Event], seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> tuple[Table, ...]:
    """The tables of the record of ``events`` (every race in them)."""
    by_race: dict[str, list[Event]] = {race: [] for race in races(events)}
    for event in events:
        by_race[event.race].append(event)
    summaries = {race: summarize(mine, race) for race, mine in by_race.items()}

    def per_race(rows: Callable[[list[Event], str], Iterator[Row]]) -> Callable[[], Iterator[Row]]:
        """A table's rows: ``rows`` of each race's events, race after race."""
        return lambda: (row for race, mine in by_race.items() for row in rows(mine, race))

    return (
        Table(
            "races",
            "One row per race: when it opened and was decided, and who was appointed.",
            RACE_COLUMNS,
            ("race",),
            per_race(lambda mine, race: iter([_race_row(mine, summaries[race])])),
        ),
        Table(
            "events",
            "One row per event file, in replay order within its race.",
            EVENT_COLUMNS,
            ("id",),
            per_race(lambda mine, _: _event_rows(mine)),
        ),
        Table(
            "sources",
            "One row per citation of an event (its sources, then its dissenting sources).",
            SOURCE_COLUMNS,
            ("event_id", "position"),
            per_race(lambda mine, _: _source_rows(mine, seeds)),
        ),
        Table(
            "conditions",
            "One row per condition a member attaches to its support, as an event states it.",
            CONDITION_COLUMNS,
            ("event_id", "member", "position"),
            per_race(lambda mine, _: _condition_rows(mine)),
        ),
        Table(
            "candidates",
            "One row per candidate of a race, as the race stands at its end.",
            CANDIDATE_COLUMNS,
            ("race", "candidate"),
            per_race(candidate_rows),
        ),
        Table(
            "members",
            "One row per member of an electorate and span of days it held the same record"
            " (name, weights, groups): who could decide, and with what weight, over time.",
            MEMBER_COLUMNS,
            ("race", "member", "from_day"),
            per_race(member_rows),
        ),
        Table(
            "ballots",
            "One row per ballot held, in order within its race.",
            BALLOT_COLUMNS,
            ("race", "number", "event_id"),
            per_race(ballot_rows),
        ),
        Table(
            "votes",
            "One row per vote of a roll call (a member's), or per count of a secret ballot.",
            VOTE_COLUMNS,
            ("event_id", "line", "member"),
            per_race(vote_rows),
        ),
        Table(
            "daily_race",
            "One row per race, day (opening to decision) and knowledge (now, or as known"
            " on that day): the leader, the holdouts and whether the rule is met.",
            DAILY_RACE_COLUMNS,
            ("race", "day", "known"),
            per_race(lambda mine, race: daily_race_rows(mine, race, summaries[race])),
        ),
        Table(
            "daily_support",
            "One row per race, day, knowledge and candidate: its status and its support.",
            DAILY_SUPPORT_COLUMNS,
            ("race", "day", "known", "candidate"),
            per_race(lambda mine, race: daily_support_rows(mine, race, summaries[race])),
        ),
    )


RACE_COLUMNS = columns(
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


EVENT_COLUMNS = columns(
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


SOURCE_COLUMNS = columns(
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


CONDITION_COLUMNS = columns(
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
