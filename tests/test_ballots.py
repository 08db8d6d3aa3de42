"""Ballots: roll calls and secret counts, decisions by the rule, eliminations, bad ballots."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given

from timeline import (
    Ballot,
    Citation,
    Event,
    Opening,
    RaceState,
    ReplayError,
    Retraction,
    Rule,
    parse_date,
    replay_order,
    state_at,
)
from timeline.model.events import BallotKind, Candidacy, Member, Tally, Vote
from timeline.model.rules import Base, Elimination
from timeline.model.state import BallotTally, Standing, Status, votes_of

from strategies import RACE, START, query_days, races

SPEAKER = Rule(threshold="more than 1/2", of=Base.VOTES)
_SOURCE = (Citation(url="https://example.org/roll", publisher="Clerk", record="roll 1"),)


def _envelope(event_id: str, day: int = 0) -> dict[str, Any]:
    date = parse_date((START + datetime.timedelta(days=day)).isoformat())
    return {"id": event_id, "race": RACE, "date": date, "summary": "s", "sources": _SOURCE}


def _opening(rule: Rule, members: int = 9, **fields: Any) -> Opening:
    electorate = tuple(
        Member(id=f"m{i}", groups=("permanent",) if i < 3 else ()) for i in range(members)
    )
    return Opening(**_envelope("opens"), office="Chair", electorate=electorate, rule=rule, **fields)


def _ballot(number: int, *votes: Tally, day: int = 1, **fields: Any) -> Ballot:
    return Ballot(**_envelope(f"ballot-{number:02d}", day), number=number, votes=votes, **fields)


def _for(candidate: str, *members: str, name: str | None = "X") -> Tally:
    return Tally(candidate=candidate, members=members, name=name)


def _at(events: list[Event], day: int = 30) -> RaceState:
    return state_at(events, START + datetime.timedelta(days=day))


def test_present_lowers_the_majority_of_votes_cast_for_a_person() -> None:
    """The Speaker's rule: 216 of 432 is not elected, 216 of 428 is (the 14th and 15th
    ballots of January 2023, in small): here 4 of 8 is not, 4 of 7 is."""
    opening = _opening(SPEAKER)
    a, b = ("m0", "m1", "m2", "m3"), ("m4", "m5", "m6", "m7")
    tied = _ballot(1, _for("ann", *a), _for("bo", *b))
    one_present = _ballot(2, _for("ann", *a, name=None), _for("bo", *b[:3], name=None), day=2)
    one_present = attrs.evolve(
        one_present,
        votes=(*one_present.votes, Tally(vote=Vote.ABSTAIN, members=(b[3],))),
    )
    before = _at([opening, tied])
    assert (before.appointed, before.decided) == (None, False)
    after = _at([opening, tied, one_present])
    assert "ann" == after.appointed
    assert Status.APPOINTED is after.candidate("ann").status  # type: ignore[union-attr]
    assert 7 == after.tally.base("members", Base.VOTES)


def test_a_vote_for_someone_not_in_the_race_adds_them_as_mentioned() -> None:
    ballot = _ballot(1, _for("trump", "m0", name="Trump"), _for("ann", "m1", "m2", name="Ann"))
    state = _at([_opening(SPEAKER), ballot])
    trump = state.candidate("trump")
    assert trump is not None
    assert (trump.name, trump.status, trump.entered) == ("Trump", Status.MENTIONED, "ballot-01")


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (lambda: _ballot(1, _for("ann", "m0", "m0")), "listed twice"),
        (lambda: _ballot(1, _for("ann", "m0"), _for("bo", "m0")), "m0 votes twice"),
        (lambda: _ballot(1, _for("ann", "zz-9")), "not in the electorate"),
        (lambda: _ballot(1, _for("ann", "m0", name=None)), "give the 'name'"),
        (lambda: _ballot(1, Tally(candidate="ann", count=10, name="A")), "more than the 9"),
        (
            lambda: _ballot(
                1,
                Tally(candidate="ann", vote=Vote.FOR, count=2, name="A"),
                Tally(candidate="ann", vote=Vote.AGAINST, count=4, group="permanent"),
                kind=BallotKind.STRAW_POLL,
            ),
            "which has 3 members",
        ),
        (lambda: _ballot(0, _for("ann", "m0")), "ballot 0 replays after ballot 0"),
        (lambda: _ballot(1, Tally(vote=Vote.FOR, members=("m0",))), "names its 'candidate'"),
        (lambda: _ballot(1, _for("ann", "m0"), Tally(vote=Vote.ABSTAIN, count=1)), "not both"),
        (lambda: _ballot(1, Tally(candidate="a", vote=Vote.AGAINST, count=1)), "straw poll"),
    ],
)
def test_a_ballot_that_cannot_be_is_refused(ballot: Any, message: str) -> None:
    with pytest.raises((ReplayError, ValueError)) as caught:
        _at([_opening(SPEAKER), ballot()])
    assert message in str(caught.value)


def test_counts_that_add_up_against_their_whole_are_checked() -> None:
    """A group's count cannot exceed the count it is part of."""
    straw = _ballot(
        1,
        Tally(candidate="ann", vote=Vote.AGAINST, count=1),
        Tally(candidate="ann", vote=Vote.AGAINST, count=2, group="permanent"),
        kind=BallotKind.STRAW_POLL,
    )
    entered = Candidacy(**_envelope("ann-runs"), candidate="ann", name="Ann")
    with pytest.raises(ReplayError, match="more than the 1 counted in all"):
        _at([_opening(Rule(threshold="at least 5", veto="permanent")), entered, straw])


