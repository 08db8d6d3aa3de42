"""The text and JSON views by their old address: each name is re-exported from its module.

The CLI (and code written against earlier versions) imports these from here. They live
in ``state`` (a race state), ``explain`` (a member or a candidate), ``diff`` (a change),
``listings`` (the log, conflicts, a validation report), ``citations`` (a citation and
a seed article) and ``phrases`` (the words more than one view says).
"""

from __future__ import annotations

from timeline.views.citations import NO_SEEDS, seed_json
from timeline.views.diff import diff_json, diff_lines
from timeline.views.explain import explain_json, explain_text
from timeline.views.listings import (
    conflicts_json,
    conflicts_text,
    log_json,
    log_lines,
    problems_to_github,
    problems_to_json,
)
from timeline.views.phrases import LISTED_MEMBERS, unnamed_phrase
from timeline.views.state import ballot_lines, render_text, state_to_json

__all__ = [
    "LISTED_MEMBERS",
    "NO_SEEDS",
    "ballot_lines",
    "conflicts_json",
    "conflicts_text",
    "diff_json",
    "diff_lines",
    "explain_json",
    "explain_text",
    "log_json",
    "log_lines",
    "problems_to_github",
    "problems_to_json",
    "render_text",
    "seed_json",
    "state_to_json",
    "unnamed_phrase",
]
