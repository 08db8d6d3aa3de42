"""The event model: one immutable value per reported development of a race.

Every event file holds one of the classes in :data:`EVENT_TYPES`, chosen by
its ``type:`` field. The classes are the single source of truth for the file
format: the loader (``codec.py``), the docs' field tables and the tests all
derive from them. Invariants that need no context (a real member code, a
non-empty source list, a slug-shaped id) are checked here, on construction,
so an invalid event cannot exist; invariants that need the state of the race
(a member belongs to the electorate *at that date*) belong to ``fold.py``.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from timeline.errors import InvalidField
from timeline.model.dates import Date
from timeline.model.members import check_member, is_country
from timeline.model.rules import Rule

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _text(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """One line of text: a summary, a name, a condition. Text reaches terminals, logs and
    pages: a line break would forge a line of ``timeline log``, a control character
    (an escape sequence) would drive a terminal."""
    if value is None:
        return
    if not value.strip():
        raise InvalidField((attribute.name,), "must not be empty")
    _no_controls((attribute.name,), value, allowed="")


def _paragraph(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """Text that may run over lines (a quote, a note): line breaks and tabs allowed."""
    if value is None:
        return
    if not value.strip():
        raise InvalidField((attribute.name,), "must not be empty")
    _no_controls((attribute.name,), value, allowed="\t\n\r")


# Line breaks and control characters (C0, DEL, C1, and Unicode's line and paragraph
# separators); a paragraph may hold tabs and line breaks. Searched by regex: every text
# field of every event passes here on a cold load.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PARAGRAPH_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _no_controls(field: tuple[str | int, ...], value: str, allowed: str) -> None:
    found = (_PARAGRAPH_CONTROLS if allowed else _CONTROLS).search(value)
    if found is None:
        return
    character = found.group()
    kind = "a line break" if character in "\n\r\u2028\u2029" else "a control character"
    where = "" if allowed else "; this field is one line"
    raise InvalidField(field, f"contains {kind} ({character!r}), which is not allowed{where}")


def _slug(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _SLUG.fullmatch(value):
        raise InvalidField(
            (attribute.name,),
            f"{value!r} is not a slug: use lower-case letters, digits and single hyphens,"
            " like 'mark-rutte'",
        )


def _member(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        try:
            check_member(value)
        except ValueError as exc:
            raise InvalidField((attribute.name,), str(exc)) from None


def _country(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        try:
            check_member(value)
        except ValueError as exc:
            raise InvalidField((attribute.name,), str(exc)) from None
        if not is_country(value):
            raise InvalidField(
                (attribute.name,), f"{value!r} is not an ISO 3166-1 alpha-2 country code"
            )


def _members(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, code in enumerate(value):
        try:
            check_member(code)
        except ValueError as exc:
            raise InvalidField((attribute.name, index), str(exc)) from None
        if code in seen:
            raise InvalidField((attribute.name, index), f"member {code!r} is listed twice")
        seen.add(code)


def _nonempty(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Any]) -> None:
    if not value:
        raise InvalidField((attribute.name,), "must list at least one entry")


def _texts(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str]) -> None:
    for index, text in enumerate(value):
        if not text.strip():
            raise InvalidField((attribute.name, index), "must not be empty")
        _no_controls((attribute.name, index), text, allowed="")


#: Metadata key of the JSON Schema keywords a field adds to its type's (see ``schema.py``).
SCHEMA = "json_schema"
_TEXT = {"$ref": "#/$defs/text"}
_MEMBER = {"$ref": "#/$defs/member"}
_COUNTRY = {"$ref": "#/$defs/country"}


_SLUG_REF = {"$ref": "#/$defs/slug"}


def _slug_field() -> Any:
    return attrs.field(validator=_slug, metadata={SCHEMA: {"$ref": "#/$defs/slug"}})


def _text_field(**kwargs: Any) -> Any:
    return attrs.field(validator=_text, metadata={SCHEMA: _TEXT}, **kwargs)


def _paragraph_field(**kwargs: Any) -> Any:
    return attrs.field(validator=_paragraph, metadata={SCHEMA: _TEXT}, **kwargs)


def _member_field(**kwargs: Any) -> Any:
    return attrs.field(validator=_member, metadata={SCHEMA: _MEMBER}, **kwargs)


def _country_field(**kwargs: Any) -> Any:
    return attrs.field(validator=_country, metadata={SCHEMA: _COUNTRY}, **kwargs)


def _members_field(*, required: bool, **kwargs: Any) -> Any:
    validators = [_nonempty, _members] if required else [_members]
    schema = {"items": _MEMBER, "uniqueItems": True, "minItems": 1 if required else 0}
    return attrs.field(validator=validators, metadata={SCHEMA: schema}, **kwargs)


def _texts_field(*, required: bool, **kwargs: Any) -> Any:
    validators = [_nonempty, _texts] if required else [_texts]
    schema = {"items": _TEXT, "minItems": 1 if required else 0}
    return attrs.field(validator=validators, metadata={SCHEMA: schema}, **kwargs)


def _count(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidField((attribute.name,), f"{value} is negative; a count is 0 or more")


def _count_field(**kwargs: Any) -> Any:
    return attrs.field(validator=_count, metadata={SCHEMA: {"$ref": "#/$defs/count"}}, **kwargs)


def _slugs(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str] | None) -> None:
    seen: set[str] = set()
    for index, text in enumerate(value or ()):
        if not _SLUG.fullmatch(text):
            raise InvalidField(
                (attribute.name, index),
                f"{text!r} is not a slug: use lower-case letters, digits and single hyphens",
            )
        if text in seen:
            raise InvalidField((attribute.name, index), f"{text!r} is listed twice")
        seen.add(text)


@attrs.frozen(kw_only=True)
class Weight:
    """One named weight of a member (endorsement points, population, votes held): a whole
    number. Written as ``name: value`` in a member's ``weights`` mapping."""

    name: str = _slug_field()
    value: int = _count_field()


