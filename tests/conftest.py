"""Shared fixtures and the hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs more examples than the
default profile; ``fast`` is for quick local iterations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import copy_repository

settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fast", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's events, seeds and docs, as the working directory."""
    monkeypatch.chdir(copy_repository(tmp_path))
    return tmp_path


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never depend on the real clock."""
    monkeypatch.setenv("TIMELINE_TODAY", "2026-01-01")


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test has a cache of its own: commands run through it (so every CLI test also
    checks that the cache changes nothing), and no test touches the user's cache."""
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
