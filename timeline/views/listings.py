"""Lists a reader scans: the log, the disagreements between sources, a validation report.

The log is one line per event in replay order (or its JSON); the conflicts are each
event a source disputes, with its sources and the source against it; a validation
report's problems are JSON or GitHub Actions annotations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from timeline.model.events import Event
from timeline.model.seeds import SeedRecord
from timeline.views.citations import NO_SEEDS, citation_json, cite_text
from timeline.views.state import event_json

if TYPE_CHECKING:  # for annotations only: `timeline state` needs neither module
    from timeline.engine.query import Conflict
    from timeline.errors import Problem


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
            **event_json(e),
            "counts_from": e.date.latest.isoformat(),
            "superseded_by": superseded.get(e.id),
        }
        for e in events
    ]


def conflicts_text(found: Sequence[Conflict], seeds: Mapping[str, SeedRecord] = NO_SEEDS) -> str:
    """Each disagreement: the event, what its sources say, and the source against it."""
    blocks = []
    for conflict in found:
        event, dissent = conflict.event, conflict.dissent
        about = f" (on {dissent.field})" if dissent.field else ""
        lines = [f"{event.date.text}  {event.id}{about}", f"  recorded: {event.summary}"]
        lines += [f"    {cite_text(c, seeds)}" for c in conflict.recorded]
        lines += [f"  disputed: {dissent.claim}", f"    {cite_text(dissent, seeds)}"]
        blocks.append("\n".join(lines))
    return "".join(f"{block}\n\n" for block in blocks).rstrip("\n") + ("\n" if blocks else "")


def conflicts_json(
    found: Sequence[Conflict], seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> list[dict[str, Any]]:
    """The disagreements as JSON-ready data."""
    return [
        {
            "event": event_json(c.event),
            "field": c.dissent.field,
            "recorded": [citation_json(s, seeds) for s in c.recorded],
            "claim": c.dissent.claim,
            "dissent": citation_json(c.dissent, seeds),
        }
        for c in found
    ]


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