def _weights(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Weight]) -> None:
    names = [weight.name for weight in value]
    for index, name in enumerate(names):
        if name == "members":
            raise InvalidField(
                (attribute.name, name), "'members' counts members; name a weight otherwise"
            )
        if name in names[:index]:
            raise InvalidField((attribute.name, name), f"weight {name!r} is given twice")


@attrs.frozen(kw_only=True)
class Member:
    """A member of an electorate: its identifier, and what else is known of it.

    Written as the bare identifier (``- GB``) when there is nothing else, or as a
    mapping (``- {id: M001165, name: McCarthy, groups: [republican]}``). ``weights``
    are named whole numbers (``{points: 8}``); ``groups`` are slugs
    (``[permanent]``). In an ``electorate_change``'s ``changed`` list, a field left
    out stays as it was, and the weights given replace those of the same name.
    """

    id: str = _member_field()
    name: str | None = _text_field(default=None)
    weights: tuple[Weight, ...] = attrs.field(
        default=(),
        validator=_weights,
        metadata={SCHEMA: {"description": "Named whole numbers, e.g. points: 8."}},
    )
    groups: tuple[str, ...] | None = attrs.field(
        default=None,
        validator=_slugs,
        metadata={SCHEMA: {"items": {"$ref": "#/$defs/slug"}, "uniqueItems": True}},
    )

    @property
    def bare(self) -> bool:
        """True when nothing is known of the member but its identifier."""
        return self.name is None and not self.weights and self.groups is None

    def weight(self, name: str) -> int:
        """The weight called ``name`` (0 when the member has none of that name)."""
        return next((w.value for w in self.weights if w.name == name), 0)


def _member_records(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Member]) -> None:
    seen: set[str] = set()
    for index, member in enumerate(value):
        if member.id in seen:
            raise InvalidField((attribute.name, index), f"member {member.id!r} is listed twice")
        seen.add(member.id)


def as_members(value: Iterable[Member | str]) -> tuple[Member, ...]:
    """Members, each given as a :class:`Member` or as its bare identifier."""
    return tuple(Member(id=m) if isinstance(m, str) else m for m in value)


