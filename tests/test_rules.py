"""Decision rules as data: thresholds, named rules, weights, and bad rules refused."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import EventDataError, Member, RaceState, Rule, Weight, structure_event
from timeline.model.rules import Base, Criterion, parse_threshold
from timeline.model.state import Backing, Candidate, Status

from strategies import thresholds

COUNTS = st.integers(0, 500)


@given(thresholds, COUNTS)
def test_needed_is_the_least_count_that_meets_the_threshold(text: str, base: int) -> None:
    threshold = parse_threshold(text)
    needed = threshold.needed(base)
    if needed <= base or threshold.count is not None:
        assert threshold.met(needed, base) or (threshold.share is not None and base == 0)
    if needed > 0:
        assert not threshold.met(needed - 1, base)


@given(COUNTS, COUNTS)
def test_the_named_rules_are_the_arithmetic_they_always_were(backing: int, extra: int) -> None:
    """consensus: every member, of a non-empty electorate; majority: more than half."""
    size = backing + extra
    assert parse_threshold("all").met(backing, size) == (size > 0 and backing == size)
    assert parse_threshold("more than 1/2").met(backing, size) == (2 * backing > size)


@given(st.integers(0, 100), COUNTS, COUNTS)
def test_a_percentage_is_exact(percent: int, count: int, base: int) -> None:
    assert parse_threshold(f"at least {percent}%").met(count, base) == (
        count >= Fraction(percent, 100) * base and base > 0
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("most", "is not a threshold"),
        ("more than 3/2", "asks for more than the whole"),
        ("at least 1/0", "divides by zero"),
        ("at least 101%", "asks for more than the whole"),
        ("more than half", "is not a threshold"),
    ],
)
def test_a_threshold_that_means_nothing_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_threshold(text)


def _state(rule: Rule, backers: dict[str, list[str]], weights: dict[str, int]) -> RaceState:
    members = sorted(weights)
    return RaceState(
        "r",
        rule=rule,
        electorate=frozenset(members),
        records=tuple(
            Member(id=m, weights=(Weight(name="population", value=weights[m]),)) for m in members
        ),
        candidates=tuple(
            Candidate(c, c, Status.DECLARED, backers=tuple(Backing(m) for m in sorted(ms)))
            for c, ms in backers.items()
        ),
    )


def test_a_qualified_majority_needs_both_members_and_population() -> None:
    """55 % of the members AND 65 % of the population (the EU Council's rule)."""
    rule = Rule(
        threshold="at least 55%",
        also=(Criterion(threshold="at least 65%", count="population"),),
    )
    weights = {"DE": 84, "FR": 68, "IT": 59, "ES": 48, "PL": 37, "NL": 18, "BE": 12, "MT": 1}
    many_small = _state(rule, {"a": ["ES", "PL", "NL", "BE", "MT"]}, weights)
    assert not many_small.meets_rule("a")  # 5 of 8 members, but 116 of 327 people
    big_few = _state(rule, {"a": ["DE", "FR", "IT", "ES"]}, weights)
    assert not big_few.meets_rule("a")  # 259 of 327 people, but 4 of 8 members
    both = _state(rule, {"a": ["DE", "FR", "IT", "ES", "MT"]}, weights)
    assert both.meets_rule("a")  # 5 of 8 and 260 of 327


def test_a_rule_that_counts_a_weight_ranks_candidates_by_it() -> None:
    weights = {"a1": 10, "b1": 1, "b2": 1, "b3": 1}
    state = _state(Rule(count="population"), {"x": ["a1"], "y": ["b1", "b2", "b3"]}, weights)
    assert state.leader is not None
    assert "x" == state.leader.id
    assert not state.decided  # a tracker decides nothing
    members = _state(Rule.NONE, {"x": ["a1"], "y": ["b1", "b2", "b3"]}, weights)
    assert members.leader is not None
    assert "y" == members.leader.id


def test_a_rule_reads_as_words() -> None:
    assert "consensus" == Rule.CONSENSUS.value
    speaker = Rule(threshold="more than 1/2", of=Base.VOTES)
    assert "more than 1/2 of the votes cast for a person" == speaker.value
    council = Rule(threshold="at least 9", veto="permanent")
    assert "at least 9 of the electorate, no permanent member against" == council.value


def _opening(rule: Any) -> dict[str, Any]:
    return {
        "type": "opening",
        "id": "opens",
        "race": "r",
        "date": "2024-01-01",
        "summary": "It opens",
        "office": "Chair",
        "electorate": ["GB", "FR"],
        "rule": rule,
        "sources": [{"url": "https://example.org/a", "publisher": "X", "quote": "q q q q q"}],
    }


@pytest.mark.parametrize(
    ("rule", "where", "message"),
    [
        ("consensys", ("rule",), "did you mean 'consensus'?"),
        ({"threshold": "most"}, ("rule", "threshold"), "is not a threshold"),
        ({"threshhold": "all"}, ("rule", "threshhold"), "did you mean 'threshold'?"),
        ({"name": "consensus"}, ("rule", "name"), "unknown field 'name'"),
        ({"threshold": "all", "of": "everyone"}, ("rule", "of"), "not one of: electorate, votes"),
        ({"veto": "permanent"}, ("rule", "threshold"), "needs a threshold"),
        ({"threshold": "all", "eliminate": {}}, ("rule", "eliminate", "below"), "give 'below'"),
        ({"threshold": "all", "count": "Points"}, ("rule", "count"), "is not a slug"),
    ],
)
def test_a_bad_rule_is_told_where_and_why(rule: Any, where: tuple[str, ...], message: str) -> None:
    with pytest.raises(EventDataError) as caught:
        structure_event(_opening(rule))
    ((path, text),) = caught.value.problems
    assert (where, True) == (path, message in text), text


def test_a_rule_written_as_a_mapping_reads_back_as_written() -> None:
    opening = structure_event(
        _opening({"threshold": "more than 1/2", "of": "votes", "eliminate": {"below": "30"}})
    )
    assert Rule(threshold="more than 1/2", of=Base.VOTES) == _without_elimination(opening)


def _without_elimination(opening: Any) -> Rule:
    import attrs

    rule: Rule = opening.rule
    assert rule.eliminate is not None
    assert 30 == rule.eliminate.below
    return attrs.evolve(rule, eliminate=None)
