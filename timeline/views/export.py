"""Every event with its sources, in formats other programs read: JSON Lines, CSV, TimelineJS.

Pure functions from events to text; ``timeline export`` writes what they return.

- **JSON Lines**: one event per line, as in its file (``unstructure_event``) plus what the
  replay derives: the day it counts from, the day it was reported, what supersedes it.
- **CSV**: one row per citation (a source or a dissenting source), with the event's
  fields repeated, so a spreadsheet can filter by document, publisher or quote.
- **TimelineJS**: the JSON that Knight Lab's TimelineJS 3 loads as it is
  (https://timeline.knightlab.com/docs/json-format.html): a slide per event, grouped by
  candidate, with its sources and quotes; a date known only to the month or year, or
  only as an interval, keeps its precision in the slide's ``display_date``.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.engine.fold import replay_order
from timeline.engine.query import candidate_named, facts_of, members_named, superseded_by
from timeline.formats.codec import unstructure_event
from timeline.model.dates import MONTHS
from timeline.model.events import Citation, Event, Opening
from timeline.model.seeds import SeedRecord
from timeline.views.citations import NO_SEEDS, Cited, cited, seed_json

FORMATS = ("jsonl", "csv", "timelinejs")


def to_jsonl(events: Sequence[Event], seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    """One JSON object per event, in replay order; ``seeds`` gives what is known of each
    seed article the event cites (under ``seeds``, by document)."""
    superseded = superseded_by(events)
    lines = []
    for event in replay_order(events):
        record = unstructure_event(event)
        record["counts_from"] = event.date.latest.isoformat()
        record["earliest"] = _day(event.date.earliest)
        record["reported"] = _day(event.reported)
        record["superseded_by"] = superseded.get(event.id)
        record["seeds"] = {
            document: seed_json(seeds[document])
            for document in sorted(_documents(event))
            if document in seeds
        }
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    return "".join(f"{line}\n" for line in lines)


CSV_COLUMNS = (
    "race", "id", "type", "date", "counts_from", "summary", "candidate", "members",
    "superseded_by", "citation", "document", "url", "publisher", "published", "record", "quote",
    "claim", "disputed_field", "seed_title", "seed_publisher", "seed_author", "seed_url",
    "seed_published",
)  # fmt: skip


def _documents(event: Event) -> set[str]:
    """The seed documents ``event`` cites (a correction: its replacement's too)."""
    return {
        c.document for fact in facts_of(event) for c in (*fact.sources, *fact.dissent) if c.document
    }


def to_csv(events: Sequence[Event], seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    """One row per citation of each event (sources, then dissenting sources), in replay order."""
    superseded = superseded_by(events)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in replay_order(events):
        common = {
            "race": event.race,
            "id": event.id,
            "type": event.TYPE,
            "date": event.date.text,
            "counts_from": event.date.latest.isoformat(),
            "summary": event.summary,
            "candidate": candidate_named(event) or "",
            "members": " ".join(sorted(members_named(event))),
            "superseded_by": superseded.get(event.id, ""),
        }
        citations: list[tuple[str, Citation]] = [("source", c) for c in event.sources]
        citations += [("dissent", d) for d in event.dissent]
        for kind, citation in citations:
            columns = _citation_columns(cited(citation, seeds))
            writer.writerow({**common, "citation": kind, **columns})
    return out.getvalue()


#: What is known of a seed article, in the CSV columns ``seed_title`` and so on.
_SEED_COLUMNS = ("title", "publisher", "author", "url", "published")


def _citation_columns(parts: Cited) -> dict[str, str]:
    seed = seed_json(parts.seed) if parts.seed is not None else {}  # as JSON gives it
    return {
        "document": parts.document or "",
        "url": parts.url or "",
        "publisher": parts.publisher or "",
        "published": parts.published or "",
        "record": parts.record or "",
        "quote": parts.quote or "",
        "claim": parts.claim or "",
        "disputed_field": parts.field or "",
        **{f"seed_{key}": seed.get(key) or "" for key in _SEED_COLUMNS},
    }


def to_timelinejs(events: Sequence[Event], names: dict[str, str] | None = None) -> str:
    """TimelineJS 3 JSON: a title slide from the race's opening and a slide per event.

    ``names`` maps candidate ids to display names for the groups (default: the
    names the events give).
    """
    names = {**_names(events), **(names or {})}
    superseded = superseded_by(events)
    opening = next((e for e in replay_order(events) if isinstance(e, Opening)), None)
    slides = [_slide(event, names, superseded.get(event.id)) for event in replay_order(events)]
    data: dict[str, Any] = {"events": slides}
    if opening is not None:
        data["title"] = {
            "text": {
                "headline": html.escape(opening.office),
                "text": html.escape(f"{opening.race}: {len(slides)} reported developments"),
            }
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _slide(event: Event, names: dict[str, str], superseded: str | None) -> dict[str, Any]:
    date = event.date
    start = date.earliest or date.latest
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _timelinejs_date(start),
        "text": {"headline": html.escape(event.summary), "text": _slide_text(event, superseded)},
        "group": names.get(candidate_named(event) or "", "The race"),
    }
    if not date.exact:  # a month, a year or an interval: say so instead of a made-up day
        slide["end_date"] = _timelinejs_date(date.latest)
        slide["display_date"] = _display_date(date.text, date.earliest, date.latest)
    return slide


def _timelinejs_date(day: datetime.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _display_date(text: str, earliest: datetime.date | None, latest: datetime.date) -> str:
    """A reader's words for an imprecise date: "February 2024", "2024", "by 2 April 2024",
    "about October 2023" (EDTF ``~``), "2024? (uncertain)" (EDTF ``?``)."""
    if earliest is None:
        words = f"by {_long(latest)}"
    elif (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31) and (
        earliest.year == latest.year
    ):
        words = str(latest.year)
    elif (
        earliest.day == 1
        and (earliest.year, earliest.month) == (latest.year, latest.month)
        and (latest == datetime.date.max or (latest + datetime.timedelta(days=1)).day == 1)
    ):
        words = f"{MONTHS[latest.month - 1]} {latest.year}"
    else:
        words = f"between {_long(earliest)} and {_long(latest)}"
    if "~" in text or "%" in text:
        words = f"about {words}"
    if "?" in text or "%" in text:
        words = f"{words} (uncertain)"
    return words


def _long(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _slide_text(event: Event, superseded: str | None) -> str:
    """The sources and quotes of an event, as the small HTML TimelineJS shows."""
    parts = []
    if superseded is not None:
        parts.append(f"<p><em>Superseded by {html.escape(superseded)}.</em></p>")
    for citation in event.sources:
        parts.append(_quote(citation, "Source"))
    for dissent in event.dissent:
        claim = html.escape(dissent.claim)
        parts.append(f"<p><strong>Reported otherwise:</strong> {claim}</p>")
        parts.append(_quote(dissent, "Dissenting source"))
    if event.note:
        parts.append(f"<p>{html.escape(event.note)}</p>")
    return "".join(parts)


def _quote(citation: Citation, label: str) -> str:
    parts = cited(citation)
    where = html.escape(parts.source or "")
    if parts.url:
        where = f'<a href="{html.escape(parts.url, quote=True)}">{where}</a>'
    published = f", {html.escape(parts.published)}" if parts.published else ""
    if parts.official:
        return f"<p>{label}: {where}{published}, {html.escape(parts.record or '')}</p>"
    quote = html.escape(parts.quote or "")
    return f"<blockquote>{quote}</blockquote><p>{label}: {where}{published}</p>"


def _names(events: Sequence[Event]) -> dict[str, str]:
    names: dict[str, str] = {}
    for event in replay_order(events):
        name = getattr(event, "name", None)
        candidate = candidate_named(event)
        if candidate is not None and isinstance(name, str):
            names.setdefault(candidate, name)
    return names


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None