def _member_records_field(**kwargs: Any) -> Any:
    return attrs.field(
        converter=as_members, validator=_member_records, metadata={SCHEMA: {}}, **kwargs
    )


class ConditionKind(enum.Enum):
    """What a member's condition is the price of."""

    SUPPORT = "support"
    NOT_BLOCKING = "not_blocking"


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
    publisher: str | None = _text_field(default=None)
    published: Date | None = None
    record: str | None = _text_field(default=None)
    retrieved: Date | None = None
    quote: str | None = _paragraph_field(default=None)

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

    claim: str = _text_field()
    field: str | None = _text_field(default=None)


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

    id: str = _slug_field()
    race: str = _slug_field()
    date: Date
    summary: str = _text_field()
    sources: tuple[Citation, ...] = attrs.field(
        validator=_nonempty, metadata={SCHEMA: {"minItems": 1}}
    )
    dissent: tuple[Dissent, ...] = attrs.field(default=(), validator=_disputed_fields)
    note: str | None = _paragraph_field(default=None)


@attrs.frozen(kw_only=True)
class Opening(Event):
    """The race opens: the office, who decides (the electorate) and how (the rule).

    The electorate is a list of members, or, when its members are not known one by
    one (a party's postal voters), only its ``size``.
    """

    TYPE: ClassVar[str] = "opening"

    office: str = _text_field()
    electorate: tuple[Member, ...] = _member_records_field(default=())
    size: int | None = _count_field(default=None)
    rule: Rule
    incumbent: str | None = _text_field(default=None)
    incumbent_since: Date | None = None
    vacancy: Date | None = None

    def __attrs_post_init__(self) -> None:
        if bool(self.electorate) == (self.size is not None):
            raise InvalidField(
                ("electorate",),
                "list the electorate's members, or give only its 'size' when they are not"
                " known one by one",
            )

    @property
    def member_ids(self) -> tuple[str, ...]:
        """The identifiers of the members listed."""
        return tuple(member.id for member in self.electorate)


@attrs.frozen(kw_only=True)
class ElectorateChange(Event):
    """Members join or leave the electorate (Sweden joined NATO on 2024-03-07), what is
    known of a member changes (a new weight, another group), or the size of an electorate
    known only by its size changes."""

    TYPE: ClassVar[str] = "electorate_change"

    joined: tuple[Member, ...] = _member_records_field(default=())
    left: tuple[str, ...] = _members_field(required=False, default=())
    changed: tuple[Member, ...] = _member_records_field(default=())
    size: int | None = _count_field(default=None)

    def __attrs_post_init__(self) -> None:
        if not self.joined and not self.left and not self.changed and self.size is None:
            raise InvalidField(
                ("joined",),
                "name at least one member that 'joined', 'left' or 'changed', or a new 'size'",
            )
        joined = {member.id for member in self.joined}
        both = sorted(joined & set(self.left))
        if both:
            raise InvalidField(("left",), f"{', '.join(both)} cannot both join and leave")
        moved = sorted((joined | set(self.left)) & {member.id for member in self.changed})
        if moved:
            raise InvalidField(
                ("changed",), f"{', '.join(moved)} joins or leaves: write it there, once"
            )


@attrs.frozen(kw_only=True)
class Stage(Event):
    """The race moves to another body and rule and keeps its candidates.

    A party's MPs eliminate candidates in rounds, then the party's members choose between
    the last two. The new ``electorate`` (or its ``size``) replaces the old one: backings
    and stances of members not in it end. Ballots go on being numbered in the race's
    order; the rule of the stage is applied to the stage's own ballots only.
    """

    TYPE: ClassVar[str] = "stage"

    body: str = _text_field()
    electorate: tuple[Member, ...] = _member_records_field(default=())
    size: int | None = _count_field(default=None)
    rule: Rule

    def __attrs_post_init__(self) -> None:
        if bool(self.electorate) == (self.size is not None):
            raise InvalidField(
                ("electorate",),
                "list the new body's members, or give only its 'size' when they are not"
                " known one by one",
            )

    @property
    def member_ids(self) -> tuple[str, ...]:
        """The identifiers of the members listed."""
        return tuple(member.id for member in self.electorate)


