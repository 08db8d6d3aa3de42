"""Helpers shared by the tests that work on a copy of the repository."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RACE = "events/nato-secretary-general-2024"


def copy_repository(target: Path) -> Path:
    """Copy the project's events/, seeds/ and docs/ into ``target``; return it."""
    for name in ("events", "seeds", "docs"):
        shutil.copytree(REPO / name, target / name)
    return target


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the hash of its content, to prove nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
