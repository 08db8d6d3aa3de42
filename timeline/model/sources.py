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

import bisect
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from timeline.model.seeds import Finding

#: The file, relative to the repository root. It is not a seed: no event cites it.
RECORDS = "seeds/records.yaml"
_FIELDS = ("title", "publisher", "licence", "licence_url", "note")
_URL = re.compile(r"https?://[^\s/]+/\S*")


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


@attrs.frozen
class SourceIndex:
    """The records by address, ready to tell which one a URL belongs to: the longest
    address it starts with, in a few binary searches however many records there are
    (a bound on the work a long records file can cause)."""

    records: Mapping[str, SourceRecord] = attrs.field(factory=dict)
    _addresses: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_addresses", tuple(sorted(self.records)))

    def of(self, url: str | None) -> SourceRecord | None:
        """The record of the source at ``url``: the longest address it starts with.

        The longest address that is a prefix of a text is the greatest address not
        after the text, if that one is a prefix; when it is not, every address that is
        a prefix is a prefix of what the two have in common, and the search goes on
        with that (shorter each time)."""
        if url is None:
            return None
        addresses, text, end = self._addresses, url, len(self._addresses)
        while text:
            at = bisect.bisect_right(addresses, text, 0, end) - 1
            if at < 0:
                return None
            if text.startswith(addresses[at]):
                return self.records[addresses[at]]
            text, end = _common_start(addresses[at], text), at
        return None


def _common_start(first: str, second: str) -> str:
    """The longest text both start with."""
    for at, (a, b) in enumerate(zip(first, second, strict=False)):
        if a != b:
            return first[:at]
    return first[: min(len(first), len(second))]


#: No records: every URL belongs to none.
NO_RECORDS = SourceIndex()


def licences(found: Iterable[SourceRecord | None]) -> list[SourceRecord]:
    """The records among ``found`` that state a licence, each licence once, in order."""
    seen: dict[str, SourceRecord] = {}
    for record in found:
        if record is not None and record.licence is not None:
            seen.setdefault(record.licence, record)
    return list(seen.values())


__all__ = ("NO_RECORDS", "RECORDS", "SourceIndex", "SourceRecord", "licences", "source_records")
