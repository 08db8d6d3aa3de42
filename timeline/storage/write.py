"""Writing a new event file: named after its id, never over another file.

The file is created with ``O_CREAT | O_EXCL`` (Python's ``"x"`` mode), so two
writers can never produce the same file; if the id is taken, by a file here or
an event anywhere in the repository, ``-2``, ``-3``, ... is appended until a
free one is created.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

import attrs

from timeline.errors import CommandError
from timeline.formats import yamlio
from timeline.formats.codec import unstructure_event
from timeline.model.events import Event

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_ID_WORDS = 6


def suggest_id(date_text: str, summary: str) -> str:
    """An id from the date as written and the first words of the summary."""
    day = "-".join(part for part in re.split(r"[^0-9]+", date_text) if part)
    words = _NOT_SLUG.sub(" ", summary.lower()).split()[:MAX_ID_WORDS]
    return "-".join([day, *words]) if day else "-".join(words)


def write_new_event(
    directory: Path, event: Event, taken: Collection[str], schema: Path | None = None
) -> Path:
    """Create ``directory/<id>.yaml`` for ``event`` (its id made free first); return its path.

    With ``schema``, the file starts with a yaml-language-server modeline
    pointing at it, so editors check the file as it is edited.
    """
    directory.mkdir(parents=True, exist_ok=True)
    base = event.id
    for attempt in range(1, 1000):
        candidate = attrs.evolve(event, id=base if attempt == 1 else f"{base}-{attempt}")
        if candidate.id in taken:
            continue
        path = directory / f"{candidate.id}.yaml"
        text = yamlio.dump(unstructure_event(candidate))
        if schema is not None:
            relative = os.path.relpath(schema, directory)
            text = f"# yaml-language-server: $schema={relative}\n{text}"
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
        except FileExistsError:
            continue
        return path
    raise CommandError(f"no free id from {base!r} in {directory}: nothing written")
