"""The fast replay against the oracle: the first, evolve-per-step version of the fold.

``timeline.engine.fold`` applies events to a private mutable working copy for speed;
``reference_fold`` rebuilds an immutable state at every step and is easy to
check by eye. On freely drawn races, valid or not, both must agree at every
step: the same state, or the same error (event, message and field).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from timeline import Event, RaceState, Replayer, ReplayError, fold, replay, replay_order
from timeline.engine.replayer import plain_endorsement
from timeline.engine.transitions import endorsement
from timeline.model.events import Endorsement

import reference_fold
from strategies import RACE, races, raw_race


def _outcome(error: ReplayError) -> tuple[str, str, tuple[str | int, ...]]:
    return error.event_id, error.message, error.field


@given(raw_race())
def test_every_step_matches_the_oracle_valid_or_not(events: list[Event]) -> None:
    """Step by step, skipping what does not fit, both replays agree on everything.

    An event that does not fit must leave the working copy as it was (the
    oracle's state is simply not replaced), or a later step would differ.
    """
    expected = RaceState(RACE)
    replayer = Replayer(RaceState(RACE))
    for event in replay_order(events):
        try:
            expected = reference_fold.apply(expected, event)
            wanted = None
        except ReplayError as exc:
            wanted = _outcome(exc)
        try:
            replayer.apply(event)
            got = None
        except ReplayError as exc:
            got = _outcome(exc)
        assert wanted == got
        assert expected == replayer.state()


@given(races())
def test_fold_matches_the_oracle(events: list[Event]) -> None:
    """Folding a whole valid race at once (no state frozen in between) agrees too."""
    assert reference_fold.fold(RaceState(RACE), events) == fold(RaceState(RACE), events)


@given(raw_race())
def test_a_failing_fold_fails_as_the_oracle_does(events: list[Event]) -> None:
    """Without skipping, both stop at the same event with the same error."""
    try:
        expected: object = reference_fold.fold(RaceState(RACE), events)
    except ReplayError as exc:
        expected = _outcome(exc)
    try:
        got: object = fold(RaceState(RACE), events)
    except ReplayError as exc:
        got = _outcome(exc)
    assert expected == got


@given(races(), st.data())
def test_resuming_from_a_frozen_state_agrees(events: list[Event], data: st.DataObject) -> None:
    """A replayer thawed from any intermediate state (as checkpoints are) ends where the
    oracle does: freezing and thawing lose nothing, conditions and stated ones included."""
    ordered = replay_order(events)
    cut = data.draw(st.integers(0, len(ordered)), label="cut")
    middle = replay(RaceState(RACE), ordered[:cut])
    assert replay(middle, ordered[cut:]) == reference_fold.fold(RaceState(RACE), events)


@given(races())
def test_the_fast_path_means_what_the_general_rule_means(events: list[Event]) -> None:
    """Wherever the replay takes the fast path for plain support, the general rule
    (``transitions.endorsement``) gives the same state from the same working copy."""
    ordered = replay_order(events)
    checked = 0
    for cut, event in enumerate(ordered):
        if not (isinstance(event, Endorsement) and not event.conditions):
            continue
        before = replay(RaceState(RACE), ordered[:cut])
        candidate = Replayer(before).candidates.get(event.candidate)
        if candidate is None or candidate.gone or candidate.stances:
            continue  # the guard sends it to the general rule
        fast, general = Replayer(before), Replayer(before)
        plain_endorsement(fast, event, fast.candidates[event.candidate])
        endorsement(general, event)
        assert fast.state() == general.state()
        checked += 1
        if checked == 3:
            break
