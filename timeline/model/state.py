"""The state of a race: immutable values, and what follows from them.

:class:`RaceState` is what the fold produces and nothing else writes. The
facts it stores are the ones events establish (who is in the electorate, who
backs whom, on what conditions); the answers people ask for (the leader, the
holdouts, whether the rule is met) are derived properties, never stored, so
they cannot disagree with the facts.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping

import attrs

from timeline.model.dates import Date
from timeline.model.events import Ballot, BallotKind, ConditionKind, Member, Position, Vote
from timeline.model.rules import Base, Counts, Rule


class Status(enum.Enum):
    """Where a candidate stands."""

    MENTIONED = "mentioned"  # reported as possible, no formal candidacy
    DECLARED = "declared"
    WITHDRAWN = "withdrawn"
    APPOINTED = "appointed"
    ELIMINATED = "eliminated"  # by a ballot, or by the rule after one


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
class StanceHeld:
    """A member's stance on a candidate other than support: it opposes or abstains."""

    member: str
    stance: Position  # oppose or abstain
    event: str  # the id of the event that took it


@attrs.frozen
class UnnamedReport:
    """The latest report that members not named back a candidate: ``count`` members (or
    a ``share`` of the electorate), perhaps ``approximate``, besides the members in
    ``besides``. It adds no backer and the rule never counts it."""

    count: int | None
    share: str | None
    approximate: bool
    besides: tuple[str, ...]
    event: str  # the id of the event that reported it


