"""The append-only rule, checked against git: merged event files are never changed.

The only module that runs git. It asks which event files differ between a base
revision (the target branch of a pull request) and the working tree; a file
that existed at the base and was modified, renamed or deleted breaks the rule.
Adding files is how the log grows, so additions are fine.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from timeline.errors import Problem, TimelineError

_CHANGES = {"M": "modified", "D": "deleted", "R": "renamed", "T": "changed in type"}


class GitError(TimelineError):
    """git could not answer: not a repository, an unknown revision, or no git at all."""


def append_only_problems(events_dir: Path, base: str) -> list[Problem]:
    """One error per event file that existed at ``base`` and was changed since."""
    root = Path(_git(events_dir, "rev-parse", "--show-toplevel").strip()).resolve()
    relative = events_dir.resolve().relative_to(root)
    # pathspecs are relative to the working directory: run from the top
    output = _git(root, "diff", "--name-status", "-M", "--no-ext-diff", base, "--", str(relative))
    problems = []
    for line in output.splitlines():
        status, *paths = line.split("\t")
        change = _CHANGES.get(status[:1])
        if change is None:  # added or copied: the log grew
            continue
        shown = events_dir / Path(root, paths[0]).relative_to(root / relative)
        renamed = f" to {paths[1]}" if status.startswith("R") and len(paths) > 1 else ""
        problems.append(
            Problem(
                str(shown),
                1,
                1,
                f"this event file existed at {base} and was {change}{renamed}; merged events"
                " are never edited: add a correction or retraction event instead",
            )
        )
    return problems


def _git(cwd: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed; --base needs it") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git failed"])[0]
        raise GitError(f"git {args[0]}: {reason}")
    return result.stdout