@attrs.frozen(kw_only=True)
class Mention(Event):
    """A person is reported as a possible candidate without a formal candidacy."""

    TYPE: ClassVar[str] = "mention"

    candidate: str = _slug_field()
    name: str = _text_field()
    country: str | None = _country_field(default=None)
    member: str | None = _member_field(default=None)


@attrs.frozen(kw_only=True)
class Candidacy(Event):
    """A candidate enters the race; ``put_forward_by`` backs them from this date."""

    TYPE: ClassVar[str] = "candidacy"

    candidate: str = _slug_field()
    name: str = _text_field()
    country: str | None = _country_field(default=None)
    put_forward_by: str | None = _member_field(default=None)
    member: str | None = _member_field(default=None)


@attrs.frozen(kw_only=True)
class Condition(Event):
    """A member states what its support, or its not blocking, depends on."""

    TYPE: ClassVar[str] = "condition"

    member: str = _member_field()
    candidate: str = _slug_field()
    kind: ConditionKind
    conditions: tuple[str, ...] = _texts_field(required=True)


@attrs.frozen(kw_only=True)
class Endorsement(Event):
    """One member, or a reported group of members, backs a candidate."""

    TYPE: ClassVar[str] = "endorsement"

    members: tuple[str, ...] = _members_field(required=True)
    candidate: str = _slug_field()
    conditions: tuple[str, ...] = _texts_field(required=False, default=())


class Position(enum.Enum):
    """A stance other than support (support is an ``endorsement``)."""

    OPPOSE = "oppose"  # against the candidate: a veto, where the member's group holds one
    ABSTAIN = "abstain"  # declares it takes no side on the candidate
    NONE = "none"  # drops its backing of (or stance on) the candidate, backing no one else


@attrs.frozen(kw_only=True)
class Stance(Event):
    """Members oppose a candidate, abstain on it, or no longer back it (``none``).

    ``none`` is "no longer endorses": the backing ends without a switch to anyone else.

    Opposing or abstaining ends a member's backing of that candidate; backing it again
    (an endorsement) ends the stance.
    """

    TYPE: ClassVar[str] = "stance"

    members: tuple[str, ...] = _members_field(required=True)
    candidate: str = _slug_field()
    stance: Position


class Vote(enum.Enum):
    """How a member voted on a ballot."""

    FOR = "for"  # for the candidate named (in a straw poll: encourage)
    AGAINST = "against"  # only in a straw poll: discourage
    ABSTAIN = "abstain"  # present, voting for no one (in a straw poll: no opinion)
    ABSENT = "absent"  # did not vote


class BallotKind(enum.Enum):
    """What a ballot asks."""

    VOTE = "vote"  # each member votes for one person, or abstains; it can decide the race
    STRAW_POLL = "straw_poll"  # each member says for, against or no opinion of each
    # candidate; it shows where the race stands and decides nothing


@attrs.frozen(kw_only=True)
class Tally:
    """One line of a ballot's result: how ``members`` (a roll call) voted, or only how
    many did (``count``: a secret ballot), optionally counted within a ``group``.

    ``candidate`` names who the votes are for (for and against); a person the race does
    not know yet (a vote for someone who is not a candidate) needs a ``name``, and
    ``member`` when that person is a member of the electorate.
    """

    candidate: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_slug), metadata={SCHEMA: _SLUG_REF}
    )
    vote: Vote = Vote.FOR
    members: tuple[str, ...] = _members_field(required=False, default=())
    count: int | None = _count_field(default=None)
    group: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_slug), metadata={SCHEMA: _SLUG_REF}
    )
    name: str | None = _text_field(default=None)
    member: str | None = _member_field(default=None)

    def __attrs_post_init__(self) -> None:
        if bool(self.members) == (self.count is not None):
            raise InvalidField(
                ("members",), "give the 'members' who voted so, or only their 'count'"
            )
        if self.group is not None and self.count is None:
            raise InvalidField(("group",), "a roll call names its members: no 'group' count")
        if self.vote in (Vote.FOR, Vote.AGAINST) and self.candidate is None:
            raise InvalidField(("candidate",), f"a vote {self.vote.value!r} names its 'candidate'")
        if (self.name is not None or self.member is not None) and self.vote is not Vote.FOR:
            raise InvalidField(("name",), "'name' and 'member' are for the person voted for")

    @property
    def size(self) -> int:
        """How many voted so: the members named, or the count."""
        return len(self.members) if self.count is None else self.count

    @property
    def key(self) -> tuple[str | None, Vote, str | None]:
        """What this line counts: (candidate, vote, group)."""
        return (self.candidate, self.vote, self.group)


