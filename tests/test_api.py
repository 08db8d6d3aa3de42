"""The package's public names, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys

import timeline


def test_every_public_name_resolves_to_what_it_names() -> None:
    for name in timeline.__all__:
        value = getattr(timeline, name)
        assert not isinstance(value, type(timeline)), f"timeline.{name} is a module"
    assert callable(timeline.fold)  # not the submodule of the same name


def test_a_warm_command_does_not_import_yaml_or_cattrs() -> None:
    """`timeline state` from the cache needs neither: they load only to read files."""
    code = (
        "import sys, timeline, timeline.cli, timeline.cli.state, timeline.storage.cache;"
        "print(sorted(m for m in ('yaml', 'cattrs', 'edtf') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == result.stdout.strip()
