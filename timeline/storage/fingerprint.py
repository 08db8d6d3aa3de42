"""Noticing what changed: a digest per directory of its files' stats, and whether one
file is as recorded.

A file is unchanged when its size, modification time, change time and inode are as
recorded. A file modified within :data:`RACY_NS` of the moment those were recorded
could change again without its time moving (timestamps are coarse), so such a file is
trusted only if the digest of its bytes is as recorded (git's "racily clean" entries).
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import pickle  # only to hash directory listings: nothing is ever unpickled
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from timeline.errors import FileRefused
from timeline.storage.repository import (
    MAX_FILE_BYTES,
    MAX_SEED_BYTES,
    Stat,
    digest,
    entry_stat,
    read_regular,
    root_of,
)

#: A file the cache compares by content is read up to this size (the larger of the
#: loader's two limits); a larger one is never equal to what was recorded.
_LARGEST = max(MAX_FILE_BYTES, MAX_SEED_BYTES)

#: A file modified this close to the moment its stat was recorded is checked by content.
RACY_NS = 2_000_000_000

_YAML = (".yaml", ".yml")


def seed_stats(root: Path) -> Iterator[tuple[str, Stat]]:
    """Every file under ``seeds/`` (quotes are checked against them) and its stat."""
    seeds = root / "seeds"
    prefix = len(str(seeds)) + 1
    stack = [str(seeds)]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        yield entry.path[prefix:], entry_stat(entry)
        except OSError:
            continue


def digest_file(path: Path) -> bytes:
    """The digest of a seed (b"" for one not read: a link, a FIFO, too large, unreadable)."""
    try:
        return digest(read_regular(path, _LARGEST)[0])
    except (OSError, FileRefused):
        return b""


def fingerprint(events_dir: Path) -> tuple[dict[str, bytes], int]:
    """A digest per directory of the names and stats of its event files (and of every file
    under ``seeds/``), and the newest modification time among them.

    Equal digests mean no file was added, removed, renamed or touched; this is
    the one cost of a warm load that grows with the repository (a stat per
    file). Stat calls are cheap to run side by side in two processes, so from
    :data:`FORK_FROM` directories on a forked child takes half of them.
    """
    seeds = root_of(events_dir) / "seeds"
    roots = [("seeds", str(seeds), False), ("events", str(events_dir), True)]
    try:
        with os.scandir(events_dir) as scan:
            subdirectories = sorted(
                e.path for e in scan if not e.name.startswith(".") and _is_directory(e)
            )
    except OSError:
        subdirectories = []
    if len(subdirectories) < FORK_FROM or not _can_fork():
        return _fingerprint(roots, events_dir, subdirectories)
    half = subdirectories[len(subdirectories) // 2 :]
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through the pipe
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as out:
                digests, newest = _fingerprint([], events_dir, half)
                found = {label: value.hex() for label, value in digests.items()}
                out.write(json.dumps([found, newest]).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(writer)
    mine = _fingerprint(roots, events_dir, subdirectories[: len(subdirectories) // 2])
    with os.fdopen(reader, "rb") as incoming:
        data = incoming.read()
    os.waitpid(child, 0)
    try:  # data, as everything timeline reads: never a pickle
        found, newest = json.loads(data)
        theirs = ({label: bytes.fromhex(value) for label, value in found.items()}, int(newest))
    except (ValueError, TypeError, AttributeError):  # the child failed: do its half here
        theirs = _fingerprint([], events_dir, half)
    return {**mine[0], **theirs[0]}, max(mine[1], theirs[1])


#: From this many directories under events/, :func:`fingerprint` uses a second process.
FORK_FROM = 16


def _can_fork() -> bool:
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir() and not entry.is_symlink()
    except OSError:
        return False


def _fingerprint(
    roots: list[tuple[str, str, bool]], events_dir: Path, subdirectories: list[str]
) -> tuple[dict[str, bytes], int]:
    """``fingerprint`` of ``roots`` (label, path, top level only?) and of each of
    ``subdirectories`` of the events directory with everything below it."""
    digests: dict[str, bytes] = {}
    newest = 0
    prefix = len(str(events_dir)) + 1
    stack = [(label, path, shallow) for label, path, shallow in roots]
    stack += [(f"events/{path[prefix:]}", path, False) for path in subdirectories]
    while stack:  # a hot loop: one stat per file, and as little else as can be
        label, path, shallow = stack.pop()
        events = label.startswith("events")
        found: list[tuple[str, int, int, int, int]] = []
        try:
            with os.scandir(path) as scan:
                for entry in scan:
                    name = entry.name
                    if events and not (name.endswith(_YAML) and name[0] != "."):
                        if name[0] != "." and not shallow and _is_directory(entry):
                            stack.append((f"{label}/{name}", entry.path, False))
                        continue  # not an event file
                    try:
                        info = entry.stat()
                    except OSError:
                        found.append((name, -1, 0, 0, 0))
                        continue
                    if S_ISDIR(info.st_mode):  # a directory, named like a file or in seeds/
                        if not shallow and not entry.is_symlink():
                            stack.append((f"{label}/{name}", entry.path, False))
                        continue
                    found.append(
                        (name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                    )
        except OSError:
            found.append(("", -1, 0, 0, 0))  # unreadable
        if found:
            newest = max(newest, max(map(operator.itemgetter(2), found)))
        digests[label] = hashlib.blake2b(pickle.dumps(found), digest_size=16).digest()
    return digests, newest


def same(recorded: Any, stat: Stat, directory: Path, rel: str, taken_ns: int) -> bool:
    """True when the file ``rel`` in ``directory`` is certainly as ``recorded`` (stat, digest)."""
    if recorded is None or recorded[0] != stat or stat[0] < 0:
        return False
    if stat[1] < taken_ns - RACY_NS:
        return True
    try:  # racily clean: the stat cannot tell, the content can
        return bool(digest(read_regular(directory / rel, _LARGEST)[0]) == recorded[1])
    except (OSError, FileRefused):
        return False