def _tallies(instance: Any, attribute: attrs.Attribute[Any], value: Sequence[Tally]) -> None:
    if not value:
        raise InvalidField((attribute.name,), "must list at least one entry")
    seen: set[tuple[str | None, Vote, str | None]] = set()
    roll_call = bool(value[0].members)
    for index, tally in enumerate(value):
        if bool(tally.members) != roll_call:
            raise InvalidField(
                (attribute.name, index),
                "a ballot gives each member's vote (members) or only counts, not both",
            )
        if tally.key in seen:
            raise InvalidField((attribute.name, index), "this line repeats an earlier one")
        seen.add(tally.key)
        straw = instance.kind is BallotKind.STRAW_POLL
        if straw and tally.candidate is None:
            raise InvalidField(
                (attribute.name, index, "candidate"),
                "a straw poll counts votes on each candidate: name the 'candidate'",
            )
        if not straw and tally.vote is Vote.AGAINST:
            raise InvalidField(
                (attribute.name, index, "vote"), "only a straw poll has votes 'against'"
            )
        if not straw and tally.vote is not Vote.FOR and tally.candidate is not None:
            raise InvalidField(
                (attribute.name, index, "candidate"),
                f"a vote {tally.vote.value!r} is for no one: leave out 'candidate'",
            )


@attrs.frozen(kw_only=True)
class Ballot(Event):
    """A ballot of the electorate: each member's vote (a roll call) or only the counts (a
    secret ballot). Ballots are numbered in order within a race (or a stage); several may
    fall on one day. A ballot whose result meets the rule decides the race."""

    TYPE: ClassVar[str] = "ballot"

    number: int = _count_field()
    kind: BallotKind = BallotKind.VOTE
    record: str | None = _text_field(default=None)
    votes: tuple[Tally, ...] = attrs.field(validator=_tallies, metadata={SCHEMA: {"minItems": 1}})
    eliminated: tuple[str, ...] = attrs.field(
        default=(), validator=_slugs, metadata={SCHEMA: {"items": _SLUG_REF, "uniqueItems": True}}
    )

    @property
    def roll_call(self) -> bool:
        """True when the ballot gives each member's vote."""
        return bool(self.votes[0].members)


_SHARE = re.compile(r"(?P<p>[0-9]{1,4})/(?P<q>[0-9]{1,4})|(?P<percent>[0-9]{1,3})%")


