"""Stages: a race moves from one body and rule to another and keeps its candidates."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from timeline import (
    Ballot,
    Citation,
    Event,
    InvalidField,
    Member,
    Opening,
    RaceState,
    ReplayError,
    Rule,
    Stage,
    parse_date,
    state_at,
)
from timeline.model.events import Tally
from timeline.model.rules import Base, Elimination
from timeline.model.state import Status
from timeline.views.state import render_text

from helpers import the_one_problem
from strategies import RACE, START, query_days, races

ROUNDS = Rule(threshold="more than 1/2", of=Base.VOTES, eliminate=Elimination(lowest_until=2))
MEMBERS_VOTE = Rule(threshold="more than 1/2", of=Base.VOTES)
_SOURCE = (Citation(url="https://example.org/party", publisher="Party", record="result"),)


def _envelope(event_id: str, day: int = 0) -> dict[str, Any]:
    date = parse_date((START + datetime.timedelta(days=day)).isoformat())
    return {"id": event_id, "race": RACE, "date": date, "summary": "s", "sources": _SOURCE}


def _mps() -> Opening:
    electorate = tuple(Member(id=f"mp{i}") for i in range(9))
    return Opening(**_envelope("opens"), office="Leader", electorate=electorate, rule=ROUNDS)


def _round(number: int, day: int, *votes: Tally) -> Ballot:
    return Ballot(**_envelope(f"round-{number}", day), number=number, votes=votes)


def _for(candidate: str, *members: str, name: str | None = None) -> Tally:
    return Tally(candidate=candidate, members=members, name=name)


def _members(day: int = 10, size: int = 1000) -> Stage:
    return Stage(**_envelope("to-members", day), body="the party's members", size=size,
                 rule=MEMBERS_VOTE)  # fmt: skip


def _race() -> list[Event]:
    first = _round(
        1,
        1,
        _for("ann", "mp0", "mp1", "mp2", name="Ann"),
        _for("bo", "mp3", "mp4", "mp5", name="Bo"),
        _for("cy", "mp6", "mp7", name="Cy"),
        _for("di", "mp8", name="Di"),
    )
    second = _round(
        2,
        2,
        _for("ann", "mp0", "mp1", "mp2", "mp8"),
        _for("bo", "mp3", "mp4", "mp5"),
        _for("cy", "mp6", "mp7"),
    )
    return [_mps(), first, second]


def _at(events: list[Event], day: int = 30) -> RaceState:
    return state_at(events, START + datetime.timedelta(days=day))


def test_the_mps_rounds_leave_two_for_the_members() -> None:
    state = _at(_race())
    statuses = {c.id: c.status for c in state.candidates}
    assert statuses["di"] is Status.ELIMINATED  # the lowest in round 1, four remaining
    assert statuses["cy"] is Status.ELIMINATED  # the lowest in round 2, three remaining
    assert {c for c, s in statuses.items() if s is Status.MENTIONED} == {"ann", "bo"}
    assert not state.decided  # 4 of 9 is no majority


def test_a_stage_keeps_the_candidates_and_its_rule_counts_its_own_ballots() -> None:
    events = [*_race(), _members()]
    staged = _at(events, 11)
    assert staged.body == "the party's members"
    assert (staged.electorate, staged.electorate_size) == (frozenset(), 1000)
    assert staged.rule == MEMBERS_VOTE
    assert staged.latest_ballot is None  # the MPs' rounds are not the members' ballot
    assert {c.id: c.status for c in staged.candidates}["cy"] is Status.ELIMINATED
    final = Ballot(
        **_envelope("members-ballot", 20),
        number=3,
        votes=(Tally(candidate="ann", count=420), Tally(candidate="bo", count=380)),
    )
    decided = _at([*events, final])
    assert decided.appointed == "ann"  # 420 of 800 votes cast for a person
    too_many = Ballot(
        **_envelope("members-ballot", 20),
        number=3,
        votes=(Tally(candidate="ann", count=620), Tally(candidate="bo", count=480)),
    )
    with pytest.raises(ReplayError, match="1100"):
        _at([*events, too_many])  # more votes than the 1000 members


def test_the_members_ballot_cannot_revive_an_eliminated_candidate() -> None:
    events = [*_race(), _members()]
    ballot = Ballot(
        **_envelope("members-ballot", 20), number=3, votes=(Tally(candidate="cy", count=10),)
    )
    with pytest.raises(ReplayError, match="cy was eliminated"):
        _at([*events, ballot])


def test_a_stage_after_the_decision_is_refused() -> None:
    decided = [*_race(), _round(3, 3, _for("ann", *(f"mp{i}" for i in range(9))))]
    assert _at(decided).appointed == "ann"
    with pytest.raises(ReplayError, match="the race is decided"):
        _at([*decided, _members()])


def test_a_stage_names_its_body_by_members_or_size() -> None:
    with pytest.raises(InvalidField, match="list the new body's members"):
        Stage(**_envelope("x"), body="members", rule=MEMBERS_VOTE)


@given(races(), query_days)
def test_after_a_stage_only_its_members_hold_backings(
    events: list[Event], at: datetime.date
) -> None:
    state = state_at(events, at)
    for candidate in state.candidates:
        assert {b.member for b in candidate.backers} <= state.electorate
    assert 0 <= state.stage_start <= len(state.ballots)


def test_state_shows_the_body_of_the_stage_and_its_rule() -> None:
    day = START + datetime.timedelta(days=11)
    text = render_text(_at([*_race(), _members()], 11), day)
    assert "Body: the party's members (a later stage of the race)" in text
    assert "Electorate (1000, known only by its size)" in text
    assert "Ann (ann): mentioned" in text


def test_a_stage_file_with_a_misspelt_field_is_one_clear_line(repo: Path) -> None:
    line = the_one_problem(
        repo,
        "2024-06-20-to-the-council.yaml",
        "type: stage\nid: 2024-06-20-to-the-council\nrace: nato-secretary-general-2024\n"
        "date: 2024-06-20\nsummary: The race moves to the council\nbody: the council\n"
        "sise: 32\nrule: consensus\nsources:\n  - url: https://example.org/x\n"
        "    publisher: P\n    published: 2024-06-20\n    record: minutes\n",
    )
    assert ":7:" in line
    assert "did you mean 'size'" in line