@attrs.frozen
class Candidate:
    """A person in the race, with the members backing them (sorted by member)."""

    id: str
    name: str
    status: Status
    country: str | None = None
    put_forward_by: str | None = None
    member: str | None = None  # the candidate is this member of the electorate
    backers: tuple[Backing, ...] = ()
    stated_conditions: tuple[StatedCondition, ...] = ()
    entered: str = ""  # the id of the event that first named the candidate
    stances: tuple[StanceHeld, ...] = ()  # members opposing or abstaining, sorted by member
    unnamed: UnnamedReport | None = None  # the latest report of backers not named

    def members_taking(self, stance: Position) -> tuple[str, ...]:
        """The members that take ``stance`` (oppose or abstain) on this candidate."""
        return tuple(s.member for s in self.stances if s.stance is stance)

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
    term: str | None = None  # the appointed candidate's term, as reported
    incumbent: str | None = None
    incumbent_since: Date | None = None
    vacancy: Date | None = None
    applied: int = 0  # how many events were replayed
    last_event: str | None = None  # the id of the last one
    # what is known of members beyond their identifier (name, weights, groups), by id
    records: tuple[Member, ...] = ()
    size: int | None = None  # the size of an electorate known only by its size
    ballots: tuple[Ballot, ...] = ()  # in the order held
    body: str | None = None  # who decides now, when a stage has moved the race to a body
    stage_start: int = 0  # how many of ``ballots`` were held before the current stage

    @property
    def latest_ballot(self) -> Ballot | None:
        """The latest ballot of the current stage (None before its first)."""
        return self.ballots[-1] if len(self.ballots) > self.stage_start else None

    @functools.cached_property
    def _records_by_id(self) -> Mapping[str, Member]:
        return {record.id: record for record in self.records}

    @property
    def electorate_size(self) -> int:
        """How many members decide: the members listed, or the size given instead."""
        return self.size if self.size is not None else len(self.electorate)

    def member(self, member_id: str) -> Member | None:
        """What is known of the member ``member_id`` (None for a bare identifier, or for
        someone outside the electorate)."""
        return self._records_by_id.get(member_id)

    def weight(self, member_id: str, name: str) -> int:
        """The weight ``name`` of the member (1 for every member when ``name`` is
        ``members``; 0 when the member has no weight of that name)."""
        if name == "members":
            return 1
        record = self._records_by_id.get(member_id)
        return 0 if record is None else record.weight(name)

    def group(self, name: str) -> frozenset[str]:
        """The members of the electorate in the group ``name``."""
        return frozenset(r.id for r in self.records if r.groups and name in r.groups)

    @property
    def opened(self) -> bool:
        """True once the race's opening event has been replayed."""
        return self.rule is not None

    @functools.cached_property
    def _candidates_by_id(self) -> Mapping[str, Candidate]:
        found: dict[str, Candidate] = {}
        for candidate in self.candidates:
            found.setdefault(candidate.id, candidate)  # the first, as a search would find
        return found

    def candidate(self, candidate_id: str) -> Candidate | None:
        """The candidate with this id, if known."""
        return self._candidates_by_id.get(candidate_id)

    @functools.cached_property
    def _backing(self) -> Mapping[str, frozenset[str]]:
        """Each candidate (the one :meth:`candidate` finds) -> its backers in the electorate."""
        electorate = self.electorate
        return {
            i: frozenset(b.member for b in c.backers) & electorate
            for i, c in self._candidates_by_id.items()
        }

    def backers_in_electorate(self, candidate: Candidate) -> frozenset[str]:
        """Members backing ``candidate`` that belong to the electorate."""
        if self._candidates_by_id.get(candidate.id) is candidate:
            return self._backing[candidate.id]  # one of this state's own: computed once
        return frozenset(b.member for b in candidate.backers) & self.electorate

    @functools.cached_property
    def tally(self) -> Counts:
        """What the rule is applied to: the latest ballot once there is one, else the
        standing support."""
        latest = self.latest_ballot
        if latest is not None:
            return BallotTally(self, latest)
        return Standing(self)

    @property
    def _weight(self) -> str:
        """What the rule counts: ``members``, or the name of a weight."""
        return self.rule.count if self.rule is not None else "members"

    def score(self, candidate: Candidate) -> int:
        """What ``candidate`` has in what the rule counts (members, or a weight)."""
        return self.tally.count(candidate.id, self._weight)

    @property
    def counted(self) -> str:
        """What :meth:`score` counts, in words: ``members backing``, ``votes on ballot 15``,
        or the weight's name (``points``)."""
        counted, latest = self._weight, self.latest_ballot
        if counted != "members":
            return counted
        return f"votes on ballot {latest.number}" if latest is not None else "members backing"

    @property
    def counted_of(self) -> int:
        """What a score is out of: the electorate's size, or its total weight."""
        return Standing(self).base(self._weight, Base.ELECTORATE)

    @functools.cached_property
    def leader(self) -> Candidate | None:
        """The appointed candidate; else the active one with most backers (or most weight,
        when the rule counts a weight), if any has one.

        Ties go to the candidate who entered the race earlier.
        """
        if self.appointed is not None:
            return self.candidate(self.appointed)
        active = [c for c in self.candidates if c.status in ACTIVE]
        if self.latest_ballot is not None:
            if not any(self.score(c) for c in active):
                return None
        elif not any(self.backers_in_electorate(c) for c in active):
            return None
        return max(active, key=lambda c: (self.score(c), -self.candidates.index(c)))

    @functools.cached_property
    def holdouts(self) -> tuple[str, ...]:
        """Members of the electorate not backing the leader (in a race with ballots: not
        voting for the leader on the latest roll call), sorted."""
        leader = self.leader
        supporters = None if leader is None else self.supporters(leader)
        if supporters is None:
            return ()
        return tuple(sorted(self.electorate - supporters))

    def supporters(self, candidate: Candidate) -> frozenset[str] | None:
        """The members of the electorate behind ``candidate``: its backers; in a race with
        ballots, those who voted for it on the latest ballot (None when that ballot gives
        only counts, or is a straw poll)."""
        latest = self.latest_ballot
        if latest is None:
            return self.backers_in_electorate(candidate)
        voted = votes_of(latest)
        if not voted:
            return None
        return frozenset(m for m, vote in voted.items() if vote == candidate.id) & self.electorate

    def meets_rule(self, candidate_id: str) -> bool:
        """True when the candidate is active and its backing meets the decision rule."""
        candidate = self.candidate(candidate_id)
        if candidate is None or candidate.status not in ACTIVE or self.rule is None:
            return False
        return self.rule.met(candidate_id, self.tally)

    @functools.cached_property
    def decided(self) -> bool:
        """True when some active candidate's backing meets the decision rule.

        Under consensus or majority at most one candidate can meet it, and
        that candidate is then the leader.
        """
        return any(self.meets_rule(c.id) for c in self.candidates)