def test_a_permanent_member_against_vetoes_in_a_straw_poll() -> None:
    """The Security Council: 9 of 15 and no permanent member against (here 5 of 9)."""
    rule = Rule(threshold="at least 5", veto="permanent")
    opening = _opening(rule)
    entered = Candidacy(**_envelope("ann-runs"), candidate="ann", name="Ann")

    def poll(against_in_group: int) -> Ballot:
        return _ballot(
            1,
            Tally(candidate="ann", vote=Vote.FOR, count=7),
            Tally(candidate="ann", vote=Vote.AGAINST, count=2),
            Tally(candidate="ann", vote=Vote.AGAINST, count=against_in_group, group="permanent"),
            kind=BallotKind.STRAW_POLL,
        )

    assert _at([opening, entered, poll(0)]).meets_rule("ann")
    vetoed = _at([opening, entered, poll(1)])
    assert not vetoed.meets_rule("ann")
    assert vetoed.appointed is None  # a straw poll decides nothing


def test_rounds_eliminate_the_lowest_until_two_remain() -> None:
    rule = Rule(
        threshold="more than 1/2",
        of=Base.VOTES,
        eliminate=Elimination(below=2, lowest_until=2),
    )
    first = _ballot(
        1,
        _for("ann", "m0", "m1", "m2", name="Ann"),
        _for("bo", "m3", "m4", name="Bo"),
        _for("cy", "m5", "m6", name="Cy"),
        _for("di", "m7", name="Di"),
        Tally(vote=Vote.ABSTAIN, members=("m8",)),
    )
    state = _at([_opening(rule), first])
    statuses = {c.id: c.status for c in state.candidates}
    # di is below 2; bo and cy tie for the fewest after that, and both going would
    # leave one: so they stay
    assert statuses == {
        "ann": Status.MENTIONED,
        "bo": Status.MENTIONED,
        "cy": Status.MENTIONED,
        "di": Status.ELIMINATED,
    }
    with pytest.raises(ReplayError, match="di was eliminated"):
        _at([_opening(rule), first, _ballot(2, _for("di", "m7", name=None), day=2)])


@given(races(), query_days)
def test_a_roll_call_counts_each_member_once(events: list[Event], at: datetime.date) -> None:
    state = state_at(events, at)
    for ballot in state.ballots:
        if ballot.roll_call and ballot.kind is BallotKind.VOTE:
            listed = [m for t in ballot.votes for m in t.members]
            assert len(listed) == len(set(listed)) == len(votes_of(ballot))
            tally = BallotTally(state, ballot)
            people = {t.candidate for t in ballot.votes if t.candidate is not None}
            cast = sum(tally.count(c, "members") for c in people)
            assert cast == tally.base("members", Base.VOTES) <= len(listed)


@given(races(rule=SPEAKER), query_days)
def test_a_ballot_decides_exactly_when_someone_has_more_than_half_the_votes_for_people(
    events: list[Event], at: datetime.date
) -> None:
    """Computed naively from the ballots that count, without the fold's code."""
    ordered = [e for e in replay_order(events) if e.date.latest <= at]
    ballots = [e for e in ordered if isinstance(e, Ballot) and e.kind is BallotKind.VOTE]
    state = state_at(events, at)
    elected = None
    for ballot in ballots:
        votes: dict[str, int] = {}
        for line in ballot.votes:
            if line.candidate is not None and line.vote is Vote.FOR:
                votes[line.candidate] = votes.get(line.candidate, 0) + (
                    line.count if line.count is not None else len(line.members)
                )
        cast = sum(votes.values())
        winners = [c for c, n in votes.items() if 2 * n > cast]
        if winners and state.appointed is not None and state.ballots[-1] == ballot:
            elected = winners[0]
    if state.ballots and state.ballots[-1].kind is BallotKind.VOTE and elected is not None:
        assert elected == state.appointed


@given(races(), query_days)
def test_weight_backing_candidates_never_exceeds_the_electorates(
    events: list[Event], at: datetime.date
) -> None:
    state = state_at(events, at)
    standing = Standing(state)
    for weight in ("members", "points", "population"):
        backing = sum(standing.count(c.id, weight) for c in state.candidates)
        assert backing <= standing.base(weight, Base.ELECTORATE)


@given(races())
def test_retracting_the_last_ballot_restores_the_state_before_it(events: list[Event]) -> None:
    ordered = replay_order(events)
    ballots = [e for e in ordered if isinstance(e, Ballot)]
    if not ballots or ordered[-1] is not ballots[-1]:
        return
    last = ballots[-1]
    day = last.date.latest
    retraction = Retraction(
        id="retracts-last-ballot",
        race=RACE,
        date=parse_date(day.isoformat()),
        summary="s",
        sources=_SOURCE,
        retracts=last.id,
        reason="the ballot was annulled",
    )
    before = state_at(ordered[:-1], day)
    after = state_at([*ordered, retraction], day)
    assert attrs.evolve(after, applied=before.applied, last_event=before.last_event) == before
