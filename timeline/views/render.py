"""Presenting a :class:`RaceState`: readable text and stable JSON.

Pure functions from values to ``str``/``dict``; the CLI prints what they return.
The JSON keys are documented in ``docs/cli.md`` and only ever added to.
"""

from __future__ import annotations

import datetime
import enum
import types
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from timeline.model.events import BallotKind, Citation, Event, Member, Position
from timeline.model.seeds import SeedRecord
from timeline.model.state import (
    Backing,
    Candidate,
    RaceState,
    StanceHeld,
    Status,
    UnnamedReport,
    votes_of,
)

if TYPE_CHECKING:  # for annotations only: `timeline state` needs neither module
    from timeline.engine.diff import StateDiff
    from timeline.engine.query import Conflict
    from timeline.errors import Problem


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
        "candidates": [_candidate_json(state, c) for c in state.candidates],
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
        "possibly_already": [_event_json(e) for e in possibly],
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


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.TYPE,
        "date": event.date.text,
        "summary": event.summary,
    }


def _candidate_json(state: RaceState, candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "name": candidate.name,
        "status": candidate.status.value,
        "country": candidate.country,
        "put_forward_by": candidate.put_forward_by,
        "backers": [
            {"member": b.member, "conditions": list(b.conditions), "since": b.since}
            for b in candidate.backers
        ],
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
        "stances": [_stance_json(s) for s in candidate.stances],
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
    size = state.electorate_size
    leader = state.leader
    if state.body is not None:
        lines.append(f"Body: {state.body} (a later stage of the race)")
    lines.append(_electorate_line(state))
    rule = state.rule.value if state.rule else "?"
    ranks = state.rule is not None and not state.rule.decides
    if state.latest_ballot is not None:
        lines.extend(ballot_lines(state))
    elif ranks and leader is not None:
        lines.append(f"Rule: {rule} — {leader.name} leads with {_score(state, leader)}.")
    elif leader is not None:
        backing = len(state.backers_in_electorate(leader))
        verdict = "met" if state.decided else "not met"
        lines.append(f"Rule: {rule} — {verdict}: {backing} of {size} back {leader.name}.")
    else:
        lines.append(f"Rule: {rule} — no candidate has backers yet.")
    holdouts = state.holdouts
    if leader is not None and state.latest_ballot is None and not ranks:
        lines.append(f"Holdouts ({len(holdouts)}): {_listed(holdouts)}")
    appointed = state.candidate(state.appointed) if state.appointed else None
    if appointed is None:
        lines.append("Appointed: nobody yet")
    else:
        taking = f", taking office {state.takes_office.text}" if state.takes_office else ""
        term = f", for {state.term}" if state.term else ""
        lines.append(f"Appointed: {appointed.name}{taking}{term}")
    shown = list(state.candidates)
    if ranks:  # a tracker: by what it ranks by, then by entry
        shown.sort(key=lambda c: -state.score(c))
    for candidate in shown:
        lines.append("")
        lines.extend(_candidate_lines(state, candidate, leader))
    if possibly:
        lines += ["", "Possibly already (dated up to a later day, so not counted yet):"]
        lines += [f"  {e.date.text}  {e.id}: {e.summary}" for e in possibly]
    return "\n".join(lines) + "\n"


#: An electorate (or a list of holdouts or backers) this large is given by its size, not
#: member by member; ``--format json`` lists every one.
LISTED_MEMBERS = 60


def _listed(members: Sequence[str]) -> str:
    if len(members) > LISTED_MEMBERS:
        return f"{len(members)} members (--format json lists them)"
    return " ".join(members) or "none"


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


def _electorate_line(state: RaceState) -> str:
    if state.size is not None:
        return f"Electorate ({state.size}, known only by its size)"
    if len(state.electorate) > LISTED_MEMBERS:
        return f"Electorate ({len(state.electorate)} members)"
    return f"Electorate ({len(state.electorate)}): {' '.join(sorted(state.electorate))}"


def ballot_lines(state: RaceState) -> list[str]:
    """The latest ballot: who had how many votes, what the rule needs, who is short."""
    ballot = state.latest_ballot
    assert ballot is not None
    tally = state.tally
    names = {c.id: c.name for c in state.candidates}
    record = f", {ballot.record}" if ballot.record else ""
    head = f"Ballot {ballot.number} ({ballot.date.text}{record})"
    if ballot.kind is BallotKind.STRAW_POLL:
        lines = [f"{head}, a straw poll:"]
        for candidate in sorted({t.candidate for t in ballot.votes if t.candidate}):
            parts = [
                f"{t.size} {t.vote.value}" + (f" ({t.group})" if t.group else "")
                for t in ballot.votes
                if t.candidate == candidate
            ]
            lines.append(f"  {names.get(candidate, candidate)}: {', '.join(parts)}")
    else:
        people = sorted(
            {t.candidate for t in ballot.votes if t.candidate is not None},
            key=lambda c: (-tally.count(c, "members"), names.get(c, c)),
        )
        standing = ", ".join(f"{names.get(c, c)} {tally.count(c, 'members')}" for c in people)
        others = [f"{t.vote.value} {t.size}" for t in ballot.votes if t.candidate is None]
        lines = [f"{head}: {standing}" + "".join(f"; {o}" for o in others) + "."]
    rule = state.rule
    if rule is None or not rule.decides:
        return lines
    first = rule.criteria[0]
    base = tally.base(first.count, first.of)
    needed = first.parsed.needed(base)
    leader = state.leader
    if state.appointed is not None and leader is not None:
        got = tally.count(leader.id, first.count)
        lines.append(f"Rule: {rule.value} — met: {leader.name} has {got} of {base}.")
    elif leader is not None:
        got = tally.count(leader.id, first.count)
        short = f", {needed - got} short" if needed > got else ""
        lines.append(
            f"Rule: {rule.value} — not met: {needed} of {base} needed; {leader.name} has"
            f" {got}{short}."
        )
    else:
        lines.append(f"Rule: {rule.value} — not met: {needed} of {base} needed.")
    return lines


def _candidate_lines(state: RaceState, candidate: Candidate, leader: Candidate | None) -> list[str]:
    facts = [candidate.status.value]
    if candidate.country:
        facts.append(f"from {candidate.country}")
    if candidate.put_forward_by:
        facts.append(f"put forward by {candidate.put_forward_by}")
    if candidate is leader and candidate.status is not Status.APPOINTED:
        facts.append("leading")
    if candidate.member:
        facts.append(f"member {candidate.member}")
    latest = state.latest_ballot
    if latest is not None:
        votes = state.tally.count(candidate.id, "members")
        summary = f"{votes} votes on ballot {latest.number}"
    elif state.rule is not None and not state.rule.decides and state.rule.count != "members":
        summary = f"{state.score(candidate)} {state.rule.count}, "
        summary += f"{len(state.backers_in_electorate(candidate))} backing"
    else:
        summary = f"{len(state.backers_in_electorate(candidate))} backing"
    lines = [f"{candidate.name} ({candidate.id}): {', '.join(facts)}; {summary}"]
    plain = [b.member for b in candidate.backers if not b.conditions]
    if plain:
        lines.append(f"  backed by: {_listed(plain)}")
    for backing in candidate.backers:
        for index, condition in enumerate(backing.conditions):
            label = backing.member if index == 0 else " " * len(backing.member)
            lines.append(f"  {label} backs on condition: {condition}")
    if candidate.unnamed is not None:
        lines.append(f"  reported backing: {unnamed_phrase(candidate.unnamed)}")
    for stance, phrase in ((Position.OPPOSE, "opposed by"), (Position.ABSTAIN, "abstaining")):
        taking = candidate.members_taking(stance)
        if taking:
            lines.append(f"  {phrase}: {_listed(taking)}")
    for stated in candidate.stated_conditions:
        kind = "support" if stated.kind.value == "support" else "not blocking"
        for condition in stated.conditions:
            lines.append(
                f"  {stated.member} (not backing) sets a condition for {kind}: {condition}"
            )
    return lines


def problems_to_json(problems: Sequence[Problem], files: int) -> dict[str, Any]:
    """A validation report as JSON-ready data."""
    errors = sum(1 for p in problems if p.severity == "error")
    return {
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "severity": p.severity,
                "message": p.message,
            }
            for p in problems
        ],
    }


