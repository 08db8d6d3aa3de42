"""What a ballot does to a race: checked whole, recorded, and then decided by the rule.

A ballot is the one event whose effect depends on the rule: when its result meets
the rule, its winner is appointed; when it does not, the rule's eliminations apply.
Part of the replay's transitions (:mod:`timeline.engine.transitions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.engine.working import WorkingCandidate, not_a_member
from timeline.errors import ReplayError
from timeline.model.events import Ballot, BallotKind, Tally, Vote
from timeline.model.state import ACTIVE, Status

if TYPE_CHECKING:
    from timeline.engine.replayer import Replayer


def ballot(r: Replayer, event: Ballot) -> None:
    """A ballot: checked whole (numbers in order, voters in the electorate, each voting
    once, counts that add up), then recorded; when its result meets the rule, its winner
    is appointed, else the rule's eliminations apply."""
    if r.appointed is not None:
        raise ReplayError(event.id, f"the race is decided: {r.appointed} is appointed", ("type",))
    last = r.ballots[-1].number if r.ballots else 0
    if event.number <= last:
        raise ReplayError(
            event.id,
            f"ballot {event.number} replays after ballot {last}: number ballots in the order"
            " they were held",
            ("number",),
        )
    newcomers = _people_voted_for(r, event)
    if event.roll_call:
        _check_roll_call(r, event)
    else:
        _check_counts(r, event)
    for index, candidate_id in enumerate(event.eliminated):
        known = r.candidates.get(candidate_id)
        if (known is None or known.status not in ACTIVE) and candidate_id not in newcomers:
            raise ReplayError(
                event.id, f"{candidate_id} is not a candidate in the race", ("eliminated", index)
            )
    for candidate_id, tally in newcomers.items():
        assert tally.name is not None  # checked by _people_voted_for
        r.add(
            WorkingCandidate(
                candidate_id, tally.name, Status.MENTIONED, None, None, event.id, tally.member
            )
        )
    r.ballots.append(event)
    r.frozen_ballots = None
    for candidate_id in event.eliminated:
        _eliminate(r, candidate_id)
    if event.kind is BallotKind.VOTE and r.rule is not None:
        _decide(r, event)


def _people_voted_for(r: Replayer, event: Ballot) -> dict[str, Tally]:
    """The people ``event`` gives votes to whom the race does not know yet, by id."""
    newcomers: dict[str, Tally] = {}
    for index, tally in enumerate(event.votes):
        if tally.candidate is None:
            continue
        known = r.candidates.get(tally.candidate)
        if known is not None:
            if known.status is Status.ELIMINATED:
                raise ReplayError(
                    event.id, f"{tally.candidate} was eliminated", ("votes", index, "candidate")
                )
            continue
        if tally.candidate in newcomers:
            continue
        if tally.name is None:
            raise ReplayError(
                event.id,
                f"unknown candidate {tally.candidate!r}: give the 'name' of a person voted"
                " for who is not in the race",
                ("votes", index, "candidate"),
            )
        if tally.member is not None and tally.member not in r.electorate:
            raise ReplayError(
                event.id,
                not_a_member(tally.member, r.race, r.electorate),
                ("votes", index, "member"),
            )
        newcomers[tally.candidate] = tally
    return newcomers


def _check_roll_call(r: Replayer, event: Ballot) -> None:
    """Every voter is in the electorate and votes once (in a straw poll: once on each
    candidate)."""
    electorate = r.electorate
    straw = event.kind is BallotKind.STRAW_POLL
    seen: set[object] = set()
    for index, tally in enumerate(event.votes):
        for position, member in enumerate(tally.members):
            where = ("votes", index, "members", position)
            if member not in electorate:
                raise ReplayError(event.id, not_a_member(member, r.race, electorate), where)
            key = (member, tally.candidate) if straw else member
            if key in seen:
                on = f" on {tally.candidate}" if straw else ""
                raise ReplayError(event.id, f"{member} votes twice{on} in this ballot", where)
            seen.add(key)


def _check_counts(r: Replayer, event: Ballot) -> None:
    """Counts that cannot add up are refused: more votes than voters (in a straw poll, on
    one candidate), more in a group than the group has members, or more in a group than
    in the whole."""
    size = r.size if r.size is not None else len(r.electorate)
    straw = event.kind is BallotKind.STRAW_POLL
    totals: dict[str | None, int] = {}
    whole: dict[tuple[str | None, Vote], int] = {}
    in_group: dict[tuple[str, str | None], int] = {}
    for tally in event.votes:
        count = tally.count or 0
        if tally.group is None:
            scope = tally.candidate if straw else None
            totals[scope] = totals.get(scope, 0) + count
            whole[(tally.candidate, tally.vote)] = count
        else:
            scope = tally.candidate if straw else None
            in_group[(tally.group, scope)] = in_group.get((tally.group, scope), 0) + count
    for scope, total in totals.items():
        if total > size:
            on = f" on {scope}" if scope is not None else ""
            raise ReplayError(
                event.id,
                f"{total} votes counted{on}, more than the {size} members of the electorate",
                ("votes",),
            )
    for index, tally in enumerate(event.votes):
        if tally.group is None:
            continue
        members = sum(1 for m in r.records.values() if m.groups and tally.group in m.groups)
        scope = tally.candidate if straw else None
        if r.size is None and in_group[(tally.group, scope)] > members:
            raise ReplayError(
                event.id,
                f"{in_group[(tally.group, scope)]} votes counted in group {tally.group!r},"
                f" which has {members} members",
                ("votes", index, "count"),
            )
        overall = whole.get((tally.candidate, tally.vote))
        if overall is not None and (tally.count or 0) > overall:
            raise ReplayError(
                event.id,
                f"{tally.count} in group {tally.group!r}, more than the {overall} counted in all",
                ("votes", index, "count"),
            )


def _eliminate(r: Replayer, candidate_id: str) -> None:
    candidate = r.candidates[candidate_id]
    candidate.status = Status.ELIMINATED
    candidate.frozen = None
    backers = [member for member, (backer, _, _) in r.support.items() if backer == candidate_id]
    r.drop_backers(backers)


def _decide(r: Replayer, event: Ballot) -> None:
    """After a ballot of kind vote: the candidate its result elects is appointed; when
    nobody is elected, the rule's eliminations apply."""
    rule = r.rule
    assert rule is not None
    state = r.state()
    tally = state.tally
    active = [c for c in state.candidates if c.status in ACTIVE]
    winners = [c for c in active if state.meets_rule(c.id)]  # the one rule function
    if winners:
        winner = max(winners, key=lambda c: tally.count(c.id, rule.count))
        candidate = r.candidates[winner.id]
        candidate.status = Status.APPOINTED
        candidate.frozen = None
        r.appointed = winner.id
        return
    if rule.eliminate is None:
        return
    scores = {c.id: tally.count(c.id, rule.count) for c in active}
    below = rule.eliminate.below
    out = [c for c, score in scores.items() if below is not None and score < below]
    remaining = {c: s for c, s in scores.items() if c not in out}
    keep = rule.eliminate.lowest_until
    if keep is not None and len(remaining) > keep:
        lowest = min(remaining.values())
        tied = [c for c, score in remaining.items() if score == lowest]
        if len(remaining) - len(tied) >= keep:
            out += tied
    for candidate_id in out:
        _eliminate(r, candidate_id)
