"""One cache file at a time: written atomically, read only if it is ours, leftovers of
killed writers swept; and whether a cache directory can be trusted at all.

Cache files hold data only: JSON, with a digest of their contents in front
(``formats/cachefile.py``); no bytes in a cache file can run code.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from stat import S_ISLNK
from typing import Any

from timeline.errors import FileRefused
from timeline.formats import cachefile
from timeline.storage.repository import read_regular

#: A cache file is read up to this size (a race file of 1,000 events is about 1 MB).
_LARGEST_CACHE_FILE = 1 << 30


def untrusted(directory: Path) -> str | None:
    """Why the cache directory ``directory`` (and the folders timeline keeps in it) must
    not be used, or None: owned by another user, or writable by others, it could hold
    files someone else wrote. A directory not made yet is made by us, for us alone."""
    if not hasattr(os, "getuid"):  # not POSIX: ownership cannot be asked this way
        return None
    folders = [directory]
    # missing: made later, ours; unreadable: every read then fails, and there is no cache
    with contextlib.suppress(OSError):
        folders += [entry for entry in directory.iterdir() if entry.name[:1] != "."]
    for folder in folders:
        try:
            info = folder.lstat()
        except OSError:
            continue
        if S_ISLNK(info.st_mode):
            return f"{folder} is a symbolic link"
        if info.st_uid != os.getuid():
            return f"{folder} is owned by someone else (uid {info.st_uid})"
        if info.st_mode & 0o022:
            return f"{folder} can be written by others (mode {info.st_mode & 0o777:o})"
    return None


#: A temporary file older than this is left over from a writer that was killed.
STALE_NS = 10 * 60 * 1_000_000_000


def sweep(home: Path, now_ns: int | None = None) -> None:
    """Remove the temporary files of writers that died before renaming them (kill -9):
    those whose process is gone, and any older than :data:`STALE_NS`."""
    now = time.time_ns() if now_ns is None else now_ns
    for temporary in home.glob(".*.*.*"):
        _, _, rest = temporary.name[1:].partition(".")
        pid_text = rest.split(".")[-2] if rest.count(".") >= 1 else ""
        try:
            pid = int(pid_text)
            age = now - temporary.lstat().st_mtime_ns
        except (ValueError, OSError):
            continue
        if age > STALE_NS or (pid != os.getpid() and not _alive(pid)):
            temporary.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # signal 0 asks only on POSIX; elsewhere go by age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, as another user's
        return True
    return True


def write_file(path: Path, data: Any) -> None:
    """Write JSON ``data`` as a cache file, atomically (a temporary file, renamed)."""
    head, blob = cachefile.dump_parts(data)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(head)
            file.write(blob)
        os.replace(temporary, path)  # atomic: readers see the old file or the new one
    finally:
        temporary.unlink(missing_ok=True)


def read_file(path: Path) -> Any:
    """The JSON data of a cache file, or None if it is missing, damaged, not ours (owned by
    someone else), a link or not a regular file. Data only: no bytes can run code."""
    try:
        blob, info = read_regular(path, _LARGEST_CACHE_FILE)
    except (OSError, FileRefused):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return cachefile.loads(blob)
