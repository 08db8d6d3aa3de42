"""What changed in a race between two days (a :class:`StateDiff`), as text and JSON.

The text is one sentence a line, in a fixed order: the race's fields, the electorate,
candidates that entered or went, each changed candidate (its fields, who started,
stopped or moved their backing, conditions set or dropped, stances), ballots, votes
that moved, members' records, and whether the rule became met.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from timeline.model.events import Member
from timeline.model.rules import Rule
from timeline.model.state import RaceState, StanceHeld, UnnamedReport
from timeline.views.phrases import STANCES, condition_for, on_condition, unnamed_phrase
from timeline.views.state import backing_json, candidate_json, stance_json

if TYPE_CHECKING:  # for annotations only: `timeline state` needs no diff
    from timeline.engine.diff import CandidateChange, StateDiff


def diff_lines(change: StateDiff, before: RaceState, after: RaceState) -> str:
    """What changed, one sentence a line, in a fixed order."""
    names = _names(before, after)
    lines = [f"{change.applied[1] - change.applied[0]:+d} events counted"]
    lines += [f"{name}: {_value(old)} -> {_value(new)}" for name, old, new in change.fields]
    if change.joined:
        lines.append(f"joined the electorate: {' '.join(change.joined)}")
    if change.left:
        lines.append(f"left the electorate: {' '.join(change.left)}")
    for candidate in change.entered:
        backers = " ".join(b.member for b in candidate.backers)
        lines.append(
            f"{candidate.name} entered the race ({candidate.status.value})"
            + (f", backed by {backers}" if backers else "")
        )
    lines += [f"{c.name} is no longer in the record" for c in change.gone]
    for item in change.changed:
        lines += _candidate_change_lines(change, item, names, after)
    lines += _ballot_lines(change, before, after, names)
    for member, old_record, new_record in change.members:
        lines.append(f"member {member}: {_record(old_record)} -> {_record(new_record)}")
    if change.decided is not None:
        lines.append(
            "the decision rule is now met"
            if change.decided[1]
            else "the decision rule is no longer met"
        )
    return "".join(f"{line}\n" for line in lines)


def _candidate_change_lines(
    change: StateDiff, item: CandidateChange, names: dict[str, str], after: RaceState
) -> list[str]:
    """What changed of one candidate: its fields, its backing, conditions and stances."""
    name = names[item.id]
    lines = [f"{name}: {field} {_value(old)} -> {_value(new)}" for field, old, new in item.fields]
    lines += _backing_lines(change, item, names)
    for old_backing, new_backing in item.backing_changed:
        for condition in new_backing.conditions:
            if condition not in old_backing.conditions:
                lines.append(f"{new_backing.member} set a condition for {name}: {condition}")
    lines += _stated_lines(item, name, after)
    if item.stances:
        lines += _stance_lines(name, *item.stances)
    return lines


def _backing_lines(change: StateDiff, item: CandidateChange, names: dict[str, str]) -> list[str]:
    """Who started backing a candidate (or moved to it from another), and who stopped."""
    name = names[item.id]
    starting = {b.member for c in change.changed for b in c.backing_added}
    moved_from = {b.member: c.id for c in change.changed for b in c.backing_removed}
    plain = [
        b.member for b in item.backing_added if not b.conditions and b.member not in moved_from
    ]
    lines = [f"started backing {name}: {' '.join(plain)}"] if plain else []
    for backing in item.backing_added:
        if backing.member in plain:
            continue
        origin = moved_from.get(backing.member)
        verb = f"moved from {names[origin]} to" if origin else "started backing"
        lines.append(f"{backing.member} {verb} {name}{on_condition(backing.conditions)}")
    stopped = [b.member for b in item.backing_removed if b.member not in starting]
    if stopped:
        lines.append(f"stopped backing {name}: {' '.join(stopped)}")
    return lines


def _stated_lines(item: CandidateChange, name: str, after: RaceState) -> list[str]:
    """Conditions members (not backing) set for a candidate, and those that no longer
    stand; conditions carried into a new backing are not dropped."""
    if not item.stated_conditions:
        return []
    old_stated, new_stated = item.stated_conditions
    lines = [
        f"{s.member} set {condition_for(s.kind, name)}: {'; '.join(s.conditions)}"
        for s in new_stated
        if s not in old_stated
    ]
    now_backing = _backers_of(after, item.id)
    lines += [
        f"{s.member}'s stated conditions on {name} no longer stand"
        for s in old_stated
        if s not in new_stated and s.member not in now_backing
    ]
    return lines


def _stance_lines(
    name: str, before: Sequence[StanceHeld], after: Sequence[StanceHeld]
) -> list[str]:
    """A candidate's stances that changed: taken, changed, or given up."""
    old = {s.member: s.stance for s in before}
    new = {s.member: s.stance for s in after}
    lines = [
        f"{member} now {STANCES[stance].verb} {name}"
        for member, stance in new.items()
        if old.get(member) is not stance
    ]
    lines += [
        f"{member} no longer {STANCES[stance].verb} {name}"
        for member, stance in old.items()
        if member not in new
    ]
    return lines


