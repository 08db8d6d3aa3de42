"""Importers: public records of real races turned into ordinary event files.

An importer reads a public data set (never copied into the repository) and returns
events, each citing the original publisher's record; :func:`write_events` writes them
as any contributor's files would be written. Importing again is harmless: a file that
exists with the same content is left as it is, and one that exists with other content
is an error (merged events are never edited; a correction is a new event).

May import: ``timeline.errors``, the core (``model``, ``engine``, ``formats``) and
``storage``; never ``views`` or ``cli``. What imports it: the CLI only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from timeline.errors import ImportFailure
from timeline.formats import yamlio
from timeline.formats.codec import unstructure_event
from timeline.model.events import Event


def event_text(event: Event) -> str:
    """The YAML file of ``event``, as ``timeline new`` would write it."""
    return yamlio.dump(unstructure_event(event))


def write_events(events_dir: Path, events: Sequence[Event]) -> tuple[list[Path], list[Path]]:
    """Write each event to ``events_dir/<race>/<id>.yaml``; return (written, unchanged).

    Nothing is written when any file exists with other content: the import stops
    before its first write, with :class:`ImportFailure` naming that file.
    """
    planned = [(events_dir / e.race / f"{e.id}.yaml", event_text(e)) for e in events]
    unchanged: list[Path] = []
    for path, text in planned:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise ImportFailure(f"{path}: exists and is not a regular file; nothing written")
        if path.exists():
            if path.read_text(encoding="utf-8") != text:
                raise ImportFailure(
                    f"{path}: exists with other content (merged events are never edited:"
                    " correct them with a new event); nothing written"
                )
            unchanged.append(path)
    written: list[Path] = []
    for path, text in planned:
        if path in unchanged:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
        written.append(path)
    return written, unchanged
