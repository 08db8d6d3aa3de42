"""A :class:`RaceState` on a day: readable text and stable JSON.

The race's electorate, its latest ballot, where its rule stands, each candidate with
its backers, conditions and stances, and the events that possibly already happened.
The JSON of an event, a candidate, a backing and a stance is here too: the explanation
and the diff show them in the same shape. The JSON keys are documented in
``docs/cli.md`` and only ever added to.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from timeline.model.events import BallotKind, Event
from timeline.model.state import Backing, Candidate, RaceState, StanceHeld, Status
from timeline.views.phrases import (
    LISTED_MEMBERS,
    STANCES,
    condition_for,
    listed,
    unnamed_phrase,
)


def state_to_json(
    state: RaceState,
    at: datetime.date,
    possibly: Sequence[Event] = (),
    known_on: datetime.date | None = None,
) -> dict[str, Any]:
    """The state as JSON-ready data (see ``docs/cli.md`` for every key)."""
    leader = state.leader
    return {
        "at": at.isoformat(),
        "known_on": known_on.isoformat() if known_on else None,
        "race": state.race,
        "office": state.office,
        "rule": state.rule.value if state.rule else None,
        "opened": state.opened,
        "electorate": sorted(state.electorate),
        "candidates": [candidate_json(state, c) for c in state.candidates],
        "leader": leader.id if leader else None,
        "holdouts": list(state.holdouts),
        "decided": state.decided,
        "appointed": state.appointed,
        "takes_office": state.takes_office.text if state.takes_office else None,
        "term": state.term,
        "incumbent": state.incumbent,
        "incumbent_since": state.incumbent_since.text if state.incumbent_since else None,
        "vacancy": state.vacancy.text if state.vacancy else None,
        "events_applied": state.applied,
        "possibly_already": [event_json(e) for e in possibly],
        "electorate_size": state.electorate_size,
        "ballot": _ballot_json(state),
        "body": state.body,
        "counted": state.counted if state.opened else None,
        "counted_of": state.counted_of if state.opened else None,
    }


def _ballot_json(state: RaceState) -> dict[str, Any] | None:
    """The latest ballot: its counts, and what the rule needs of them."""
    ballot = state.latest_ballot
    if ballot is None:
        return None
    tally, rule = state.tally, state.rule
    needed = rule.needed(tally) if rule is not None else None
    return {
        "id": ballot.id,
        "number": ballot.number,
        "kind": ballot.kind.value,
        "record": ballot.record,
        "votes": [
            {
                "candidate": t.candidate,
                "vote": t.vote.value,
                "group": t.group,
                "count": t.size,
                "members": list(t.members),
            }
            for t in ballot.votes
        ],
        "needed": needed,
    }


def event_json(event: Event) -> dict[str, Any]:
    """An event in brief: its id, type, date as written and summary."""
    return {
        "id": event.id,
        "type": event.TYPE,
        "date": event.date.text,
        "summary": event.summary,
    }


def candidate_json(state: RaceState, candidate: Candidate) -> dict[str, Any]:
    """A candidate in ``state``: who backs it and how, its score, stances and conditions."""
    return {
        "id": candidate.id,
        "name": candidate.name,
        "status": candidate.status.value,
        "country": candidate.country,
        "put_forward_by": candidate.put_forward_by,
        "backers": [backing_json(b) for b in candidate.backers],
        "backing_count": len(state.backers_in_electorate(candidate)),
        "score": state.score(candidate),
        "member": candidate.member,
        "stated_conditions": [
            {
                "member": s.member,
                "kind": s.kind.value,
                "conditions": list(s.conditions),
                "event": s.event,
            }
            for s in candidate.stated_conditions
        ],
        "stances": [stance_json(s) for s in candidate.stances],
        "unnamed": (
            None
            if candidate.unnamed is None
            else {
                "count": candidate.unnamed.count,
                "share": candidate.unnamed.share,
                "approximate": candidate.unnamed.approximate,
                "besides": list(candidate.unnamed.besides),
                "event": candidate.unnamed.event,
            }
        ),
        "entered": candidate.entered,
    }


def backing_json(backing: Backing) -> dict[str, Any]:
    """A member's backing of a candidate: its conditions, and the event it dates from."""
    return {
        "member": backing.member,
        "conditions": list(backing.conditions),
        "since": backing.since,
    }


def stance_json(stance: StanceHeld) -> dict[str, str]:
    """A member's stance other than support, and the event that took it."""
    return {"member": stance.member, "stance": stance.stance.value, "event": stance.event}