def _ballot_lines(
    change: StateDiff, before: RaceState, after: RaceState, names: dict[str, str]
) -> list[str]:
    """Ballots added and gone, and the members whose votes moved between the last ones."""
    lines = [
        f"ballot {ballot.number} ({ballot.date.text}): {ballot.summary}"
        for ballot in change.ballots_added
    ]
    lines += [f"ballot {ballot.number} no longer counts" for ballot in change.ballots_removed]
    if change.moved:
        first = before.ballots[-1].number if before.ballots else None
        last = after.ballots[-1].number
        lines.append(f"moved between ballot {first} and ballot {last}: {len(change.moved)}")
        lines += [
            f"  {_member_name(after, member)}: {_vote(names, old)} -> {_vote(names, new)}"
            for member, old, new in change.moved
        ]
    return lines


def _names(before: RaceState, after: RaceState) -> dict[str, str]:
    return {c.id: c.name for c in (*before.candidates, *after.candidates)}


def _value(value: Any) -> Any:
    """A field's value as the state's JSON gives it: a rule or an enum by its words, a
    date as written, a report of unnamed backers in a phrase."""
    if isinstance(value, enum.Enum | Rule):
        return value.value
    if isinstance(value, UnnamedReport):
        return unnamed_phrase(value)
    return getattr(value, "text", value)  # a Date prints as written


def _member_name(state: RaceState, member: str) -> str:
    record = state.member(member)
    return f"{record.name} ({member})" if record is not None and record.name else member


def _vote(names: dict[str, str], vote: str | None) -> str:
    if vote is None:
        return "not on the roll"
    return names.get(vote, vote)


def _record(record: Member | None) -> str:
    if record is None:
        return "(nothing known)"
    parts = [record.name or ""]
    parts += [f"{w.name} {w.value}" for w in record.weights]
    if record.groups is not None:
        parts.append("groups " + (", ".join(record.groups) or "none"))
    return "; ".join(p for p in parts if p)


def _backers_of(state: RaceState, candidate_id: str) -> set[str]:
    candidate = state.candidate(candidate_id)
    return {b.member for b in candidate.backers} if candidate else set()


def diff_json(change: StateDiff, before: RaceState, after: RaceState) -> dict[str, Any]:
    """The diff as JSON-ready data."""
    return {
        "race": change.race,
        "events_counted": change.applied[1] - change.applied[0],
        "fields": [
            {"field": name, "from": _value(old), "to": _value(new)}
            for name, old, new in change.fields
        ],
        "joined": list(change.joined),
        "left": list(change.left),
        "entered": [candidate_json(after, c) for c in change.entered],
        "gone": [c.id for c in change.gone],
        "changed": [_candidate_change_json(item) for item in change.changed],
        "decided": {"from": change.decided[0], "to": change.decided[1]} if change.decided else None,
        "ballots_added": [b.id for b in change.ballots_added],
        "ballots_removed": [b.id for b in change.ballots_removed],
        "moved": [{"member": m, "from": old, "to": new} for m, old, new in change.moved],
        "members_changed": [m for m, _, _ in change.members],
    }


def _candidate_change_json(item: CandidateChange) -> dict[str, Any]:
    return {
        "id": item.id,
        "fields": [
            {"field": name, "from": _value(old), "to": _value(new)}
            for name, old, new in item.fields
        ],
        "backing_added": [backing_json(b) for b in item.backing_added],
        "backing_removed": [backing_json(b) for b in item.backing_removed],
        "backing_changed": [
            {"from": backing_json(old), "to": backing_json(new)}
            for old, new in item.backing_changed
        ],
        "stances": (
            {
                "from": [stance_json(s) for s in item.stances[0]],
                "to": [stance_json(s) for s in item.stances[1]],
            }
            if item.stances
            else None
        ),
    }
