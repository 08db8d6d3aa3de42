"""The replay checks: every version of a race's history, and the race as reported on
each day, replayed; what does not fit comes back as :class:`~timeline.engine.checks.Finding`.

Every version of a race's history is replayed (before and after each correction
counts), and with ``as_reported`` the race as known on each day a report appeared;
both need the events of that race only, so an edit replays the races it touched.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

import attrs

from timeline.engine.checkpoints import EVERY, SavedStates
from timeline.engine.checks import Field, Finding
from timeline.engine.fold import (
    replay_key,
    replay_order,
    retracted_and_replaced,
    told_at,
    version_ends,
)
from timeline.engine.replayer import Replayer
from timeline.errors import ReplayError
from timeline.model.events import Appointment, Correction, Endorsement, Event, Retraction
from timeline.model.state import RaceState


def by_race(events: Iterable[Event]) -> dict[str, list[Event]]:
    """``events`` grouped by race, the races sorted, each race's events in their order."""
    grouped: dict[str, list[Event]] = {}
    for event in events:
        grouped.setdefault(event.race, []).append(event)
    return dict(sorted(grouped.items()))


def versions(events: Sequence[Event], race: str) -> Iterator[tuple[list[Event], dict[str, str]]]:
    """Every version of ``race``'s history (``fold.version_ends``), in replay order, with
    the corrections that count in it (corrected id -> correction id). Each version is
    told as on its last day, so every ``state_at`` query replays a prefix of one of them.
    """
    corrections = [e for e in events if isinstance(e, Correction)]
    for last in version_ends(events):
        corrected = {c.corrects: c.id for c in corrections if c.date.counts_by(last)}
        yield told_at(events, last, race), corrected


def replay_findings(
    events: Sequence[Event], only: Collection[str] | None = None, warnings: bool = True
) -> Iterator[Finding]:
    """Replay every version of every race's history (of the races in ``only``, when
    given); report what does not fit, once each. Without ``warnings``, errors only."""
    seen: set[Finding] = set()
    for race, mine in by_race(events).items():
        if only is not None and race not in only:
            continue
        for history, corrected in versions(mine, race):
            for finding in replay(race, history, corrected, warn=warnings):
                if finding not in seen:
                    seen.add(finding)
                    yield finding


def as_reported_findings(
    events: Sequence[Event], only: Collection[str] | None = None, *, every: int = EVERY
) -> Iterator[Finding]:
    """Replay each race as known on each day a report appeared; report what does not fit.

    An event reported before the events it needs (an endorsement before any report of
    the candidacy) would make ``--known-on`` fail on those days. A later day adds
    reports, mostly of recent events: the replay of the day before stands up to the
    first event that differs, and resumes from a state saved every ``every`` events.
    """
    seen: set[tuple[str, str]] = set()
    for race, mine in by_race(events).items():
        if only is not None and race not in only:
            continue
        # each event's first report, computed once (a property; asked for on every day);
        # the events sorted into replay order once, not once a day
        reports = [(e, e.reported) for e in replay_order(mine)]
        changes = [(e, e.reported) for e in mine if isinstance(e, Retraction | Correction)]
        unique = len({e.id for e in mine}) == len(mine)  # else supersede's own rules apply
        days = sorted({day for _, day in reports if day is not None})
        previous: list[Event] = []
        saved = SavedStates(race, every)
        for day in days:
            known = [e for e, first in reports if first is not None and first <= day]
            known_changes = [e for e, first in changes if first is not None and first <= day]
            if unique:  # as reported by ``day``
                history = _superseded(known, known_changes)
            else:  # ids repeat (only a caller of the library can pass such events)
                history = told_at(known, datetime.date.max, race)
            saved.keep_first(_common_prefix(previous, history))
            corrected = {e.corrects: e.id for e in known_changes if isinstance(e, Correction)}
            for finding in replay(race, history, corrected, saved=saved, warn=False):
                if finding.severity == "error" and (finding.event, finding.message) not in seen:
                    seen.add((finding.event, finding.message))
                    yield attrs.evolve(finding, message=f"as reported by {day}: {finding.message}")
            previous = history


def _superseded(ordered: list[Event], changes: Sequence[Event]) -> list[Event]:
    """``told_at(events, date.max, race)`` for ``ordered``, the events (each id once)
    already in replay order, and ``changes``, their retractions and corrections in the
    order given: ``supersede`` then ``replay_order``, without sorting again what was
    sorted (a replacement is merged into its place)."""
    if not changes:
        return ordered
    retracted, replaced = retracted_and_replaced(changes)
    gone = retracted | replaced.keys()
    kept = [e for e in ordered if e.id not in gone and not isinstance(e, Retraction | Correction)]
    added = sorted((e for target, e in replaced.items() if target not in retracted), key=replay_key)
    return list(heapq.merge(kept, added, key=replay_key)) if added else kept


def _common_prefix(first: Sequence[Event], second: Sequence[Event]) -> int:
    """How many events the two replay orders share at their start."""
    for index, (a, b) in enumerate(zip(first, second, strict=False)):
        if a is not b:
            return index
    return min(len(first), len(second))


def replay(
    race: str,
    history: list[Event],
    corrected: Mapping[str, str],
    *,
    saved: SavedStates | None = None,
    warn: bool = True,
) -> Iterator[Finding]:
    """The findings of replaying ``history`` (in replay order); with ``saved``, from the
    latest state it holds of the order's start, saving states along the way. Without
    ``warn``, errors only: no check for warnings is made. A finding about an event that
    a correction replaced is about the correction's ``replacement``."""
    first, replayer = (
        (0, Replayer(RaceState(race))) if saved is None else saved.resume(len(history))
    )

    def finding(event: Event, field: Field, message: str, severity: str = "error") -> Finding:
        if event.id in corrected:
            return Finding(corrected[event.id], ("replacement", *field), message, severity)
        return Finding(event.id, field, message, severity)

    for index in range(first, len(history)):
        event = history[index]
        if saved is not None:
            saved.passed(index, replayer)  # ``replayer`` has replayed ``index`` events
        repeated = replayer.repeats(event) if warn and type(event) is Endorsement else ()
        try:
            replayer.apply(event)  # an event that does not fit changes nothing
        except ReplayError as exc:
            yield finding(event, (*exc.field,), exc.message)
            continue
        if warn:
            for field, message in _warnings(replayer, event, repeated):
                yield finding(event, field, message, "warning")


def _warnings(
    replayer: Replayer, event: Event, repeated: tuple[str, ...]
) -> Iterator[tuple[Field, str]]:
    """What is worth a look in ``event``, just applied: an endorsement that changed
    nothing (``repeated``: the events its backings date from), an appointment the
    rule does not support."""
    if repeated:
        assert isinstance(event, Endorsement)
        members = ", ".join(event.members)
        yield (
            ("members",),
            f"{members} already back{'s' if len(event.members) == 1 else ''}"
            f" {event.candidate} since {', '.join(repeated)}, with"
            f" {'these conditions' if event.conditions else 'no new condition'}:"
            " this endorsement changes nothing",
        )
    rule = replayer.rule
    if (
        isinstance(event, Appointment)
        and rule is not None
        and rule.decides  # a tracker's rule decides nothing: no warning
        and not replayer.state().meets_rule(event.candidate)  # the one rule function
    ):
        yield (
            ("candidate",),
            f"{event.candidate} is appointed, but the {rule.value}"
            " rule is not met by the backing recorded on this date",
        )
