"""The record as tables: one relational model of races, events, sources and daily states.

Every export that speaks SQL or data frames (``timeline export --format sqlite`` or
``parquet``) writes these tables, the same in every format; ``docs/data-model.md``
describes them. :data:`TABLES` is their shape; the rows come from
:func:`race_rows`, one race's events at a time, each named by its table, so a writer
streams them and holds one race's events at most. Pure: computed from the events (and
what is known of the seed articles) when asked. Every row names the event ids it
derives from, so any figure can be traced to its files.

The daily state is a view of the replay, never a second rule: each row is read from
the state :func:`~timeline.engine.fold.state_at` gives (computed for every day of a
race in one pass, :mod:`timeline.engine.daily`), and a test holds the table to
``state_at`` on every day of every race.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Mapping, Sequence

from timeline.engine.fold import replay_order
from timeline.engine.query import candidate_named, members_named, superseded_by
from timeline.engine.replay_checks import by_race
from timeline.engine.summary import RaceSummary, summarize
from timeline.model.events import Citation, Condition, Endorsement, Event
from timeline.model.seeds import SeedRecord
from timeline.model.sources import NO_RECORDS, SourceIndex, SourceRecord, licences
from timeline.views.citations import NO_SEEDS, cited
from timeline.views.record_daily import (
    DAILY_RACE_COLUMNS,
    DAILY_SUPPORT_COLUMNS,
    daily_rows,
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
    told_now,
    vote_rows,
)
from timeline.views.table import Column, Row, Table, TableRow, columns
from timeline.views.table import day as _day

__all__ = ["TABLES", "Column", "Table", "days_of", "race_rows", "record_rows"]


def record_rows(
    events: Sequence[Event],
    seeds: Mapping[str, SeedRecord] = NO_SEEDS,
    records: SourceIndex = NO_RECORDS,
) -> Iterator[TableRow]:
    """Every row of the record of ``events`` (every race in them), race by race."""
    for race, mine in by_race(events).items():
        yield from race_rows(mine, race, seeds, records)


def race_rows(
    mine: Sequence[Event],
    race: str,
    seeds: Mapping[str, SeedRecord] = NO_SEEDS,
    records: SourceIndex = NO_RECORDS,
) -> Iterator[TableRow]:
    """The rows of one race's events, each named by its table: the tables of
    :data:`TABLES` in turn, the two daily tables together (each state computed once).
    What a race needs is computed once for all its tables: its replay order, its
    history as told now, its summary. ``seeds`` and ``records`` are what is known of
    the articles and of the records cited (``seeds/metadata.yaml``, ``seeds/records.yaml``)."""
    ordered = replay_order(mine)
    told = told_now(mine, race)
    summary = summarize(mine, race)
    parts: tuple[tuple[str, Iterable[Row]], ...] = (
        ("races", [_race_row(ordered, summary, seeds, records)]),
        ("events", _event_rows(mine, ordered)),
        ("sources", _source_rows(ordered, seeds, records)),
        ("conditions", _condition_rows(ordered)),
        ("candidates", candidate_rows(told, race)),
        ("members", member_rows(mine, told, race)),
        ("ballots", ballot_rows(told, race)),
        ("votes", vote_rows(told, race)),
    )
    for name, rows in parts:
        for row in rows:
            yield name, row
    yield from daily_rows(mine, race, summary)


RACE_COLUMNS = columns(
    ("race", "text", "the race's id"),
    ("office", "text", "the office it decides"),
    ("opened", "date", "the day its opening counts from"),
    ("decided", "date", "the day its decision counts from (empty: undecided)"),
    ("appointed", "text", "the name of whoever was appointed"),
    ("events", "integer", "how many events tell the race as it stands"),
    ("source", "text", "its principal source: the publisher of half its citations or more"),
    ("source_url", "text", "that source's address, when seeds/records.yaml knows it"),
    ("licence", "text", "the licences of the records it cites (seeds/records.yaml), if any"),
    ("licence_url", "text", "where the (first) licence is stated"),
    ("event_ids", "list", "the opening's id and the appointing event's"),
)


def _race_row(
    ordered: Sequence[Event],
    summary: RaceSummary,
    seeds: Mapping[str, SeedRecord],
    records: SourceIndex,
) -> Row:
    opening = next((e.id for e in ordered if e.TYPE == "opening"), None)
    appointing = next((e.id for e in reversed(ordered) if e.TYPE == "appointment"), None)
    cited_most: collections.Counter[str] = collections.Counter()
    addresses: dict[str, str] = {}
    found: list[SourceRecord | None] = []
    for citation in (c for e in ordered for c in e.sources):
        record = records.of(citation.url)
        found.append(record)
        seed = seeds.get(citation.document) if citation.document else None
        publisher = (
            (record.publisher if record is not None else None)
            or citation.publisher
            or (seed.publisher if seed is not None else None)
        )
        if publisher is not None:
            cited_most[publisher] += 1
            if record is not None:
                addresses.setdefault(publisher, record.address)
    source = _principal(cited_most)
    stated = licences(found)
    licence = (
        stated[0].licence
        if len(stated) == 1
        else "; ".join(f"{r.publisher or r.address}: {r.licence}" for r in stated) or None
    )
    return (
        summary.race,
        summary.office,
        _day(summary.opened),
        _day(summary.decided),
        summary.appointed,
        summary.events,
        source,
        addresses.get(source),
        licence,
        stated[0].licence_url if stated else None,
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
    ("members", "list", "the members it names, in any role"),
    ("superseded_by", "text", "the retraction or correction that supersedes it, if any"),
    ("note", "text", "the contributor's note"),
)


def _event_rows(mine: Sequence[Event], ordered: Sequence[Event]) -> Iterator[Row]:
    superseded = superseded_by(mine)
    for event in ordered:
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
    ("licence", "text", "the licence of the record cited, as seeds/records.yaml states it"),
)


def _source_rows(
    ordered: Sequence[Event],
    seeds: Mapping[str, SeedRecord],
    records: SourceIndex,
) -> Iterator[Row]:
    for event in ordered:
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
                _licence(records.of(citation.url)),
            )


def _principal(cited_most: collections.Counter[str]) -> str:
    """The publisher of at least half the citations; else how many publishers there are."""
    total = sum(cited_most.values())
    if not total:
        return "no publisher named"
    publisher, count = cited_most.most_common(1)[0]
    return publisher if 2 * count >= total else f"{len(cited_most)} publishers (see sources)"


def _licence(record: SourceRecord | None) -> str | None:
    return record.licence if record is not None else None


CONDITION_COLUMNS = columns(
    ("event_id", "text", "the condition or endorsement event that states it"),
    ("race", "text", "the event's race"),
    ("member", "text", "the member that sets it"),
    ("candidate", "text", "the candidate it is set on"),
    ("position", "integer", "its place among the event's conditions, from 0"),
    ("kind", "text", "support (the price of support) or not_blocking"),
    ("condition", "text", "the condition, in the event's words"),
)


def _condition_rows(ordered: Sequence[Event]) -> Iterator[Row]:
    for event in ordered:
        if isinstance(event, Condition):
            for position, text in enumerate(event.conditions):
                kind = event.kind.value
                yield event.id, event.race, event.member, event.candidate, position, kind, text
        elif isinstance(event, Endorsement):
            for member in event.members:
                for position, text in enumerate(event.conditions):
                    yield event.id, event.race, member, event.candidate, position, "support", text


#: The tables of the record, in the order :func:`race_rows` gives their rows.
TABLES = (
    Table(
        "races",
        "One row per race: when it opened and was decided, and who was appointed.",
        RACE_COLUMNS,
        ("race",),
    ),
    Table(
        "events",
        "One row per event file, in replay order within its race.",
        EVENT_COLUMNS,
        ("id",),
    ),
    Table(
        "sources",
        "One row per citation of an event (its sources, then its dissenting sources).",
        SOURCE_COLUMNS,
        ("event_id", "position"),
    ),
    Table(
        "conditions",
        "One row per condition a member attaches to its support, as an event states it.",
        CONDITION_COLUMNS,
        ("event_id", "member", "position"),
    ),
    Table(
        "candidates",
        "One row per candidate of a race, as the race stands at its end.",
        CANDIDATE_COLUMNS,
        ("race", "candidate"),
    ),
    Table(
        "members",
        "One row per member of an electorate and span of days it held the same record"
        " (name, weights, groups): who could decide, and with what weight, over time.",
        MEMBER_COLUMNS,
        ("race", "member", "from_day"),
    ),
    Table(
        "ballots",
        "One row per ballot held, in order within its race.",
        BALLOT_COLUMNS,
        ("race", "number", "event_id"),
    ),
    Table(
        "votes",
        "One row per vote of a roll call (a member's), or per count of a secret ballot.",
        VOTE_COLUMNS,
        ("event_id", "line", "member"),
    ),
    Table(
        "daily_race",
        "One row per race, day (opening to decision) and knowledge (now, or as known"
        " on that day): the leader, the holdouts and whether the rule is met.",
        DAILY_RACE_COLUMNS,
        ("race", "day", "known"),
    ),
    Table(
        "daily_support",
        "One row per race, day, knowledge and candidate: its status and its support.",
        DAILY_SUPPORT_COLUMNS,
        ("race", "day", "known", "candidate"),
    ),
)
