"""The state of a race: immutable values, and what follows from them.

:class:`RaceState` is what the fold produces and nothing else writes. The
facts it stores are the ones events establish (who is in the electorate, who
backs whom, on what conditions); the answers people ask for (the leader, the
holdouts, whether the rule is met) are derived properties, never stored, so
they cannot disagree with the facts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import attrs

from timeline.dates import Date
from timeline.events import ConditionKind, Rule

#: The decision rules as data: (members backing the leader, electorate size) -> met?
RULES: dict[Rule, Callable[[int, int], bool]] = {
    Rule.CONSENSUS: lambda backing, size: size > 0 and backing == size,
    Rule.MAJORITY: lambda backing, size: 2 * backing > size,
}


class Status(enum.Enum):
    """Where a candidate stands."""

    MENTIONED = "mentioned"  # reported as possible, no formal candidacy
    DECLARED = "declared"
    WITHDRAWN = "withdrawn"
    APPOINTED = "appointed"


#: Statuses in which a candidate can still gain backers and lead the race.
ACTIVE = frozenset({Status.MENTIONED, Status.DECLARED, Status.APPOINTED})


@attrs.frozen
class Backing:
    """One member's support for a candidate, with its conditions and provenance."""

    member: str
    conditions: tuple[str, ...] = ()
    since: str = ""  # the id of the event that started this backing


@attrs.frozen
class StatedCondition:
    """Conditions a member set on a candidate it does not (yet) back."""

    member: str
    kind: ConditionKind
    conditions: tuple[str, ...]
    event: str


@attrs.frozen
class Candidate:
    """A person in the race, with the members backing them (sorted by member)."""

    id: str
    name: str
    status: Status
    country: str | None = None
    put_forward_by: str | None = None
    backers: tuple[Backing, ...] = ()
    stated_conditions: tuple[StatedCondition, ...] = ()
    entered: str = ""  # the id of the event that first named the candidate

    def backing(self, member: str) -> Backing | None:
        """The backing of ``member``, if it backs this candidate."""
        return next((b for b in self.backers if b.member == member), None)


@attrs.frozen
class RaceState:
    """The state of one race after replaying some of its events."""

    race: str
    office: str | None = None
    rule: Rule | None = None
    electorate: frozenset[str] = frozenset()
    candidates: tuple[Candidate, ...] = ()  # in order of entry into the race
    appointed: str | None = None
    takes_office: Date | None = None
    incumbent: str | None = None
    vacancy: Date | None = None
    applied: int = 0  # how many events were replayed
    last_event: str | None = None  # the id of the last one

    @property
    def opened(self) -> bool:
        """True once the race's opening event has been replayed."""
        return self.rule is not None

    def candidate(self, candidate_id: str) -> Candidate | None:
        """The candidate with this id, if known."""
        return next((c for c in self.candidates if c.id == candidate_id), None)

    def backers_in_electorate(self, candidate: Candidate) -> frozenset[str]:
        """Members backing ``candidate`` that belong to the electorate."""
        return frozenset(b.member for b in candidate.backers) & self.electorate

    @property
    def leader(self) -> Candidate | None:
        """The appointed candidate; else the active one with most backers, if any has one.

        Ties go to the candidate who entered the race earlier.
        """
        if self.appointed is not None:
            return self.candidate(self.appointed)
        active = [c for c in self.candidates if c.status in ACTIVE]
        if not any(self.backers_in_electorate(c) for c in active):
            return None
        return max(
            active, key=lambda c: (len(self.backers_in_electorate(c)), -self.candidates.index(c))
        )

    @property
    def holdouts(self) -> tuple[str, ...]:
        """Members of the electorate not backing the leader, sorted."""
        leader = self.leader
        if leader is None:
            return ()
        return tuple(sorted(self.electorate - self.backers_in_electorate(leader)))

    def meets_rule(self, candidate_id: str) -> bool:
        """True when the candidate is active and its backing meets the decision rule."""
        candidate = self.candidate(candidate_id)
        if candidate is None or candidate.status not in ACTIVE or self.rule is None:
            return False
        backing = len(self.backers_in_electorate(candidate))
        return RULES[self.rule](backing, len(self.electorate))

    @property
    def decided(self) -> bool:
        """True when some active candidate's backing meets the decision rule.

        Under consensus or majority at most one candidate can meet it, and
        that candidate is then the leader.
        """
        return any(self.meets_rule(c.id) for c in self.candidates)