@attrs.frozen
class Standing:
    """The standing support of a race (who backs whom now) as a rule's :class:`Counts`."""

    state: RaceState

    def _backers(self, candidate: str) -> frozenset[str]:
        found = self.state.candidate(candidate)
        return frozenset() if found is None else self.state.backers_in_electorate(found)

    def _sum(self, members: frozenset[str], weight: str) -> int:
        if weight == "members":
            return len(members)
        return sum(self.state.weight(member, weight) for member in members)

    def count(self, candidate: str, weight: str) -> int:
        """The members backing ``candidate``, or their weight."""
        return self._sum(self._backers(candidate), weight)

    def base(self, weight: str, of: Base) -> int:
        """The electorate (its size, or its weight), or the members backing anyone."""
        state = self.state
        if of is Base.VOTES:
            voting = frozenset(
                b.member for c in state.candidates if c.status in ACTIVE for b in c.backers
            )
            return self._sum(voting & state.electorate, weight)
        if weight == "members":
            return state.electorate_size
        return self._sum(state.electorate, weight)

    def vetoed(self, candidate: str, group: str) -> bool:
        """True when a member of ``group`` in the electorate opposes ``candidate``."""
        found = self.state.candidate(candidate)
        if found is None:
            return False
        opposing = frozenset(found.members_taking(Position.OPPOSE)) & self.state.electorate
        return bool(opposing & self.state.group(group))


def votes_of(ballot: Ballot) -> dict[str, str]:
    """Each member's vote on a roll-call ``ballot`` of kind vote: the candidate's id, or
    ``abstain`` / ``absent`` (empty for a secret ballot or a straw poll)."""
    if not ballot.roll_call or ballot.kind is not BallotKind.VOTE:
        return {}
    return {
        member: tally.candidate if tally.candidate is not None else tally.vote.value
        for tally in ballot.votes
        for member in tally.members
    }


@attrs.frozen
class BallotTally:
    """One ballot's result as a rule's :class:`Counts`."""

    state: RaceState
    ballot: Ballot

    def _lines(self, candidate: str | None, vote: Vote, group: str | None = None) -> int:
        """How many voted ``vote`` on ``candidate`` (within ``group``, when given)."""
        return sum(
            t.size
            for t in self.ballot.votes
            if t.candidate == candidate and t.vote is vote and t.group == group
        )

    def _weight(self, candidate: str | None, vote: Vote, weight: str) -> int:
        if weight == "members" or not self.ballot.roll_call:
            return self._lines(candidate, vote)
        return sum(
            self.state.weight(member, weight)
            for t in self.ballot.votes
            if t.candidate == candidate and t.vote is vote
            for member in t.members
        )

    def count(self, candidate: str, weight: str) -> int:
        """The votes for ``candidate`` (or their weight, on a roll call)."""
        return self._weight(candidate, Vote.FOR, weight)

    def base(self, weight: str, of: Base) -> int:
        """The electorate (its size or weight), or the votes cast for a person."""
        if of is Base.ELECTORATE:
            return Standing(self.state).base(weight, of)
        if self.ballot.kind is BallotKind.STRAW_POLL:  # for and against, on one candidate
            return max(
                (
                    self._weight(c, Vote.FOR, weight) + self._weight(c, Vote.AGAINST, weight)
                    for c in {t.candidate for t in self.ballot.votes}
                ),
                default=0,
            )
        people = {t.candidate for t in self.ballot.votes if t.vote is Vote.FOR}
        return sum(self._weight(c, Vote.FOR, weight) for c in people)

    def vetoed(self, candidate: str, group: str) -> bool:
        """True when a member of ``group`` voted against ``candidate`` (a straw poll)."""
        if self.ballot.roll_call:
            against = {
                m
                for t in self.ballot.votes
                if t.candidate == candidate and t.vote is Vote.AGAINST
                for m in t.members
            }
            return bool(against & self.state.group(group))
        return self._lines(candidate, Vote.AGAINST, group) > 0
