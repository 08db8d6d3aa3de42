"""The checks across event files, as pure functions that return findings.

A :class:`Finding` names an event, a field of its file and a message; it knows no
path and no line. The loader (``timeline.storage.load``) turns findings into
``path:line:col`` problems at the edge, where files are.

The checks that need only facts live here:

- **Across files, on facts.** Publication dates, supersessions, the seeds' records and
  sources published too early need only a few facts of each event (:class:`Facts`: its
  id, race, type, target and the seed documents it cites), not the event. The cache
  keeps the facts of every file, so after an edit of one file these checks run on the
  facts of 100,000 files without decoding one event.
- **Replays** are in :mod:`timeline.engine.replay_checks`; they need the events of a
  race, not only its facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from timeline.engine.fold import replay_key
from timeline.errors import format_path
from timeline.model.dates import Date, parse_date
from timeline.model.events import (
    Correction,
    Event,
    Retraction,
)
from timeline.model.seeds import METADATA, SeedRecord, overlaps
from timeline.model.sources import RECORDS

#: The files of seeds/ that say what is known of the sources: never cited.
NOT_ARTICLES = frozenset({METADATA, RECORDS})

#: Where in an event's file a value is: keys and list indexes, as ``format_path`` shows them.
Field = tuple[str | int, ...]


@attrs.frozen
class Finding:
    """Something wrong (or worth a look) with ``field`` of the file of event ``event``."""

    event: str
    field: Field
    message: str
    severity: str = "error"


@attrs.frozen
class Cited:
    """A citation of a seed document: where it is in its file, the document, and the
    publication date it gives (the text as written), if any."""

    where: Field  # the citation itself: (prefix..., "sources" or "dissent", index)
    document: str
    published: str | None


@attrs.frozen
class Facts:
    """What the checks across files need of one event (the cache keeps it per file)."""

    id: str
    race: str
    type: str
    target: str | None  # what a retraction or a correction supersedes
    cited: tuple[Cited, ...]  # its citations of seed documents
    early: tuple[tuple[Field, str], ...]  # sources published before it can have happened
    starts: int  # the latest first possible day of its facts, as an ordinal (future check)
    order: tuple[int, int, int] = (0, 0, 0)  # a superseding event's replay key (its id aside)


def facts_of(event: Event) -> Facts:
    """The :class:`Facts` of ``event``."""
    cited = []
    starts = 0
    for prefix, fact in facts_in(event):
        if fact.date.earliest is not None:
            starts = max(starts, fact.date.earliest.toordinal())
        for kind, citations in (("sources", fact.sources), ("dissent", fact.dissent)):
            for index, citation in enumerate(citations):
                if citation.document is not None:
                    published = citation.published.text if citation.published else None
                    cited.append(Cited((*prefix, kind, index), citation.document, published))
    target = event.target if isinstance(event, Retraction | Correction) else None
    early = tuple(early_sources(event))
    order = (0, 0, 0)
    if target is not None:
        latest, rank, earliest, _ = replay_key(event)
        order = (latest.toordinal(), rank, earliest.toordinal())
    return Facts(event.id, event.race, event.TYPE, target, tuple(cited), early, starts, order)


def facts_in(event: Event) -> Iterator[tuple[Field, Event]]:
    """The event, and a correction's replacement, each with its path in the file."""
    yield (), event
    if isinstance(event, Correction):
        yield ("replacement",), event.replacement


def early_sources(event: Event) -> Iterator[tuple[Field, str]]:
    """(field, message) for each source of ``event`` (or of a correction's replacement)
    published before the event can have happened: a source cannot report what had not
    happened yet. Dissent is not held to this: it may say what a source expected. The
    envelope of a retraction or a correction is not either: it is dated when the fix was
    made, after what it cites."""
    for prefix, fact in facts_in(event):
        if isinstance(fact, Retraction | Correction):
            continue
        start = fact.date.earliest
        if start is None:
            continue
        for index, citation in enumerate(fact.sources):
            published = citation.published
            if published is not None and published.latest < start:
                where = (*prefix, "sources", index, "published")
                yield (
                    where,
                    f"{format_path(where)}: the source was published by {published.latest},"
                    f" before the event ({fact.date.text}) can have happened: cite a report"
                    " from after it, or keep this one as dissent",
                )


