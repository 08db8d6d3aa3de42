"""Decision rules as data: what is counted, out of what, and how much is enough.

A race's rule is a value, written in its opening (or a later stage) either by name
or as a mapping::

    rule: consensus                  # every member backs one candidate
    rule: majority                   # more than half of the electorate
    rule: none                       # a tracker: nothing decides, candidates are ranked
    rule:                            # the Speaker of the US House
      threshold: more than 1/2
      of: votes                      # the votes cast for a person
    rule:                            # an EU-style qualified majority
      threshold: at least 55%
      also:
        - threshold: at least 65%
          count: population          # a weight every member carries
    rule:                            # a council: 9 of 15, and no permanent member against
      threshold: at least 9
      veto: permanent
    rule:                            # rounds: below 30 votes out, then the lowest out
      threshold: more than 1/2
      of: votes
      eliminate: {below: 30, lowest_until: 2}

Rule 1: the arithmetic is exact (whole numbers and fractions, never floats).
Rule 2: everything here is pure: a rule is applied to a :class:`Counts` (standing
support or one ballot), which the state module builds.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from fractions import Fraction
from typing import Any, ClassVar, Protocol

import attrs

from timeline.errors import InvalidField

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: ``all``, or ``more than`` / ``at least`` a fraction (``1/2``), a percentage (``55%``,
#: ``62.5%``) or a count of what is counted (``9``).
_THRESHOLD = re.compile(
    r"all|(?P<op>more than|at least) (?:(?P<p>[0-9]{1,9})/(?P<q>[0-9]{1,9})"
    r"|(?P<percent>[0-9]{1,3}(?:\.[0-9]{1,6})?)%|(?P<count>[0-9]{1,15}))"
)


class Base(enum.Enum):
    """What a count is out of."""

    ELECTORATE = "electorate"  # every member (or the electorate's size)
    VOTES = "votes"  # the votes cast for a person (present and absent do not count)


@attrs.frozen
class Threshold:
    """A parsed threshold: ``all``, or ``more than`` / ``at least`` an amount, which is a
    share of the base (a fraction) or a count."""

    strict: bool  # more than (True) or at least (False); ``all`` is at least 1/1
    share: Fraction | None  # a share of the base
    count: int | None  # or a count

    def met(self, count: int, base: int) -> bool:
        """True when ``count`` (out of ``base``) reaches this threshold."""
        return count >= self.needed(base) and (self.count is not None or base > 0)

    def needed(self, base: int) -> int:
        """The smallest count that reaches this threshold out of ``base``."""
        if self.count is not None:
            return self.count + 1 if self.strict else self.count
        assert self.share is not None
        amount = self.share * base
        if self.strict:
            return math.floor(amount) + 1
        return math.ceil(amount)


def parse_threshold(text: str) -> Threshold:
    """The :class:`Threshold` ``text`` writes; ``ValueError`` if it is not one."""
    found = _THRESHOLD.fullmatch(text)
    if found is None:
        raise ValueError(
            f"{text!r} is not a threshold: write 'all', 'more than 1/2', 'at least 55%'"
            " or 'at least 9'"
        )
    if text == "all":
        return Threshold(False, Fraction(1), None)
    strict = found["op"] == "more than"
    if found["count"] is not None:
        return Threshold(strict, None, int(found["count"]))
    if found["percent"] is not None:
        share = Fraction(found["percent"]) / 100
    else:
        if int(found["q"]) == 0:
            raise ValueError(f"{text!r} divides by zero")
        share = Fraction(int(found["p"]), int(found["q"]))
    if share > 1:
        raise ValueError(f"{text!r} asks for more than the whole")
    return Threshold(strict, share, None)


def _threshold(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        try:
            parse_threshold(value)
        except ValueError as exc:
            raise InvalidField((attribute.name,), str(exc)) from None


def _slug(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _SLUG.fullmatch(value):
        raise InvalidField(
            (attribute.name,),
            f"{value!r} is not a slug: use lower-case letters, digits and single hyphens",
        )


#: Metadata key of the JSON Schema keywords a field adds (as in ``events.py``).
SCHEMA = "json_schema"
_THRESHOLD_SCHEMA = {
    "type": "string",
    "pattern": (
        "^(all|(more than|at least) ([0-9]{1,9}/[0-9]{1,9}|[0-9]{1,3}(\\.[0-9]{1,6})?%"
        "|[0-9]{1,15}))$"
    ),
    "description": "all, more than 1/2, at least 55%, at least 9",
}


@attrs.frozen(kw_only=True)
class Criterion:
    """One test a candidate must pass: ``threshold`` of ``count`` (members, or the name of
    a weight) out of ``of`` (the electorate, or the votes cast for a person)."""

    threshold: str = attrs.field(validator=_threshold, metadata={SCHEMA: _THRESHOLD_SCHEMA})
    count: str = attrs.field(default="members", validator=_slug)
    of: Base = Base.ELECTORATE

    @functools.cached_property
    def parsed(self) -> Threshold:
        """The threshold, parsed."""
        return parse_threshold(self.threshold)


@attrs.frozen(kw_only=True)
class Elimination:
    """Who leaves after a ballot that decides nothing: candidates with fewer votes than
    ``below``; and the one with the fewest votes, while more than ``lowest_until``
    remain."""

    below: int | None = attrs.field(default=None, metadata={SCHEMA: {"$ref": "#/$defs/count"}})
    lowest_until: int | None = attrs.field(
        default=None, metadata={SCHEMA: {"$ref": "#/$defs/count"}}
    )

    def __attrs_post_init__(self) -> None:
        if self.below is None and self.lowest_until is None:
            raise InvalidField(("below",), "give 'below', 'lowest_until' or both")


class Counts(Protocol):
    """What a rule is applied to: standing support, or one ballot."""

    def count(self, candidate: str, weight: str) -> int:
        """What ``candidate`` has: members (``weight`` is ``members``) or their weight."""

    def base(self, weight: str, of: Base) -> int:
        """What a count is out of."""

    def vetoed(self, candidate: str, group: str) -> bool:
        """True when a member of ``group`` is against ``candidate``."""


@attrs.frozen(kw_only=True)
class Rule:
    """How a race is decided; see the module's docstring. A rule without a threshold
    decides nothing (a tracker): candidates are only ranked, by ``count``."""

    NAMES: ClassVar[tuple[str, ...]] = ("consensus", "majority", "none")
    CONSENSUS: ClassVar[Rule]
    MAJORITY: ClassVar[Rule]
    NONE: ClassVar[Rule]

    name: str | None = attrs.field(default=None, metadata={SCHEMA: {"enum": list(NAMES)}})
    threshold: str | None = attrs.field(
        default=None, validator=_threshold, metadata={SCHEMA: _THRESHOLD_SCHEMA}
    )
    count: str = attrs.field(default="members", validator=_slug)
    of: Base = Base.ELECTORATE
    also: tuple[Criterion, ...] = ()
    veto: str | None = attrs.field(default=None, validator=_slug)
    eliminate: Elimination | None = None

    def __attrs_post_init__(self) -> None:
        if self.name is not None and attrs.evolve(self, name=None) != named(self.name):
            raise InvalidField(("name",), f"{self.name!r} names another rule")
        if self.threshold is None and (self.also or self.veto is not None):
            raise InvalidField(("threshold",), "a rule with 'also' or 'veto' needs a threshold")

    @property
    def value(self) -> str:
        """The rule in a few words: its name, or what it asks for."""
        if self.name is not None:
            return self.name
        if self.threshold is None:
            return "none" if self.count == "members" else f"none (ranked by {self.count})"
        parts = [_phrase(test) for test in self.criteria]
        text = " and ".join(parts)
        if self.veto is not None:
            text += f", no {self.veto} member against"
        return text

    @functools.cached_property  # the tests made once (each parses its threshold once)
    def criteria(self) -> tuple[Criterion, ...]:
        """Every test a candidate must pass (none for a tracker)."""
        if self.threshold is None:
            return ()
        return (Criterion(threshold=self.threshold, count=self.count, of=self.of), *self.also)

    @property
    def decides(self) -> bool:
        """False for a tracker, which only ranks candidates."""
        return self.threshold is not None

    def met(self, candidate: str, tally: Counts) -> bool:
        """True when ``candidate`` passes every test and no veto stops it."""
        if not self.decides:
            return False
        for test in self.criteria:
            if not test.parsed.met(
                tally.count(candidate, test.count), tally.base(test.count, test.of)
            ):
                return False
        return self.veto is None or not tally.vetoed(candidate, self.veto)

    def needed(self, tally: Counts) -> int | None:
        """What the first test asks for (in its count) out of the tally's base."""
        if not self.decides:
            return None
        test = self.criteria[0]
        return test.parsed.needed(tally.base(test.count, test.of))


def _phrase(test: Criterion) -> str:
    if test.of is Base.VOTES:
        counted = "votes" if test.count == "members" else f"{test.count} of the votes"
        return f"{test.threshold} of the {counted} cast for a person"
    counted = "" if test.count == "members" else f"'s {test.count}"
    return f"{test.threshold} of the electorate{counted}"


def named(name: str) -> Rule:
    """The rule called ``name`` (consensus, majority or none)."""
    if name == "consensus":
        return Rule(name=None, threshold="all")
    if name == "majority":
        return Rule(name=None, threshold="more than 1/2")
    if name == "none":
        return Rule(name=None)
    raise ValueError(f"{name!r} is not one of: {', '.join(Rule.NAMES)}")


Rule.CONSENSUS = Rule(name="consensus", threshold="all")
Rule.MAJORITY = Rule(name="majority", threshold="more than 1/2")
Rule.NONE = Rule(name="none")