def problems_to_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands: one annotation per problem."""
    return "".join(
        f"::{p.severity} file={_escape(p.path, True)},line={p.line},col={p.column}"
        f"::{_escape(p.message, False)}\n"
        for p in problems
    )


def _escape(text: str, is_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def log_lines(events: Sequence[Event], superseded: dict[str, str]) -> str:
    """One line per event: latest possible day, date as written, type, id, summary."""
    lines = []
    for event in events:
        mark = f"  [superseded by {superseded[event.id]}]" if event.id in superseded else ""
        lines.append(
            f"{event.date.latest}  {event.date.text:<15} {event.TYPE:<17} {event.id}: "
            f"{event.summary}{mark}"
        )
    return "".join(f"{line}\n" for line in lines)


def log_json(events: Sequence[Event], superseded: dict[str, str]) -> list[dict[str, Any]]:
    """The log as JSON-ready data."""
    return [
        {
            **_event_json(e),
            "counts_from": e.date.latest.isoformat(),
            "superseded_by": superseded.get(e.id),
        }
        for e in events
    ]


#: No seed metadata: the default of the functions that can show it.
NO_SEEDS: Mapping[str, SeedRecord] = types.MappingProxyType({})


def _cite(citation: Citation, seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    where = citation.document or f"{citation.url} ({citation.publisher})"
    record = seeds.get(citation.document) if citation.document else None
    if record is not None and record.label:
        where += f" ({record.label})"
    if citation.quote is None:
        return f"{where}: {citation.record}"
    return f"{where}: \u201c{citation.quote}\u201d"


def conflicts_text(found: Sequence[Conflict], seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    """Each disagreement: the event, what its sources say, and the source against it."""
    blocks = []
    for conflict in found:
        event, dissent = conflict.event, conflict.dissent
        about = f" (on {dissent.field})" if dissent.field else ""
        lines = [f"{event.date.text}  {event.id}{about}", f"  recorded: {event.summary}"]
        lines += [f"    {_cite(c, seeds)}" for c in conflict.recorded]
        lines += [f"  disputed: {dissent.claim}", f"    {_cite(dissent, seeds)}"]
        blocks.append("\n".join(lines))
    return "".join(f"{block}\n\n" for block in blocks).rstrip("\n") + ("\n" if blocks else "")


def _citation_json(
    citation: Citation, seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> dict[str, Any]:
    record = seeds.get(citation.document) if citation.document else None
    return {
        "document": citation.document,
        "url": citation.url,
        "publisher": citation.publisher,
        "record": citation.record,
        "quote": citation.quote,
        "seed": None if record is None else seed_json(record),
    }


def seed_json(record: SeedRecord) -> dict[str, Any]:
    """What is known of a seed article, as JSON-ready data."""
    return {
        "document": record.document,
        "title": record.title,
        "publisher": record.publisher,
        "author": record.author,
        "url": record.url,
        "published": record.published.text if record.published else None,
        "retrieved": record.retrieved.text if record.retrieved else None,
    }


def conflicts_json(
    found: Sequence[Conflict], seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> list[dict[str, Any]]:
    """The disagreements as JSON-ready data."""
    return [
        {
            "event": _event_json(c.event),
            "field": c.dissent.field,
            "recorded": [_citation_json(s, seeds) for s in c.recorded],
            "claim": c.dissent.claim,
            "dissent": _citation_json(c.dissent, seeds),
        }
        for c in found
    ]


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
        kind, summary = "candidate", _candidate_json(state, candidate)
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
                **_event_json(e),
                "sources": [_citation_json(c, seeds) for c in e.sources],
                "dissent": [{**_citation_json(d, seeds), "claim": d.claim} for d in e.dissent],
            }
            for e in chain
        ],
        "possibly_already": [_event_json(e) for e in possibly],
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
        lines = _candidate_lines(state, candidate, state.leader)
        lines[0] = f"{lines[0]} — at {at.isoformat()}"
    else:
        lines = [f"{subject} at {at.isoformat()}: {_member_sentence(state, subject)}"]
    lines += ["", f"How we know ({len(chain)} events, in replay order):"]
    for event in chain:
        lines.append(f"  {event.date.text}  {event.TYPE}  {event.id}: {event.summary}")
        lines += [f"      {_cite(c, seeds)}" for c in event.sources]
        lines += [f"      disputed ({d.claim}): {_cite(d, seeds)}" for d in event.dissent]
    if possibly:
        lines += ["", "Possibly already (not counted yet):"]
        lines += [f"  {e.date.text}  {e.id}: {e.summary}" for e in possibly]
    return "\n".join(lines) + "\n"


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
        sentence = f"in the electorate, backing {backed.name}"
        if facts["conditions"]:
            sentence += " on condition: " + "; ".join(facts["conditions"])
    for stated in facts["stated_conditions"]:
        kind = "support" if stated["kind"] == "support" else "not blocking"
        conditions = "; ".join(stated["conditions"])
        sentence += f"; sets a condition for {kind} of {stated['candidate']}: {conditions}"
    for stance in facts["stances"]:
        sentence += f"; {_STANCE_VERBS[Position(stance['stance'])]} {stance['candidate']}"
    return sentence + (" (a holdout)." if facts["holdout"] else ".")


#: A stance other than support, as a verb: "HU opposes Mark Rutte".
_STANCE_VERBS = {Position.OPPOSE: "opposes", Position.ABSTAIN: "abstains on"}


def _stance_lines(
    name: str, before: Sequence[StanceHeld], after: Sequence[StanceHeld]
) -> list[str]:
    """A candidate's stances that changed: taken, changed, or given up."""
    old = {s.member: s.stance for s in before}
    new = {s.member: s.stance for s in after}
    lines = [
        f"{member} now {_STANCE_VERBS[stance]} {name}"
        for member, stance in new.items()
        if old.get(member) is not stance
    ]
    lines += [
        f"{member} no longer {_STANCE_VERBS[stance]} {name}"
        for member, stance in old.items()
        if member not in new
    ]
    return lines