def future_dates(event: Event, today: datetime.date) -> Iterator[tuple[Field, str]]:
    """(field, message) for each date of ``event`` (and a replacement's) entirely after
    ``today``."""
    for prefix, fact in facts_in(event):
        if fact.date.earliest is not None and fact.date.earliest > today:
            where = (*prefix, "date")
            yield (
                where,
                f"{format_path(where)}: {fact.date.text} is in the future (today is {today})",
            )


# -- across files, on facts ---------------------------------------------------------------


@attrs.frozen
class RaceFacts:
    """What the checks across files need of one race, summed over its files' facts: the
    cache keeps it per race, so an edit sums again only the races it touched.

    A check on these sums either finds nothing or names the races to look into (their
    events are then decoded and their :class:`Facts` checked one by one).
    """

    race: str
    #: per seed document, per publication date as written: how many citations give it,
    #: and the first that does (its file's path in load order, its index in that file)
    dates: Mapping[str, Mapping[str, tuple[int, str, int]]]
    documents: frozenset[str]  # every seed document cited
    superseding: tuple[tuple[str, str, str, tuple[int, int, int]], ...]  # id, type, target, order
    early: tuple[tuple[str, Field, str], ...]  # (event id, field, message)
    starts: int  # the latest first possible day of any fact, as an ordinal


def race_facts(race: str, facts: Iterable[tuple[str, Facts]]) -> RaceFacts:
    """The sums of ``race``'s facts, given with their files' paths in load order."""
    dates: dict[str, dict[str, tuple[int, str, int]]] = {}
    documents: set[str] = set()
    superseding: list[tuple[str, str, str, tuple[int, int, int]]] = []
    early: list[tuple[str, Field, str]] = []
    starts = 0
    for rel, fact in facts:
        for index, citation in enumerate(fact.cited):
            documents.add(citation.document)
            if citation.published is not None:
                by_date = dates.setdefault(citation.document, {})
                count, first, at = by_date.get(citation.published, (0, rel, index))
                by_date[citation.published] = (count + 1, first, at)
        if fact.target is not None:
            superseding.append((fact.id, fact.type, fact.target, fact.order))
        early.extend((fact.id, where, message) for where, message in fact.early)
        starts = max(starts, fact.starts)
    return RaceFacts(race, dates, frozenset(documents), tuple(superseding), tuple(early), starts)


def usual_dates(
    sums: Iterable[RaceFacts], order: Callable[[str], Any]
) -> dict[str, tuple[str, int]]:
    """Each cited seed document's publication date, the one most citations give it (ties:
    the first given, in load order by ``order`` of a file's path), and how many give it."""
    totals: dict[str, dict[str, list[Any]]] = {}
    for race in sums:
        for document, by_date in race.dates.items():
            mine = totals.setdefault(document, {})
            for date, (count, rel, index) in by_date.items():
                first = (order(rel), index)
                if date in mine:
                    mine[date][0] += count
                    mine[date][1] = min(mine[date][1], first)
                else:
                    mine[date] = [count, first]
    usual = {}
    for document, counted in totals.items():
        date, (count, _) = min(counted.items(), key=lambda item: (-item[1][0], item[1][1]))
        usual[document] = (date, count)
    return usual


def suspects(
    sums: Iterable[RaceFacts],
    usual: Mapping[str, tuple[str, int]],
    records: Mapping[str, SeedRecord],
    today: datetime.date | None,
) -> set[str]:
    """The races some citation of which gives a document another date than the usual one,
    or a date its record rules out, or that cite a file of what is known of the sources
    (``seeds/metadata.yaml``, ``seeds/records.yaml``), or (with ``today``)
    that have an event after today: the races to check file by file."""
    found = set()
    for race in sums:
        if today is not None and race.starts > today.toordinal():
            found.add(race.race)
        if race.documents & NOT_ARTICLES:
            found.add(race.race)
        for document, by_date in race.dates.items():
            for date in by_date:
                cited = Cited((), document, date)
                if date != usual[document][0] or _record_problem(cited, records.get(document)):
                    found.add(race.race)
    return found


