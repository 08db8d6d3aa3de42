"""The JSON Schema is derived from the model and agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given

from timeline import Event, unstructure_event, yamlio
from timeline.cli import main
from timeline.cli.new import SCHEMA_FILE
from timeline.schema import event_schema

from strategies import event_values

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = jsonschema.Draft202012Validator(event_schema())


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(event_schema())


def test_timeline_schema_prints_it_and_the_committed_copy_is_current() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert 0 == result.exit_code
    assert event_schema() == json.loads(result.output)
    assert result.output == (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "events").rglob("*.yaml")), ids=lambda p: p.name)
def test_every_event_file_passes_the_schema(path: Path) -> None:
    data = yamlio.parse(path.read_text(encoding="utf-8")).data
    assert [] == [error.message for error in VALIDATOR.iter_errors(data)]


@given(event_values)
def test_every_valid_event_passes_the_schema(event: Event) -> None:
    """The schema accepts whatever the model accepts (for any event of any type)."""
    data = yamlio.parse(yamlio.dump(unstructure_event(event))).data
    assert VALIDATOR.is_valid(data)


def _hungary() -> dict[str, Any]:
    path = ROOT / "events/nato-secretary-general-2024/2024-06-18-hungary-backs-rutte.yaml"
    data: dict[str, Any] = yamlio.parse(path.read_text(encoding="utf-8")).data
    return data


@pytest.mark.parametrize(
    "change",
    [
        {"members": ["UK"]},
        {"members": []},
        {"members": "HU"},
        {"candidat": "mark-rutte"},
        {"candidate": "Mark Rutte"},
        {"sources": []},
        {"sources": [{"quote": "q"}]},
        {"sources": [{"url": "https://example.org/x", "quote": "q"}]},
        {"sources": [{"document": "/etc/passwd", "quote": "q"}]},
        {"sources": [{"document": "seeds/../README.md", "quote": "q"}]},
        {"summary": ""},
        {"type": "endorsment"},
        {"id": "Hungary_Backs"},
    ],
    ids=str,
)
def test_the_schema_refuses_broken_files(change: dict[str, Any]) -> None:
    assert not VALIDATOR.is_valid({**_hungary(), **change})
