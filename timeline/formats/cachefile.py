"""The cache's file format: JSON data, decoded into timeline's own classes, never code.

Rule: whatever bytes a cache file holds, reading it can only give data or None. A
cache file is ``MAGIC``, a BLAKE2b digest of the rest (to notice damage: a truncated
or corrupted file reads as None and is rebuilt), then UTF-8 JSON. Nothing in it names
a class or a function: an event is ``[type, field values...]`` in the order of its
class's attrs fields, and it is rebuilt by calling that class, so every validator of
the event model runs again on what the cache holds. The encoding is derived from the
model (each field's type hint), not written out a second time.

Dates keep their text and their two days (as ordinals), so a warm load needs neither
the EDTF parser nor YAML nor cattrs.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import json
import sys
import types
import typing
from typing import Any

import attrs

from timeline.model.dates import Date
from timeline.model.events import EVENT_TYPES, Event

MAGIC = b"timeline cache 3\n"
_DIGEST = 32

#: How each kind of field is written: text as it is, a date, a list of text, a list of
#: records (citations, dissents, members, weights...: the class is the kind's extra), an
#: enumeration's value, a whole event, or a whole number.
_PLAIN, _DATE, _TEXTS, _RECORDS, _ENUM, _EVENT, _INT, _RECORD, _BOOL = range(9)


def dump_parts(value: Any) -> tuple[bytes, bytes]:
    """The bytes of a cache file in two parts, header and data, to be written one after
    the other (a manifest of 20 MB is not copied once more to join them)."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return MAGIC + hashlib.blake2b(data, digest_size=_DIGEST).digest(), data


def loads(blob: bytes) -> Any:
    """The JSON data of a cache file's bytes, or None if they are damaged or not ours."""
    view = memoryview(blob)  # the data is not copied out of the blob to be checked
    head, data = view[: len(MAGIC) + _DIGEST], view[len(MAGIC) + _DIGEST :]
    if head != MAGIC + hashlib.blake2b(data, digest_size=_DIGEST).digest():
        return None
    try:
        return json.loads(str(data, "utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None


def encode_event(event: Event) -> list[Any]:
    """``event`` as JSON data: its type, then its fields' values in attrs order."""
    return [
        event.TYPE,
        *(_encode(kind, getattr(event, name)) for name, kind, _ in _plan(type(event))),
    ]


def decode_event(data: Any) -> Event:
    """The event ``data`` encodes; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is
    not one. The class's validators run, as on a file."""
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise ValueError("not an encoded event")
    return _decoder(EVENT_TYPES[data[0]])(data[1:])  # type: ignore[no-any-return]


_DECODERS: dict[type, Any] = {}


def _decoder(cls: type) -> Any:
    """A function from a list of ``cls``'s encoded field values to an instance of ``cls``:
    each field's decoding chosen once, from its kind, not for every value."""
    decoder = _DECODERS.get(cls)
    if decoder is not None:
        return decoder
    fields = [(name, _FIELD_DECODERS[kind], extra) for name, kind, extra in _plan(cls)]
    count = len(fields)

    def decode(values: list[Any]) -> Any:
        if type(values) is not list or len(values) != count:
            raise ValueError(f"an encoded {cls.__name__} has {count} fields")
        return cls(
            **{
                name: None if value is None else function(value, extra)
                for (name, function, extra), value in zip(fields, values, strict=True)
            }
        )

    _DECODERS[cls] = decode
    return decode


_PLANS: dict[type, tuple[tuple[str, int, Any], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, int, Any], ...]:
    """(field name, kind, what else decoding needs) for each attrs field of ``cls``,
    worked out once per class from its type hints."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = _PLANS[cls] = tuple(
            (field.name, *_kind(hints[field.name])) for field in attrs.fields(cls)
        )
    return plan


def _kind(hint: Any) -> tuple[int, Any]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return _kind(inner)
    if hint is str:
        return _PLAIN, None
    if hint is Date:
        return _DATE, None
    if hint is bool:
        return _BOOL, None
    if hint is int:
        return _INT, None
    if typing.get_origin(hint) is tuple:
        item = args[0]
        if item is str:
            return _TEXTS, None
        if attrs.has(item):
            return _RECORDS, item
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _ENUM, hint
    if hint is Event:
        return _EVENT, None
    if attrs.has(hint):
        return _RECORD, hint
    raise TypeError(f"the cache cannot hold a field of type {hint!r}")  # a new type: add it


def _encode(kind: int, value: Any) -> Any:
    if value is None or kind in (_PLAIN, _INT, _BOOL):
        return value
    if kind == _DATE:
        earliest = value.earliest.toordinal() if value.earliest is not None else None
        return [value.text, earliest, value.latest.toordinal()]
    if kind == _TEXTS:
        return list(value)
    if kind == _RECORDS:
        return [
            [_encode(k, getattr(record, name)) for name, k, _ in _plan(type(record))]
            for record in value
        ]
    if kind == _ENUM:
        return value.value
    if kind == _RECORD:
        return [_encode(k, getattr(value, name)) for name, k, _ in _plan(type(value))]
    return encode_event(value)


#: Text up to this long (ids, codes, names, dates) is interned, as the loader does: a
#: repository repeats it across thousands of events, and JSON makes a copy per occurrence.
_INTERNED = 64


def expect_text(value: Any) -> str:
    """``value`` if it is text (from a cache file: its shape is checked, never assumed)."""
    if type(value) is not str:
        raise TypeError("expected text")
    return value


def expect_integer(value: Any) -> int:
    """``value`` if it is an integer (``True`` is not one)."""
    if type(value) is not int:
        raise TypeError("expected an integer")
    return value


def _text(value: Any, _: Any) -> str:
    text = expect_text(value)
    return sys.intern(text) if len(text) <= _INTERNED else text


@functools.lru_cache(maxsize=16384)
def _day(ordinal: int) -> datetime.date:
    return datetime.date.fromordinal(ordinal)


@functools.lru_cache(maxsize=16384)
def _known_date(text: str, earliest: int | None, latest: int) -> Date:
    """One value per date, as ``parse_date`` keeps one (a repository repeats its days)."""
    return Date(text, None if earliest is None else _day(earliest), _day(latest))


def _date(value: Any, _: Any) -> Date:
    text, earliest, latest = value
    if type(text) is not str or type(latest) is not int or type(earliest) not in (int, type(None)):
        raise ValueError("expected a date's text and days")
    return _known_date(text, earliest, latest)


def _texts(value: Any, _: Any) -> tuple[str, ...]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise ValueError("expected a list of text")
    return tuple(sys.intern(v) if len(v) <= _INTERNED else v for v in value)


def _records(value: Any, cls: type) -> tuple[Any, ...]:
    """A tuple of records of class ``cls``, each from its list of field values."""
    decode = _decoder(cls)
    return tuple(decode(item) for item in value)


def _enum(value: Any, cls: Any) -> enum.Enum:
    member: enum.Enum = cls(value)
    return member


def _event(value: Any, _: Any) -> Event:
    return decode_event(value)


def _record(value: Any, cls: type) -> Any:
    return _decoder(cls)(value)


def _int(value: Any, _: Any) -> int:
    return expect_integer(value)


def _bool(value: Any, _: Any) -> bool:
    if type(value) is not bool:
        raise ValueError("not a flag")
    return value


_FIELD_DECODERS = {
    _INT: _int,
    _BOOL: _bool,
    _RECORD: _record,
    _PLAIN: _text,
    _DATE: _date,
    _TEXTS: _texts,
    _RECORDS: _records,
    _ENUM: _enum,
    _EVENT: _event,
}