def _stance_json(stance: StanceHeld) -> dict[str, str]:
    return {"member": stance.member, "stance": stance.stance.value, "event": stance.event}


def _names(before: RaceState, after: RaceState) -> dict[str, str]:
    return {c.id: c.name for c in (*before.candidates, *after.candidates)}


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, UnnamedReport):
        return unnamed_phrase(value)
    return getattr(value, "text", value)  # a Date prints as written


def unnamed_phrase(report: UnnamedReport) -> str:
    """A report of backers not named, in words: ``about 16 members besides US GB FR DE
    (not named)``."""
    amount = f"{report.count} members" if report.count is not None else f"{report.share} of"
    amount += " the electorate" if report.share is not None else ""
    text = f"about {amount}" if report.approximate else amount
    if report.besides:
        text += f" besides {' '.join(report.besides)}"
    return f"{text} (not named; {report.event})"


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
    starting = {b.member for c in change.changed for b in c.backing_added}
    moved_from = {b.member: c.id for c in change.changed for b in c.backing_removed}
    for item in change.changed:
        name = names[item.id]
        for field, old, new in item.fields:
            lines.append(f"{name}: {field} {_value(old)} -> {_value(new)}")
        plain = [
            b.member for b in item.backing_added if not b.conditions and b.member not in moved_from
        ]
        if plain:
            lines.append(f"started backing {name}: {' '.join(plain)}")
        for backing in item.backing_added:
            if backing.member in plain:
                continue
            origin = moved_from.get(backing.member)
            verb = f"moved from {names[origin]} to" if origin else "started backing"
            conditions = "; ".join(backing.conditions)
            lines.append(
                f"{backing.member} {verb} {name}"
                + (f" on condition: {conditions}" if conditions else "")
            )
        stopped = [b.member for b in item.backing_removed if b.member not in starting]
        if stopped:
            lines.append(f"stopped backing {name}: {' '.join(stopped)}")
        for old_backing, new_backing in item.backing_changed:
            for condition in new_backing.conditions:
                if condition not in old_backing.conditions:
                    lines.append(f"{new_backing.member} set a condition for {name}: {condition}")
        if item.stated_conditions:
            old_stated, new_stated = item.stated_conditions
            for stated in new_stated:
                if stated not in old_stated:
                    kind = "support" if stated.kind.value == "support" else "not blocking"
                    text = "; ".join(stated.conditions)
                    lines.append(f"{stated.member} set a condition for {kind} of {name}: {text}")
            now_backing = _backers_of(after, item.id)
            for stated in old_stated:
                # conditions carried into a new backing are not dropped
                if stated not in new_stated and stated.member not in now_backing:
                    lines.append(f"{stated.member}'s stated conditions on {name} no longer stand")
        if item.stances:
            lines.extend(_stance_lines(name, *item.stances))
    for ballot in change.ballots_added:
        lines.append(f"ballot {ballot.number} ({ballot.date.text}): {ballot.summary}")
    for ballot in change.ballots_removed:
        lines.append(f"ballot {ballot.number} no longer counts")
    if change.moved:
        first = before.ballots[-1].number if before.ballots else None
        last = after.ballots[-1].number
        lines.append(f"moved between ballot {first} and ballot {last}: {len(change.moved)}")
        for member, old, new in change.moved:
            lines.append(
                f"  {_member_name(after, member)}: {_vote(names, old)} -> {_vote(names, new)}"
            )
    for member, old_record, new_record in change.members:
        lines.append(f"member {member}: {_record(old_record)} -> {_record(new_record)}")
    if change.decided is not None:
        lines.append(
            "the decision rule is now met"
            if change.decided[1]
            else "the decision rule is no longer met"
        )
    return "".join(f"{line}\n" for line in lines)


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