def render_text(
    state: RaceState,
    at: datetime.date,
    possibly: Sequence[Event] = (),
    known_on: datetime.date | None = None,
) -> str:
    """A readable summary of the race at ``at`` (as known on ``known_on``); ``possibly``
    lists events that may already have happened but do not count yet."""
    title = f"{state.office or state.race} — the race at {at.isoformat()}"
    if known_on is not None:
        title += f", as known on {known_on.isoformat()}"
    lines = [title, "=" * len(title)]
    if not state.opened:
        lines.append(f"The race {state.race!r} had not opened by this date.")
        return "\n".join(lines) + "\n"
    if state.body is not None:
        lines.append(f"Body: {state.body} (a later stage of the race)")
    lines.append(_electorate_line(state))
    lines += _standing_lines(state)
    lines.append(_appointed_line(state))
    for candidate in _shown(state):
        lines += ["", *candidate_lines(state, candidate, state.leader)]
    why = "dated up to a later day, so not counted yet"
    lines += possibly_lines(possibly, f"Possibly already ({why}):")
    return "\n".join(lines) + "\n"


def possibly_lines(possibly: Sequence[Event], heading: str) -> list[str]:
    """The events that possibly already happened, under ``heading`` (nothing if none)."""
    if not possibly:
        return []
    return ["", heading, *(f"  {e.date.text}  {e.id}: {e.summary}" for e in possibly)]


def _electorate_line(state: RaceState) -> str:
    if state.size is not None:
        return f"Electorate ({state.size}, known only by its size)"
    if len(state.electorate) > LISTED_MEMBERS:
        return f"Electorate ({len(state.electorate)} members)"
    return f"Electorate ({len(state.electorate)}): {' '.join(sorted(state.electorate))}"


def _rule_line(rule: str, says: str) -> str:
    """Where the rule stands: ``Rule: consensus — not met: 30 of 32 back Mark Rutte.``"""
    return f"Rule: {rule} — {says}."


def _standing_lines(state: RaceState) -> list[str]:
    """The latest ballot or, with none, where the leader stands by the rule (and who
    holds out, when the rule decides the race)."""
    if state.latest_ballot is not None:
        return ballot_lines(state)
    rule, leader = state.rule, state.leader
    name = rule.value if rule else "?"
    if leader is None:
        return [_rule_line(name, "no candidate has backers yet")]
    if _ranks(state):
        return [_rule_line(name, f"{leader.name} leads with {_score(state, leader)}")]
    backing = len(state.backers_in_electorate(leader))
    verdict = "met" if state.decided else "not met"
    holdouts = state.holdouts
    return [
        _rule_line(name, f"{verdict}: {backing} of {state.electorate_size} back {leader.name}"),
        f"Holdouts ({len(holdouts)}): {listed(holdouts)}",
    ]


def _ranks(state: RaceState) -> bool:
    """A tracker: its rule ranks the candidates and decides nothing."""
    return state.rule is not None and not state.rule.decides


def _names(state: RaceState) -> dict[str, str]:
    return {c.id: c.name for c in state.candidates}


def _appointed_line(state: RaceState) -> str:
    appointed = state.candidate(state.appointed) if state.appointed else None
    if appointed is None:
        return "Appointed: nobody yet"
    taking = f", taking office {state.takes_office.text}" if state.takes_office else ""
    term = f", for {state.term}" if state.term else ""
    return f"Appointed: {appointed.name}{taking}{term}"


def _shown(state: RaceState) -> list[Candidate]:
    """The candidates in the order shown: a tracker's by what it ranks by, then by entry;
    any other race's by entry."""
    shown = list(state.candidates)
    if _ranks(state):
        shown.sort(key=lambda c: -state.score(c))
    return shown


def _score(state: RaceState, candidate: Candidate) -> str:
    """What a tracker ranks ``candidate`` by: its weight out of the electorate's, and its
    members."""
    assert state.rule is not None
    counted = state.rule.count
    backing = len(state.backers_in_electorate(candidate))
    members = f"{backing} of {state.electorate_size} members"
    if counted == "members":
        return members
    return f"{state.score(candidate)} of {state.counted_of} {counted} ({members})"


def ballot_lines(state: RaceState) -> list[str]:
    """The latest ballot: who had how many votes, what the rule needs, who is short."""
    ballot = state.latest_ballot
    assert ballot is not None
    record = f", {ballot.record}" if ballot.record else ""
    head = f"Ballot {ballot.number} ({ballot.date.text}{record})"
    if ballot.kind is BallotKind.STRAW_POLL:
        lines = [f"{head}, a straw poll:", *_straw_poll_lines(state)]
    else:
        lines = [f"{head}: {_vote_standing(state)}."]
    rule = state.rule
    if rule is None or not rule.decides:
        return lines
    return [*lines, _ballot_rule_line(state)]


