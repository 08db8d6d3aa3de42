"""The append-only rule, checked against git: merged event files and seeds are never changed.

The only module that runs git. It asks which files of ``events/`` and ``seeds/``
differ between a base revision (the target branch of a pull request) and the
working tree; a file that existed at the base and was modified, renamed, deleted
or changed in type breaks the rule: an event's meaning depends on the seed its
quote is checked against as much as on its own text. Adding files is how the log
grows, so additions are fine; so is editing ``seeds/metadata.yaml`` and
``seeds/records.yaml``, which say what is known of the articles and of the records
events cite (adding a seed means adding its record) and are checked on their own.
(A symbolic link is refused by every load, merged or not: its content would live
outside the diff.)

``base`` comes from the command line, or from a pull request: it is resolved to
one commit with ``git rev-parse --verify --end-of-options`` before any other use,
so it can never be read by git as an option.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from timeline.errors import GitError, Problem
from timeline.model.seeds import METADATA
from timeline.model.sources import RECORDS

#: The files of seeds/ that may be edited: what is known of the sources, not sources.
EDITABLE = (METADATA, RECORDS)

_CHANGES = {"M": "modified", "D": "deleted", "R": "renamed", "T": "changed in type"}
_NEVER_EDITED = {
    "events": "merged events are never edited: add a correction or retraction event instead",
    "seeds": "merged seed documents are never edited: events quote them as they were;"
    " add a new document instead",
}


def append_only_problems(events_dir: Path, base: str) -> list[Problem]:
    """One error per file of ``events/`` or ``seeds/`` that existed at ``base`` and was
    changed since."""
    root = Path(_git(events_dir, "rev-parse", "--show-toplevel").strip()).resolve()
    commit = resolve_revision(root, base)
    events = events_dir.resolve().relative_to(root)
    folders = {"events": events, "seeds": events.parent / "seeds"}
    editable = {events.parent / name for name in EDITABLE}  # these files, not any of that name
    problems: list[Problem] = []
    for kind, relative in folders.items():
        # pathspecs are relative to the working directory: run from the top
        output = _git(
            root, "diff", "--name-status", "-M", "--no-ext-diff", commit, "--", str(relative)
        )
        for line in output.splitlines():
            status, *paths = line.split("\t")
            change = _CHANGES.get(status[:1])
            if change is None:  # added or copied: the log grew
                continue
            if kind == "seeds" and status[:1] == "M" and Path(paths[0]) in editable:
                continue  # what is known of the sources grows: validation checks it
            renamed = f" to {paths[1]}" if status.startswith("R") and len(paths) > 1 else ""
            what = "event file" if kind == "events" else "seed document"
            problems.append(
                Problem(
                    _shown(events_dir, root, events, paths[0]),
                    1,
                    1,
                    f"this {what} existed at {base} and was {change}{renamed};"
                    f" {_NEVER_EDITED[kind]}",
                )
            )
    return problems


def resolve_revision(root: Path, base: str) -> str:
    """The commit ``base`` names; a :class:`GitError` if it names none (an option, a
    range, a path, a blob: only a revision is accepted)."""
    if not base or base.startswith("-") or any(c.isspace() or ord(c) < 32 for c in base):
        raise GitError(f"--base: {base!r} is not a git revision")
    try:
        output = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}"
        )
    except GitError:
        raise GitError(f"--base: {base!r} names no commit in this repository") from None
    return output.strip()


def _shown(events_dir: Path, root: Path, events: Path, path: str) -> str:
    """``path`` (relative to the work tree's top) as the user's paths are written."""
    full = Path(root, path)
    if full.is_relative_to(root / events):
        return str(events_dir / full.relative_to(root / events))
    return os.path.normpath(Path(events_dir, "..", full.relative_to(root / events.parent)))


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