def _share(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    found = _SHARE.fullmatch(value)
    if found is None or (found["q"] is not None and not 0 < int(found["p"]) <= int(found["q"])):
        raise InvalidField(
            (attribute.name,), f"{value!r} is not a share: write a fraction (2/3) or a percentage"
        )
    if found["percent"] is not None and not 0 < int(found["percent"]) <= 100:
        raise InvalidField((attribute.name,), f"{value!r} is not a percentage from 1 to 100")


@attrs.frozen(kw_only=True)
class UnnamedSupport(Event):
    """A report that members, not named, back a candidate: a count or a share.

    "Approximately 16 other NATO members", "two-thirds of the allies". It is kept as
    what it is: a reported count (or share) of the electorate, besides the members it
    names as counted apart. It never adds a backer, and the rule never counts it;
    ``timeline state`` shows the latest such report of each candidate.
    """

    TYPE: ClassVar[str] = "unnamed_support"

    candidate: str = _slug_field()
    count: int | None = _count_field(default=None)
    share: str | None = attrs.field(
        default=None,
        validator=_share,
        metadata={SCHEMA: {"type": "string", "pattern": "^([0-9]{1,4}/[0-9]{1,4}|[0-9]{1,3}%)$"}},
    )
    approximate: bool = False
    besides: tuple[str, ...] = _members_field(required=False, default=())

    def __attrs_post_init__(self) -> None:
        if (self.count is None) == (self.share is None):
            raise InvalidField(
                ("count",), "give the reported 'count' of members, or their 'share' (2/3)"
            )


class ContextKind(enum.Enum):
    """What a context event records."""

    MEETING = "meeting"  # two or more parties meet
    SUMMIT = "summit"  # a summit or conference of the body
    DEADLINE = "deadline"  # a date the body aims to decide by, or must
    ASSESSMENT = "assessment"  # what observers say of the race (a possible obstacle)
    LEAVES_POST = "leaves_post"  # a candidate leaves another post
    TAKES_OFFICE = "takes_office"  # the appointed candidate takes office
    TERM = "term"  # the term of the office
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Context(Event):
    """Something around the race that is not a change of it.

    A summit, a deadline, a meeting, what observers expect, a candidate leaving another
    post. It is shown on the timeline, the site and the exports and changes no state.

    ``candidate`` and ``members`` name who it concerns, when anyone; ``about`` is the day
    it is about when that differs from the day it was reported (a summit announced for
    later).
    """

    TYPE: ClassVar[str] = "context"

    kind: ContextKind
    candidate: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_slug), metadata={SCHEMA: _SLUG_REF}
    )
    members: tuple[str, ...] = _members_field(required=False, default=())
    about: Date | None = None


@attrs.frozen(kw_only=True)
class Withdrawal(Event):
    """A candidate leaves the race."""

    TYPE: ClassVar[str] = "withdrawal"

    candidate: str = _slug_field()


@attrs.frozen(kw_only=True)
class Appointment(Event):
    """The electorate's decision: the candidate is appointed to the office."""

    TYPE: ClassVar[str] = "appointment"

    candidate: str = _slug_field()
    takes_office: Date | None = None
    term: str | None = _text_field(default=None)


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """An event already merged was wrong: from this event's date on, it never happened."""

    TYPE: ClassVar[str] = "retraction"

    retracts: str = _slug_field()
    reason: str = _text_field()

    @property
    def target(self) -> str:
        """The id of the event superseded."""
        return self.retracts


def _replacement(instance: Any, attribute: attrs.Attribute[Any], value: Event) -> None:
    if isinstance(value, Retraction | Correction):
        raise InvalidField(
            (attribute.name, "type"), "a correction cannot replace with a correction"
        )
    if value.id != instance.corrects or value.race != instance.race:
        raise InvalidField(
            (attribute.name,), "the replacement keeps the corrected event's id and race"
        )


@attrs.frozen(kw_only=True)
class Correction(Event):
    """An event already merged was wrong: from this event's date on, ``replacement`` stands
    in its place. The replacement is a whole event of any fact type, with its own date and
    sources; it keeps the corrected event's id and race, which are not written again."""

    TYPE: ClassVar[str] = "correction"

    corrects: str = _slug_field()
    reason: str = _text_field()
    replacement: Event = attrs.field(validator=_replacement)

    @property
    def target(self) -> str:
        """The id of the event superseded."""
        return self.corrects


#: Event types that supersede an earlier event instead of stating a fact.
SUPERSEDING: tuple[type[Event], ...] = (Retraction, Correction)

#: Event types by their ``type:`` name, in tie-break order: on the same date an
#: opening replays first and an appointment last (see ``fold.replay_key``).
EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        Opening,
        Stage,
        ElectorateChange,
        Mention,
        Candidacy,
        Condition,
        Endorsement,
        Stance,
        UnnamedSupport,
        Ballot,
        Withdrawal,
        Appointment,
        Context,
        Retraction,
        Correction,
    )
}
