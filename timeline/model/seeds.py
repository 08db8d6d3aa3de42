"""What is known of each article in ``seeds/``: one metadata file, ``seeds/metadata.yaml``.

A seed is an article copied unchanged into ``seeds/``; its file name says nothing a
reader can cite. The metadata file gives, per seed file, its title, publisher, author,
URL, publication date and the day it was retrieved, each only where known (``null``
otherwise: never guessed), with a note on how it was established::

    003_30db4212d268332d.txt:
      title: Netherlands leader Rutte poised to become Nato general secretary
      publisher: The Irish Times (Bloomberg)
      author: null
      url: https://www.irishtimes.com/world/europe/2024/06/18/...
      published: 2024-06-18
      retrieved: ../2026-11-23
      note: Carries Bloomberg's report.

Pure: :func:`seed_records` turns the file's data into values and says what is wrong with
it; reading the file, and the checks against the citations, are the loader's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from timeline.errors import DateError
from timeline.model.dates import Date, parse_date

#: The metadata file, relative to the repository root. It is not a seed: no event cites it.
METADATA = "seeds/metadata.yaml"
_FIELDS = ("title", "publisher", "author", "url", "published", "retrieved", "note")
_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@attrs.frozen
class SeedRecord:
    """What is known of one seed article (None: not known)."""

    document: str  # ``seeds/<file>``, as events cite it
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published: Date | None = None
    retrieved: Date | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        """A short citation: the title in quotes and the publisher, as far as known (empty
        when neither is)."""
        parts = [f"\u201c{self.title}\u201d" if self.title else None, self.publisher]
        return ", ".join(part for part in parts if part)


#: A problem with the metadata: (the key path in the file, the message).
Finding = tuple[tuple[str, ...], str]


def seed_records(data: Any) -> tuple[dict[str, SeedRecord], list[Finding]]:
    """The records of the metadata file's ``data`` (by document), and what is wrong."""
    records: dict[str, SeedRecord] = {}
    findings: list[Finding] = []
    if not isinstance(data, dict):
        return records, [((), "the seeds' metadata is a mapping of seed file names to records")]
    for name, entry in data.items():
        if not isinstance(name, str) or not _FILE.fullmatch(name):
            findings.append(((str(name),), f"{name!r} is not the name of a file in seeds/"))
            continue
        if not isinstance(entry, dict):
            findings.append(((name,), "give a mapping: title, publisher, author, url, ..."))
            continue
        values: dict[str, Any] = {}
        for field, value in entry.items():
            found = _field(name, str(field), value, values)
            if found is not None:
                findings.append(found)
        records[f"seeds/{name}"] = SeedRecord(document=f"seeds/{name}", **values)
    return records, findings


def _field(name: str, field: str, value: Any, values: dict[str, Any]) -> Finding | None:
    if field not in _FIELDS:
        return ((name, field), f"unknown field {field!r}; the fields are {', '.join(_FIELDS)}")
    if value is None or value == "null":
        return None
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        return ((name, field), f"{field} is one line of text, or null when not known")
    if field in ("published", "retrieved"):
        try:
            values[field] = parse_date(value)
        except DateError as exc:
            return ((name, field), str(exc))
        return None
    if field == "url" and not re.fullmatch(r"https?://[^\s/]+\S*", value):
        return ((name, field), f"{value!r} is not a well-formed http(s) URL")
    values[field] = value.strip()
    return None


def overlaps(first: Date, second: Date) -> bool:
    """True when the two dates can be the same day."""
    first_start = first.earliest or first.latest.min
    second_start = second.earliest or second.latest.min
    return first_start <= second.latest and second_start <= first.latest


def uncited(records: Mapping[str, SeedRecord], cited: set[str]) -> Iterator[str]:
    """The documents of ``records`` that no event cites."""
    return (document for document in sorted(records) if document not in cited)


__all__ = ("METADATA", "SeedRecord", "overlaps", "seed_records", "uncited")
