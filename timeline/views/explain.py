"""Why a member or a candidate stands where it does on a day, as text and JSON.

Its state (a candidate as the state shows it; a member in a summary and a sentence:
whom it backs or how it voted, its conditions and stances), then every event that
counts by then and names it, each with its sources and the sources against it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.model.events import ConditionKind, Event, Position
from timeline.model.seeds import SeedRecord
from timeline.model.state import RaceState, votes_of
from timeline.views.citations import NO_SEEDS, citation_json, cite_text
from timeline.views.phrases import STANCES, condition_for, on_condition
from timeline.views.state import candidate_json, candidate_lines, event_json, possibly_lines


def explain_json(
    state: RaceState,
    at: datetime.date,
    subject: str,
    chain: Sequence[Event],
    possibly: Sequence[Event],
    seeds: Mapping[str, SeedRecord] = NO_SEEDS,
) -> dict[str, Any]:
    """Why ``subject`` (a member code or a candidate id) stands where it does at ``at``."""
    candidate = state.candidate(subject)
    if candidate is not None:
        kind, summary = "candidate", candidate_json(state, candidate)
    else:
        kind, summary = "member", _member_summary(state, subject)
    return {
        "subject": subject,
        "kind": kind,
        "at": at.isoformat(),
        "race": state.race,
        "state": summary,
        "events": [
            {
                **event_json(e),
                "sources": [citation_json(c, seeds) for c in e.sources],
                "dissent": [{**citation_json(d, seeds), "claim": d.claim} for d in e.dissent],
            }
            for e in chain
        ],
        "possibly_already": [event_json(e) for e in possibly],
    }


def explain_text(
    state: RaceState,
    at: datetime.date,
    subject: str,
    chain: Sequence[Event],
    possibly: Sequence[Event],
    seeds: Mapping[str, SeedRecord] = NO_SEEDS,
) -> str:
    """The readable form of :func:`explain_json`."""
    candidate = state.candidate(subject)
    if candidate is not None:
        lines = candidate_lines(state, candidate, state.leader)
        lines[0] = f"{lines[0]} — at {at.isoformat()}"
    else:
        lines = [f"{subject} at {at.isoformat()}: {_member_sentence(state, subject)}"]
    lines += ["", f"How we know ({len(chain)} events, in replay order):"]
    for event in chain:
        lines.append(f"  {event.date.text}  {event.TYPE}  {event.id}: {event.summary}")
        lines += [f"      {cite_text(c, seeds)}" for c in event.sources]
        lines += [f"      disputed ({d.claim}): {cite_text(d, seeds)}" for d in event.dissent]
    lines += possibly_lines(possibly, "Possibly already (not counted yet):")
    return "\n".join(lines) + "\n"


def _member_summary(state: RaceState, member: str) -> dict[str, Any]:
    backing = next(
        ((c, b) for c in state.candidates for b in c.backers if b.member == member), None
    )
    stated = [
        {"candidate": c.id, "kind": s.kind.value, "conditions": list(s.conditions)}
        for c in state.candidates
        for s in c.stated_conditions
        if s.member == member
    ]
    latest = state.latest_ballot
    return {
        "in_electorate": member in state.electorate,
        "backs": backing[0].id if backing else None,
        "conditions": list(backing[1].conditions) if backing else [],
        "stated_conditions": stated,
        "stances": [
            {"candidate": c.id, "stance": s.stance.value}
            for c in state.candidates
            for s in c.stances
            if s.member == member
        ],
        "vote": votes_of(latest).get(member) if latest is not None else None,
        "holdout": member in state.holdouts,
    }


def _member_sentence(state: RaceState, member: str) -> str:
    facts = _member_summary(state, member)
    if not facts["in_electorate"]:
        return "not in the electorate."
    backed = state.candidate(facts["backs"]) if facts["backs"] else None
    latest = state.latest_ballot
    if facts["vote"] is not None and latest is not None:
        voted = state.candidate(facts["vote"])
        how = {"abstain": "voted present", "absent": "did not vote"}.get(
            facts["vote"], f"voted for {voted.name if voted else facts['vote']}"
        )
        sentence = f"in the electorate; on ballot {latest.number} {how}"
    elif backed is None:
        sentence = "in the electorate, backing no candidate"
    else:
        sentence = f"in the electorate, backing {backed.name}{on_condition(facts['conditions'])}"
    for stated in facts["stated_conditions"]:
        condition = condition_for(ConditionKind(stated["kind"]), stated["candidate"])
        sentence += f"; sets {condition}: {'; '.join(stated['conditions'])}"
    for stance in facts["stances"]:
        sentence += f"; {STANCES[Position(stance['stance'])].verb} {stance['candidate']}"
    return sentence + (" (a holdout)." if facts["holdout"] else ".")
