"""The words for what more than one view says: one phrase per concept.

A list of members (or its size, when it is long), a condition's kind, a stance other
than support, backing reported but not named, the conditions of a backing. The text of
a state, of an explanation and of a diff say each of these through what is here.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence

import attrs

from timeline.model.events import ConditionKind, Position
from timeline.model.state import UnnamedReport

#: An electorate (or a list of holdouts or backers) this large is given by its size, not
#: member by member; ``--format json`` lists every one.
LISTED_MEMBERS = 60


def listed(members: Sequence[str]) -> str:
    """Members by their codes, or by their number when there are many; "none" if none."""
    if len(members) > LISTED_MEMBERS:
        return f"{len(members)} members (--format json lists them)"
    return " ".join(members) or "none"


#: What a condition a member sets (without backing) is the price of.
CONDITION_KINDS: Mapping[ConditionKind, str] = types.MappingProxyType(
    {ConditionKind.SUPPORT: "support", ConditionKind.NOT_BLOCKING: "not blocking"}
)


def condition_for(kind: ConditionKind, candidate: str | None = None) -> str:
    """``a condition for support`` or ``a condition for not blocking of Mark Rutte``."""
    of = f" of {candidate}" if candidate is not None else ""
    return f"a condition for {CONDITION_KINDS[kind]}{of}"


def on_condition(conditions: Sequence[str]) -> str:
    """The conditions of a backing after its verb (`` on condition: a; b``), or nothing."""
    return f" on condition: {'; '.join(conditions)}" if conditions else ""


@attrs.frozen
class StanceWords:
    """A stance other than support, in words."""

    verb: str  # of a member: "HU opposes Mark Rutte"
    takers: str  # before the members who take it: "opposed by: HU TR"


#: Each stance a member can hold on a candidate, in the order a candidate's lines list them.
STANCES: Mapping[Position, StanceWords] = types.MappingProxyType(
    {
        Position.OPPOSE: StanceWords("opposes", "opposed by"),
        Position.ABSTAIN: StanceWords("abstains on", "abstaining"),
    }
)


def unnamed_phrase(report: UnnamedReport) -> str:
    """A report of backers not named, in words: ``about 16 members besides US GB FR DE
    (not named)``."""
    amount = f"{report.count} members" if report.count is not None else f"{report.share} of"
    amount += " the electorate" if report.share is not None else ""
    text = f"about {amount}" if report.approximate else amount
    if report.besides:
        text += f" besides {' '.join(report.besides)}"
    return f"{text} (not named; {report.event})"