def _backing_json(backing: Backing) -> dict[str, Any]:
    return {
        "member": backing.member,
        "conditions": list(backing.conditions),
        "since": backing.since,
    }


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
        "entered": [_candidate_json(after, c) for c in change.entered],
        "gone": [c.id for c in change.gone],
        "changed": [
            {
                "id": item.id,
                "fields": [
                    {"field": name, "from": _value(old), "to": _value(new)}
                    for name, old, new in item.fields
                ],
                "backing_added": [_backing_json(b) for b in item.backing_added],
                "backing_removed": [_backing_json(b) for b in item.backing_removed],
                "backing_changed": [
                    {"from": _backing_json(old), "to": _backing_json(new)}
                    for old, new in item.backing_changed
                ],
                "stances": (
                    {
                        "from": [_stance_json(s) for s in item.stances[0]],
                        "to": [_stance_json(s) for s in item.stances[1]],
                    }
                    if item.stances
                    else None
                ),
            }
            for item in change.changed
        ],
        "decided": {"from": change.decided[0], "to": change.decided[1]} if change.decided else None,
        "ballots_added": [b.id for b in change.ballots_added],
        "ballots_removed": [b.id for b in change.ballots_removed],
        "moved": [{"member": m, "from": old, "to": new} for m, old, new in change.moved],
        "members_changed": [m for m, _, _ in change.members],
    }


def _backers_of(state: RaceState, candidate_id: str) -> set[str]:
    candidate = state.candidate(candidate_id)
    return {b.member for b in candidate.backers} if candidate else set()
