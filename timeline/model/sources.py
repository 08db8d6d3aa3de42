"""What is known of the records and data sets events cite: ``seeds/records.yaml``.

An official record or a data file (a roll call on clerk.house.gov, FiveThirtyEight's
endorsement data) is cited by its URL, not copied into ``seeds/``. What a reader of
the record must know of such a source, who publishes it and under what licence, is
said once, for every URL that starts with a given address::

    https://projects.fivethirtyeight.com/endorsements-2020-data/:
      title: FiveThirtyEight's 2020 endorsement primary data
      publisher: FiveThirtyEight / ABC News
      licence: CC BY 4.0
      licence_url: https://creativecommons.org/licenses/by/4.0/
      note: Where the licence is stated, so that a reviewer can check it.

A citation belongs to the entry with the longest address its URL starts with. The file
may be edited (what is known of a source grows), unlike the seeds and the events; the
exports name each race's sources and licences from it (``docs/data-model.md``).

Pure: :func:`source_records` turns the file's data into values and says what is wrong
with it; reading the file is the loader's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from timeline.model.seeds import Finding

#: The file, relative to the repository root. It is not a seed: no event cites it.
RECORDS = "seeds/records.yaml"
_FIELDS = ("title", "publisher", "licence", "licence_url", "note")
_URL = re.compile(r"https?://[^\s/]+/\S*")
#: A mapping of what is known of each source (by the address its URLs start with).
NO_RECORDS: Mapping[str, SourceRecord] = {}


@attrs.frozen
class SourceRecord:
    """What is known of the sources whose URLs start with ``address`` (None: not known)."""

    address: str
    title: str | None = None
    publisher: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    note: str | None = None


def source_records(data: Any) -> tuple[dict[str, SourceRecord], list[Finding]]:
    """The records of the file's ``data`` (by address), and what is wrong with it."""
    records: dict[str, SourceRecord] = {}
    findings: list[Finding] = []
    if not isinstance(data, dict):
        return records, [((), "the records file is a mapping of addresses to what is known")]
    for address, entry in data.items():
        if not isinstance(address, str) or not _URL.fullmatch(address):
            findings.append(
                ((str(address),), f"{address!r} is not an http(s) address ending in a path")
            )
            continue
        if not isinstance(entry, dict):
            findings.append(((address,), f"give a mapping: {', '.join(_FIELDS)}"))
            continue
        values: dict[str, str] = {}
        for field, value in entry.items():
            found = _field(address, str(field), value, values)
            if found is not None:
                findings.append(found)
        records[address] = SourceRecord(address=address, **values)
    return records, findings


def _field(address: str, field: str, value: Any, values: dict[str, str]) -> Finding | None:
    if field not in _FIELDS:
        return ((address, field), f"unknown field {field!r}; the fields are {', '.join(_FIELDS)}")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return ((address, field), f"{field} is text, or null when not known")
    if field != "note" and "\n" in value.strip():
        return ((address, field), f"{field} is one line of text")
    if field == "licence_url" and not _URL.fullmatch(value.strip()):
        return ((address, field), f"{value!r} is not a well-formed http(s) URL")
    values[field] = " ".join(value.split())
    return None


def record_of(url: str | None, records: Mapping[str, SourceRecord]) -> SourceRecord | None:
    """The record of the source at ``url``: the one with the longest address it starts with."""
    if url is None:
        return None
    found = [record for address, record in records.items() if url.startswith(address)]
    return max(found, key=lambda record: len(record.address), default=None)


def licences(found: Iterable[SourceRecord | None]) -> list[SourceRecord]:
    """The records among ``found`` that state a licence, each licence once, in order."""
    seen: dict[str, SourceRecord] = {}
    for record in found:
        if record is not None and record.licence is not None:
            seen.setdefault(record.licence, record)
    return list(seen.values())


__all__ = ("NO_RECORDS", "RECORDS", "SourceRecord", "licences", "record_of", "source_records")