def publication_findings(
    facts: Iterable[Facts], usual: Mapping[str, tuple[str, int]]
) -> Iterator[Finding]:
    """A seed document has one publication date: the usual one (see :func:`usual_dates`)."""
    for fact in facts:
        for citation in fact.cited:
            if citation.published is None:
                continue
            date, times = usual[citation.document]
            if citation.published != date:
                where = (*citation.where, "published")
                yield Finding(
                    fact.id,
                    where,
                    f"{format_path(where)}: {citation.published}, but {times} other"
                    f" citations date {citation.document} {date}; a document has one"
                    " publication date",
                )


def supersessions(
    sums: Iterable[RaceFacts], race_of: Mapping[str, str], order: Callable[[str], Any]
) -> Iterator[Finding]:
    """Retractions and corrections name an existing event of their race, once each, in
    replay order (the first to claim a target keeps it). ``race_of`` maps every event id
    to its race."""
    superseding = [(race.race, *entry) for race in sums for entry in race.superseding]
    kinds = {event_id: kind for _, event_id, kind, _, _ in superseding}
    claimed: dict[str, str] = {}
    for race, event_id, kind, target_id, _ in sorted(superseding, key=lambda s: (s[4], s[1])):
        field: Field = ("retracts",) if kind == Retraction.TYPE else ("corrects",)
        target_race = race_of.get(target_id)
        if target_race is None:
            message = f"there is no event {target_id!r} to supersede"
        elif target_race != race:
            message = f"{target_id} belongs to race {target_race!r}, not {race!r}"
        elif target_id in kinds:
            message = f"{target_id} is itself a {kinds[target_id]}; supersede the original event"
        elif target_id in claimed:
            message = f"{target_id} is already superseded by {claimed[target_id]}"
        else:
            claimed[target_id] = event_id
            continue
        yield Finding(event_id, field, message)


def early_findings(sums: Sequence[RaceFacts]) -> Iterator[Finding]:
    """Sources published before their event can have happened, in events that no
    retraction or correction supersedes: a merged event is fixed by a new one, and the
    fix stands in its place."""
    superseded = {target for race in sums for _, _, target, _ in race.superseding}
    for race in sums:
        for event_id, where, message in race.early:
            if event_id not in superseded:
                yield Finding(event_id, where, message)


def publication_dates(facts: Iterable[Facts]) -> dict[str, str]:
    """Each cited seed document's publication date: the one most of its citations give
    (what the checks hold every citation of it to), by the rule of :func:`usual_dates`."""
    sums = race_facts("", ((str(n), fact) for n, fact in enumerate(facts)))
    return {document: date for document, (date, _) in usual_dates([sums], int).items()}


def seed_record_findings(
    facts: Iterable[Facts], records: Mapping[str, SeedRecord]
) -> Iterator[Finding]:
    """Each citation against the seeds' records: its publication date can be the record's;
    the metadata file is not an article."""
    for fact in facts:
        for citation in fact.cited:
            message = _record_problem(citation, records.get(citation.document))
            if message is not None:
                dated = citation.published is not None and citation.document not in NOT_ARTICLES
                field = (*citation.where, "published" if dated else "document")
                yield Finding(fact.id, field, f"{format_path(field)}: {message}")


def _record_problem(citation: Cited, record: SeedRecord | None) -> str | None:
    if citation.document == METADATA:
        return f"{METADATA} is the seeds' metadata, not an article; cite the article"
    if citation.document == RECORDS:
        return f"{RECORDS} is what is known of the records, not an article; cite the record"
    if record is None or record.published is None or citation.published is None:
        return None
    if overlaps(_date(citation.published), record.published):
        return None
    return f"{citation.published}, but {METADATA} dates {citation.document} {record.published.text}"


_DATES: dict[str, Date] = {}


def _date(text: str) -> Date:
    """A publication date as written, parsed once per text (validation parsed it before)."""
    if text not in _DATES:
        _DATES[text] = parse_date(text)
    return _DATES[text]
