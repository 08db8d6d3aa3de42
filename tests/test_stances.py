"""Stances other than support: oppose, abstain, and no longer backing anyone."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from timeline import (
    Candidacy,
    Citation,
    Endorsement,
    Event,
    Member,
    Opening,
    Position,
    RaceState,
    ReplayError,
    Rule,
    Stance,
    parse_date,
    state_at,
)

from helpers import the_one_problem
from strategies import RACE, START, query_days, races

COUNCIL = Rule(threshold="at least 5", veto="permanent")
_SOURCE = (Citation(url="https://example.org/x", publisher="P", record="minutes 1"),)


def _envelope(event_id: str, day: int = 0) -> dict[str, Any]:
    date = parse_date((START + datetime.timedelta(days=day)).isoformat())
    return {"id": event_id, "race": RACE, "date": date, "summary": "s", "sources": _SOURCE}


def _race(rule: Rule = COUNCIL) -> list[Event]:
    electorate = tuple(Member(id=f"m{i}", groups=("permanent",) if i < 2 else ()) for i in range(7))
    return [
        Opening(**_envelope("opens"), office="Chair", electorate=electorate, rule=rule),
        Candidacy(**_envelope("ann-enters"), candidate="ann", name="Ann"),
        Endorsement(
            **_envelope("six-back-ann", 1),
            members=("m1", "m2", "m3", "m4", "m5", "m6"),
            candidate="ann",
        ),
    ]


def _stance(event_id: str, day: int, stance: Position, *members: str) -> Stance:
    return Stance(**_envelope(event_id, day), members=members, candidate="ann", stance=stance)


def _at(events: list[Event], day: int = 30) -> RaceState:
    return state_at(events, START + datetime.timedelta(days=day))


def test_a_permanent_member_opposing_vetoes_standing_support() -> None:
    events = _race()
    assert _at(events).decided  # six of seven, no permanent member against
    vetoed = _at([*events, _stance("m0-opposes", 2, Position.OPPOSE, "m0")])
    assert vetoed.meets_rule("ann") is False
    assert vetoed.candidates[0].members_taking(Position.OPPOSE) == ("m0",)
    other = _at([*events, _stance("m6-opposes", 2, Position.OPPOSE, "m6")])
    assert other.tally.count("ann", "members") == 5  # m6's backing is gone
    assert other.meets_rule("ann") is True  # five is enough, and m6 holds no veto


def test_opposing_or_abstaining_ends_the_members_backing_and_backing_again_ends_it() -> None:
    events = _race()
    state = _at([*events, _stance("m3-abstains", 2, Position.ABSTAIN, "m3")])
    ann = state.candidates[0]
    assert ann.backing("m3") is None
    assert ann.members_taking(Position.ABSTAIN) == ("m3",)
    back = Endorsement(**_envelope("m3-back-again", 3), members=("m3",), candidate="ann")
    again = _at([*events, _stance("m3-abstains", 2, Position.ABSTAIN, "m3"), back])
    assert again.candidates[0].backing("m3") is not None
    assert again.candidates[0].stances == ()


def test_no_longer_endorsing_drops_the_backing_without_switching() -> None:
    events = [*_race(Rule.NONE), _stance("m4-drops", 2, Position.NONE, "m4")]
    state = _at(events)
    assert state.candidates[0].backing("m4") is None
    assert all(c.backing("m4") is None for c in state.candidates)
    assert state.candidates[0].stances == ()


def test_dropping_what_a_member_does_not_hold_is_refused() -> None:
    events = [*_race(), _stance("m0-drops", 2, Position.NONE, "m0")]
    with pytest.raises(ReplayError, match="m0 neither backs ann nor takes a stance on it"):
        _at(events)


@given(races(ballots=False), query_days)
def test_a_member_never_both_backs_and_opposes_a_candidate(
    events: list[Event], at: datetime.date
) -> None:
    state = state_at(events, at)
    for candidate in state.candidates:
        backers = {b.member for b in candidate.backers}
        taking = [s.member for s in candidate.stances]
        assert len(taking) == len(set(taking))
        assert not backers & set(taking)
        assert set(taking) <= state.electorate


def test_a_stance_file_with_a_wrong_value_is_one_clear_line(repo: Path) -> None:
    line = the_one_problem(
        repo,
        "2024-06-19-hu-opposes.yaml",
        "type: stance\nid: 2024-06-19-hu-opposes\nrace: nato-secretary-general-2024\n"
        "date: 2024-06-19\nsummary: Hungary opposes\nmembers: [HU]\ncandidate: mark-rutte\n"
        "stance: opose\nsources:\n  - url: https://example.org/x\n    publisher: P\n"
        "    published: 2024-06-19\n    record: minutes\n",
    )
    assert ":8:" in line
    assert "oppose" in line
