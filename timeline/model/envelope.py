"""What every event shares: the :class:`Event` envelope and its sources.

The envelope is an event's id, race, date, summary and note; its ``sources`` are
citations (:class:`Citation`: a seed document or a URL and a verbatim quote, or an
official record), and its ``dissent`` the sources that disagree (:class:`Dissent`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from timeline.errors import InvalidField
from timeline.model.dates import Date
from timeline.model.fields import (
    SCHEMA,
    check_nonempty,
    paragraph_field,
    slug_field,
    text_field,
)


@attrs.frozen(kw_only=True)
class Citation:
    """Where a fact comes from: a seed document or a public URL, and a verbatim quote; or
    an official record or data file (a URL with its ``record`` identifier), which needs
    no quote."""

    document: str | None = attrs.field(
        default=None,
        metadata={
            SCHEMA: {
                "pattern": "^seeds/[^/\\\\][^\\\\]*$",
                "not": {"pattern": "(^|/)\\.\\.(/|$)|//"},
                "description": "A path under seeds/, relative to the repository root.",
            }
        },
    )
    url: str | None = attrs.field(
        default=None, metadata={SCHEMA: {"format": "uri", "pattern": "^https?://[^\\s/]+[^\\s]*$"}}
    )
    publisher: str | None = text_field(default=None)
    published: Date | None = None
    record: str | None = text_field(default=None)
    retrieved: Date | None = None
    quote: str | None = paragraph_field(default=None)

    def __attrs_post_init__(self) -> None:
        if (self.document is None) == (self.url is None):
            raise InvalidField(("document",), "give exactly one of 'document' or 'url'")
        if self.quote is None and self.record is None:
            raise InvalidField(
                ("quote",),
                "give the verbatim 'quote' that supports the event, or the 'record'"
                " identifier of the official record or data file cited",
            )
        if self.record is not None and self.document is not None:
            raise InvalidField(
                ("record",), "a document in seeds/ is an article: cite it by its 'quote'"
            )
        if self.document is not None:
            _check_document(self.document)
        if self.url is not None:
            _check_url(self.url)
            if self.publisher is None:
                raise InvalidField(("publisher",), "a 'url' source needs its 'publisher'")


@attrs.frozen(kw_only=True)
class Dissent(Citation):
    """A source that disagrees with the event, kept beside it rather than hidden.

    ``claim`` says what this source reports instead; ``field`` names the field
    of the event it disputes, when it disputes one.
    """

    claim: str = text_field()
    field: str | None = text_field(default=None)


def _check_document(document: str) -> None:
    parts = document.split("/")
    if document.startswith("/") or "\\" in document or ".." in parts or "" in parts:
        raise InvalidField(
            ("document",), f"{document!r} must be a plain relative path like 'seeds/x.txt'"
        )
    if parts[0] != "seeds" or len(parts) < 2:
        raise InvalidField(("document",), f"{document!r} must be a file under seeds/")


def _check_url(url: str) -> None:
    import urllib.parse  # here: only URL sources need it, and it slows every start-up

    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
        raise InvalidField(("url",), f"{url!r} is not a well-formed http(s) URL")


def _disputed_fields(
    instance: Any, attribute: attrs.Attribute[Any], value: Sequence[Dissent]
) -> None:
    names = attrs.fields_dict(type(instance))
    for index, dissent in enumerate(value):
        if dissent.field is not None and dissent.field not in names:
            raise InvalidField(
                (attribute.name, index, "field"),
                f"{dissent.field!r} is not a field of event type {type(instance).TYPE!r}",
            )


@attrs.frozen(kw_only=True)
class Event:
    """The envelope every event file shares. Not an event type itself."""

    TYPE: ClassVar[str] = ""

    @property
    def reported(self) -> datetime.date | None:
        """The first day by which a source had certainly reported this event: the
        earliest latest-possible publication day among its dated sources."""
        days = [c.published.latest for c in self.sources if c.published is not None]
        return min(days) if days else None

    id: str = slug_field()
    race: str = slug_field()
    date: Date
    summary: str = text_field()
    sources: tuple[Citation, ...] = attrs.field(
        validator=check_nonempty, metadata={SCHEMA: {"minItems": 1}}
    )
    dissent: tuple[Dissent, ...] = attrs.field(default=(), validator=_disputed_fields)
    note: str | None = paragraph_field(default=None)
