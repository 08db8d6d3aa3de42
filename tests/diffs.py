"""The inverse of ``timeline.engine.diff.diff``, kept next to the test that uses it.

``apply_diff(a, diff(a, b)) == b`` on random races shows that a diff leaves nothing out;
nothing in timeline itself applies a diff, so this lives with the tests.
"""

from __future__ import annotations

import attrs

from timeline.engine.diff import CandidateChange, StateDiff
from timeline.model.state import Candidate, RaceState


def apply_diff(state: RaceState, change: StateDiff) -> RaceState:
    """``state`` with ``change`` applied: ``apply_diff(a, diff(a, b)) == b``."""
    candidates = {c.id: c for c in state.candidates if c.id not in {g.id for g in change.gone}}
    for candidate in change.entered:
        candidates[candidate.id] = candidate
    for item in change.changed:
        candidates[item.id] = _apply_candidate(candidates[item.id], item)
    records = {record.id: record for record in state.records}
    for member, _, record in change.members:
        if record is None:
            del records[member]
        else:
            records[member] = record
    return attrs.evolve(
        state,
        **{name: value for name, _, value in change.fields},
        electorate=(state.electorate | set(change.joined)) - set(change.left),
        records=tuple(records[member] for member in sorted(records)),
        candidates=tuple(candidates[i] for i in change.order),
        ballots=(
            *state.ballots[: len(state.ballots) - len(change.ballots_removed)],
            *change.ballots_added,
        ),
        applied=change.applied[1],
        last_event=change.last_event[1],
    )


def _apply_candidate(candidate: Candidate, change: CandidateChange) -> Candidate:
    backers = {b.member: b for b in candidate.backers}
    for backing in change.backing_removed:
        del backers[backing.member]
    for backing in change.backing_added:
        backers[backing.member] = backing
    for _, backing in change.backing_changed:
        backers[backing.member] = backing
    stated = change.stated_conditions[1] if change.stated_conditions else None
    return attrs.evolve(
        candidate,
        **{name: value for name, _, value in change.fields},
        backers=tuple(backers[m] for m in sorted(backers)),
        stated_conditions=stated if stated is not None else candidate.stated_conditions,
        stances=change.stances[1] if change.stances else candidate.stances,
    )
