"""A citation's parts, derived once, and its text and JSON.

:func:`cited` turns a :class:`Citation` (and the seeds' records) into :class:`Cited`:
where it comes from (the seed document and what ``seeds/metadata.yaml`` says of it, or
a URL and its publisher), when it was published, the quote or the official record it
rests on, and what a dissenting source claims instead. Every view renders a citation
from that one value: the text and JSON here (``explain``, ``conflicts``), the CSV and
TimelineJS of ``export`` and the site's data. What is known of a seed article as JSON
(:func:`seed_json`) is here too.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

import attrs

from timeline.model.events import Citation, Dissent
from timeline.model.seeds import SeedRecord

#: No seed metadata: the default of the functions that can show it.
NO_SEEDS: Mapping[str, SeedRecord] = types.MappingProxyType({})


@attrs.frozen(kw_only=True)
class Cited:
    """A citation as the views show it (None: not given)."""

    document: str | None  # a seed document (``seeds/...``), or None for a URL
    url: str | None
    publisher: str | None
    published: str | None  # the publication date as written
    record: str | None  # the identifier of an official record or data file
    quote: str | None  # None for an official record, which needs no quote
    seed: SeedRecord | None  # what is known of the seed document
    claim: str | None  # a dissenting source: what it reports instead; None for a source
    field: str | None  # a dissenting source: the field it disputes, if one

    @property
    def official(self) -> bool:
        """An official record or data file, cited by its identifier with no quote."""
        return self.quote is None

    @property
    def label(self) -> str:
        """The seed article's title and publisher, as far as known (empty when neither
        is, or when the citation is not of a seed article)."""
        return self.seed.label if self.seed is not None else ""

    @property
    def source(self) -> str | None:
        """Who to credit, in a word: the document, else the publisher."""
        return self.document or self.publisher


def cited(citation: Citation, seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> Cited:
    """The parts of ``citation``, with the record of its seed document from ``seeds``."""
    dissent = citation if isinstance(citation, Dissent) else None
    return Cited(
        document=citation.document,
        url=citation.url,
        publisher=citation.publisher,
        published=citation.published.text if citation.published else None,
        record=citation.record,
        quote=citation.quote,
        seed=seeds.get(citation.document) if citation.document else None,
        claim=dissent.claim if dissent is not None else None,
        field=dissent.field if dissent is not None else None,
    )


def cite_text(citation: Citation, seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    """One line: where it comes from, then the quote (or the record's identifier)."""
    parts = cited(citation, seeds)
    where = parts.document or f"{parts.url} ({parts.publisher})"
    if parts.label:
        where += f" ({parts.label})"
    if parts.official:
        return f"{where}: {parts.record}"
    return f"{where}: \u201c{parts.quote}\u201d"


def citation_json(citation: Citation, seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> dict[str, Any]:
    """The citation as JSON-ready data, with what is known of its seed document."""
    parts = cited(citation, seeds)
    return {
        "document": parts.document,
        "url": parts.url,
        "publisher": parts.publisher,
        "record": parts.record,
        "quote": parts.quote,
        "seed": None if parts.seed is None else seed_json(parts.seed),
    }


def seed_json(record: SeedRecord) -> dict[str, Any]:
    """What is known of a seed article, as JSON-ready data."""
    return {
        "document": record.document,
        "title": record.title,
        "publisher": record.publisher,
        "author": record.author,
        "url": record.url,
        "published": record.published.text if record.published else None,
        "retrieved": record.retrieved.text if record.retrieved else None,
    }
