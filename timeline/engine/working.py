"""The parts of a replay's working copy: who backs whom, and a candidate being replayed.

A :class:`~timeline.engine.replayer.Replayer` keeps a race's state in these mutable
pieces while events apply, and freezes them into the immutable values of
:mod:`timeline.model.state` when asked. Nothing here leaves the replay that made it.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

from timeline.model.state import (
    ACTIVE,
    Backing,
    Candidate,
    StanceHeld,
    StatedCondition,
    Status,
    UnnamedReport,
)

#: A member's backing while replaying: ``(candidate, conditions, since)``, the candidate's
#: id, the conditions on it and the id of the event it dates from (frozen, it becomes a
#: :class:`~timeline.model.state.Backing`). A plain tuple, read by unpacking it into
#: those three names (the fast path compares its candidate, ``[0]``, in place): a named
#: tuple costs a plain endorsement a quarter of its time.
Held = tuple[str, tuple[str, ...], str]

#: What a member that backs nobody holds, to unpack alike: no candidate id is empty.
NO_BACKING: Held = ("", (), "")


class WorkingCandidate:
    """A candidate being replayed: :class:`Candidate` without its backers (the
    replayer keeps those, one per member) and with mutable stated conditions.

    ``frozen`` is the immutable value this copy last equalled; it is reused
    while nothing here changes and the backers stay the same. ``gone`` says, in one
    attribute the replay's fast path reads, that the status is not one of ``ACTIVE``;
    setting ``status`` keeps it so.
    """

    __slots__ = (
        "_status",
        "country",
        "entered",
        "frozen",
        "gone",
        "id",
        "member",
        "name",
        "put_forward_by",
        "stances",
        "stated",
        "stated_by",
        "unnamed",
    )

    def __init__(
        self,
        candidate_id: str,
        name: str,
        status: Status,
        country: str | None,
        put_forward_by: str | None,
        entered: str,
        member: str | None = None,
    ) -> None:
        self.id = candidate_id
        self.member = member
        self.name = name
        self.status = status
        self.country = country
        self.put_forward_by = put_forward_by
        self.stated: list[StatedCondition] = []  # in the order stated
        self.stated_by: dict[str, int] = {}  # member -> how many of ``stated`` are its
        self.stances: dict[str, StanceHeld] = {}  # member -> its stance, other than support
        self.unnamed: UnnamedReport | None = None
        self.entered = entered
        self.frozen: Candidate | None = None

    @property
    def status(self) -> Status:
        return self._status

    @status.setter
    def status(self, status: Status) -> None:
        self._status = status
        self.gone = status not in ACTIVE

    @classmethod
    def thaw(cls, value: Candidate) -> WorkingCandidate:
        copy = cls(
            value.id,
            value.name,
            value.status,
            value.country,
            value.put_forward_by,
            value.entered,
            value.member,
        )
        copy.stated = list(value.stated_conditions)
        copy.stances = {held.member: held for held in value.stances}
        copy.unnamed = value.unnamed
        for stated in copy.stated:
            copy.stated_by[stated.member] = copy.stated_by.get(stated.member, 0) + 1
        copy.frozen = value
        return copy

    def freeze(self, backers: tuple[Backing, ...]) -> Candidate:
        frozen = self.frozen
        if frozen is None or frozen.backers != backers:
            frozen = self.frozen = Candidate(
                self.id,
                self.name,
                self.status,
                country=self.country,
                put_forward_by=self.put_forward_by,
                member=self.member,
                backers=backers,
                stated_conditions=tuple(self.stated),
                entered=self.entered,
                stances=tuple(self.stances[member] for member in sorted(self.stances)),
                unnamed=self.unnamed,
            )
        return frozen

    def state(self, member: str, condition: StatedCondition) -> None:
        """``member``, not backing this candidate, states ``condition`` on it."""
        self.stated.append(condition)
        self.stated_by[member] = self.stated_by.get(member, 0) + 1
        self.frozen = None

    def drop_stated(self, member: str) -> list[str]:
        """Forget the conditions ``member`` stated on this candidate; return them."""
        dropped = [c for s in self.stated if s.member == member for c in s.conditions]
        self.stated = [s for s in self.stated if s.member != member]
        del self.stated_by[member]
        self.frozen = None
        return dropped

    def forget(self, member: str) -> None:
        """``member`` leaves the electorate: its stated conditions and stance go."""
        if member in self.stated_by:
            self.drop_stated(member)
        if self.stances.pop(member, None) is not None:
            self.frozen = None


def not_a_member(member: str, race: str, electorate: Collection[str]) -> str:
    """Why ``member`` cannot act in ``race``: it is not in the electorate (and what was
    perhaps meant). Only a failing event pays for the suggestion."""
    message = f"{member} is not in the electorate of {race} at this date"
    if not electorate:
        return f"{message} (its members are not known one by one, only its size)"
    close = difflib.get_close_matches(member, sorted(electorate), n=1, cutoff=0.75)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def merged(kept: tuple[str, ...], added: tuple[str, ...]) -> tuple[str, ...]:
    """``kept`` and then those of ``added`` not listed yet, in order.

    Compared by equality, not hashed: a condition's text is usually new (only
    short text is interned at load) and long, and hashing it costs more than
    comparing a handful of texts of different lengths.
    """
    result = list(kept)
    for condition in added:
        if condition not in result:
            result.append(condition)
    return tuple(result)


#: Why a candidate no longer in the race cannot be backed.
GONE = {
    Status.WITHDRAWN: "has withdrawn from the race",
    Status.ELIMINATED: "was eliminated from the race",
}