def _straw_poll_lines(state: RaceState) -> list[str]:
    """Per candidate of a straw poll: how many said what (and in which group)."""
    ballot = state.latest_ballot
    assert ballot is not None
    names = _names(state)
    lines = []
    for candidate in sorted({t.candidate for t in ballot.votes if t.candidate}):
        parts = [
            f"{t.size} {t.vote.value}" + (f" ({t.group})" if t.group else "")
            for t in ballot.votes
            if t.candidate == candidate
        ]
        lines.append(f"  {names.get(candidate, candidate)}: {', '.join(parts)}")
    return lines


def _vote_standing(state: RaceState) -> str:
    """A ballot's votes, most first: ``Jordan 200, Jeffries 212; present 1``."""
    ballot = state.latest_ballot
    assert ballot is not None
    tally, names = state.tally, _names(state)
    people = sorted(
        {t.candidate for t in ballot.votes if t.candidate is not None},
        key=lambda c: (-tally.count(c, "members"), names.get(c, c)),
    )
    standing = ", ".join(f"{names.get(c, c)} {tally.count(c, 'members')}" for c in people)
    others = [f"{t.vote.value} {t.size}" for t in ballot.votes if t.candidate is None]
    return standing + "".join(f"; {o}" for o in others)


def _ballot_rule_line(state: RaceState) -> str:
    """What the rule needs of the latest ballot, and how far the leader is from it."""
    rule, tally, leader = state.rule, state.tally, state.leader
    assert rule is not None
    first = rule.criteria[0]
    base = tally.base(first.count, first.of)
    needed = first.parsed.needed(base)
    if leader is None:
        return _rule_line(rule.value, f"not met: {needed} of {base} needed")
    got = tally.count(leader.id, first.count)
    if state.appointed is not None:
        return _rule_line(rule.value, f"met: {leader.name} has {got} of {base}")
    short = f", {needed - got} short" if needed > got else ""
    return _rule_line(
        rule.value, f"not met: {needed} of {base} needed; {leader.name} has {got}{short}"
    )


def candidate_lines(state: RaceState, candidate: Candidate, leader: Candidate | None) -> list[str]:
    """A candidate: what it is, its backing, then its backers, conditions and stances."""
    facts, support = _facts(candidate, leader), _support(state, candidate)
    lines = [f"{candidate.name} ({candidate.id}): {facts}; {support}"]
    plain = [b.member for b in candidate.backers if not b.conditions]
    if plain:
        lines.append(f"  backed by: {listed(plain)}")
    for backing in candidate.backers:
        for index, condition in enumerate(backing.conditions):
            label = backing.member if index == 0 else " " * len(backing.member)
            lines.append(f"  {label} backs on condition: {condition}")
    if candidate.unnamed is not None:
        lines.append(f"  reported backing: {unnamed_phrase(candidate.unnamed)}")
    for stance, words in STANCES.items():
        taking = candidate.members_taking(stance)
        if taking:
            lines.append(f"  {words.takers}: {listed(taking)}")
    for stated in candidate.stated_conditions:
        for condition in stated.conditions:
            lines.append(
                f"  {stated.member} (not backing) sets {condition_for(stated.kind)}: {condition}"
            )
    return lines


def _facts(candidate: Candidate, leader: Candidate | None) -> str:
    """``declared, from NL, leading``: its status and what else is known of it."""
    facts = [candidate.status.value]
    if candidate.country:
        facts.append(f"from {candidate.country}")
    if candidate.put_forward_by:
        facts.append(f"put forward by {candidate.put_forward_by}")
    if candidate is leader and candidate.status is not Status.APPOINTED:
        facts.append("leading")
    if candidate.member:
        facts.append(f"member {candidate.member}")
    return ", ".join(facts)


def _support(state: RaceState, candidate: Candidate) -> str:
    """How much a candidate has: its votes on the latest ballot, or its backing."""
    latest = state.latest_ballot
    backing = f"{len(state.backers_in_electorate(candidate))} backing"
    if latest is not None:
        return f"{state.tally.count(candidate.id, 'members')} votes on ballot {latest.number}"
    rule = state.rule
    if _ranks(state) and rule is not None and rule.count != "members":
        return f"{state.score(candidate)} {rule.count}, {backing}"
    return backing
