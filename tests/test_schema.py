"""The JSON Schema is derived from the model and agrees with the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given

from timeline import DateError, Event, parse_date, structure_event, unstructure_event
from timeline.cli import main
from timeline.cli.new import SCHEMA_FILE
from timeline.formats import yamlio
from timeline.formats.schema import event_schema
from timeline.storage.write import write_new_event

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


# --- the date pattern agrees with parse_date ------------------------------------------------

DATE = jsonschema.Draft202012Validator({"$ref": "#/$defs/date", "$defs": event_schema()["$defs"]})

#: Dates parse_date accepts and the pattern accepts.
ACCEPTED = [
    "2024", "0001", "2024-06", "2024-06-18", "2024-02-29", "2024?", "2024~", "2024-06%",
    "2024-06-18?", "2023-10~", "2024-21", "2024-24", "2024-41", "2024-03/2024-06",
    "2024/2025-06-18", "2024-06-18/2024-06-19", "2024-06-18/2024-06-18", "../2024-04-02",
    "/2024-04-02", "../2024", "2024-03?/2024-06~", "../2024-06%", "2024-21/2024-22",
    "../2024-24~", "2024-02-22/2024-03-06", "2024-21~", "../2024-25", "2024-28/2025-32",
]  # fmt: skip
#: Not dates to parse_date, nor to the pattern.
REFUSED = [
    "18/06/2024", "2024-6-18", "2024-6", "June 2024", "18 June 2024", "2024-13", "2024-00",
    "2024-06-00", "2024-06-32", "0000", "0000-06-18", "24", "20240618", "02024", "2024-1",
    "2024-06-18/..", "2024~/..", "../..", "..", "/", "../", "", "2024-06-18/2024-06-19/2024",
    "../2024/2025", "..2024", "2024?~", "2024-21?~", "2024-42", "2024-20", "../2024-33",
    "2024-06-18_", "2024E2", "2024-06-18/",
]  # fmt: skip
#: Refused by parse_date for what a regex cannot know (the calendar, the order of the
#: ends); the pattern lets them through and `timeline validate` refuses them.
CALENDAR_ONLY = [
    "2024-02-30", "2023-02-29", "2024-06-31", "2024-02-30~", "2024-06-19/2024-06-18",
    "2024-03/2024-02", "2024-24/2024-21", "9999-24",
]  # fmt: skip
#: Accepted by parse_date but not by the pattern, which knows the forms people write, not
#: all of EDTF: a time, unspecified digits, sets, a qualifier before a component,
#: significant digits and spaces around the date (YAML drops them unless quoted).
EDTF_ONLY = [
    "2024-06-18T10:00:00", "202X", "2024-XX", "[2024,2025]", "{2024,2025}", "[..2024]",
    "?2024-06", "2024-?06", "2024S2", " 2024",
]  # fmt: skip


def _parses(text: str) -> bool:
    try:
        parse_date(text)
    except DateError:
        return False
    return True


@pytest.mark.parametrize(
    ("text", "by_parse_date", "by_pattern"),
    [(t, True, True) for t in ACCEPTED]
    + [(t, False, False) for t in REFUSED]
    + [(t, False, True) for t in CALENDAR_ONLY]
    + [(t, True, False) for t in EDTF_ONLY],
    ids=repr,
)
def test_the_date_pattern_accepts_what_parse_date_accepts(
    text: str, by_parse_date: bool, by_pattern: bool
) -> None:
    assert (by_parse_date, by_pattern) == (_parses(text), DATE.is_valid(text))


def _interval_grid() -> list[str]:
    # a month stands for a year too, ~ for ? and % (parse_date treats them alike)
    points = ["2024-06", "2024-06-18", "2024-21", "2024-25", "2024-13"]
    ends = [p + q for p in points for q in ("", "~", "?~")]
    return ends + [f"{a}/{b}" for a in ["", "..", *ends] for b in [*ends, ".."]]


def test_the_date_pattern_agrees_with_parse_date_on_every_interval_of_these_forms() -> None:
    """Every single date and interval of a few forms, qualified or not: the pattern
    accepts exactly what parse_date accepts, except intervals that end before they begin."""
    disagreements = []
    for text in _interval_grid():
        try:
            parse_date(text)
            parses = True
        except DateError as exc:
            if "ends before it begins" in str(exc):
                continue  # the pattern cannot compare the ends
            parses = False
        if parses != DATE.is_valid(text):
            disagreements.append(text)
    assert [] == disagreements


def test_check_jsonschema_reads_the_date_pattern_as_python_does(tmp_path: Path) -> None:
    """check-jsonschema matches patterns with an ECMA-262 engine (regress), as editors do;
    the verdicts above come from Python's re. Both read the pattern alike."""
    event = _hungary_text()
    texts = ACCEPTED + REFUSED + CALENDAR_ONLY + EDTF_ONLY
    paths = []
    for n, text in enumerate(texts):
        path = tmp_path / f"{n}.yaml"
        path.write_text(event.replace("date: 2024-06-18", f"date: {json.dumps(text)}"), "utf-8")
        paths.append(path)
    status, output = _check_jsonschema(*paths, output_format="json")
    failed = {Path(error["filename"]).name for error in json.loads(output)["errors"]}
    expected = {f"{n}.yaml" for n, text in enumerate(texts) if not DATE.is_valid(text)}
    assert (1, expected) == (status, failed)


# --- check-jsonschema, the contributor's tool, on real and broken files ---------------------

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
HUNGARY = ROOT / "events/nato-secretary-general-2024/2024-06-18-hungary-backs-rutte.yaml"


def _hungary_text() -> str:
    return HUNGARY.read_text(encoding="utf-8")


def _check_jsonschema(*paths: Path, output_format: str = "text") -> tuple[int, str]:
    """Run check-jsonschema (verbose: every error, not just the best match) on ``paths``."""
    result = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--schemafile",
            str(ROOT / SCHEMA_FILE),
            "--color",
            "never",
            "--verbose",
            "--output-format",
            output_format,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def _errors(path: Path) -> tuple[int, list[tuple[str, str]], str]:
    """check-jsonschema's exit status, its errors as (path, message), and its whole output."""
    status, output = _check_jsonschema(path, output_format="json")
    report = json.loads(output)
    assert [] == report.get("parse_errors", [])
    return status, [(e["path"], e["message"]) for e in report["errors"]], output


def _write(tmp_path: Path, text: str, name: str = "event.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_jsonschema_passes_every_event_file() -> None:
    paths = sorted((ROOT / "events").rglob("*.yaml"))
    assert paths
    status, output = _check_jsonschema(*paths)
    assert (0, "ok -- validation done") == (status, output.strip().splitlines()[-1])


def test_check_jsonschema_reads_an_unquoted_no_as_norway(tmp_path: Path) -> None:
    """check-jsonschema reads YAML 1.2, as the loader does: NO is a string, not false."""
    text = _hungary_text().replace("members: [HU]", "members: [HU, NO]")
    assert "members: [HU, NO]\n" in text
    assert (0, []) == _errors(_write(tmp_path, text))[:2]


def test_check_jsonschema_passes_a_new_event_with_its_modeline(tmp_path: Path) -> None:
    """`timeline new` writes a yaml-language-server modeline first; the file still passes."""
    event = structure_event(yamlio.parse(_hungary_text()).data)
    directory = tmp_path / "events" / event.race
    path = write_new_event(directory, event, taken=(), schema=ROOT / SCHEMA_FILE)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert (0, []) == _errors(path)[:2]


def test_check_jsonschema_tells_an_endorsement_only_about_endorsements(tmp_path: Path) -> None:
    """The schema is keyed on type: no "'office' is a required property" from openings."""
    text = _hungary_text().replace("candidate: mark-rutte\n", "")
    status, errors, output = _errors(_write(tmp_path, text))
    assert (1, [("$", "'candidate' is a required property")]) == (status, errors)
    assert "office" not in output


def test_check_jsonschema_refuses_a_day_month_year_date(tmp_path: Path) -> None:
    text = _hungary_text().replace("date: 2024-06-18", "date: 18/06/2024")
    status, errors, _ = _errors(_write(tmp_path, text))
    assert (1, ["$.date"]) == (status, [path for path, _ in errors])
    assert errors[0][1].startswith("'18/06/2024' does not match ")


def test_check_jsonschema_refuses_an_unknown_type_with_one_error(tmp_path: Path) -> None:
    text = _hungary_text().replace("type: endorsement", "type: endorsment")
    status, errors, _ = _errors(_write(tmp_path, text))
    assert (1, ["$.type"]) == (status, [path for path, _ in errors])
    assert errors[0][1].startswith("'endorsment' is not one of ['opening', ")


def _correction(replacement: str) -> str:
    """A correction of the Hungary endorsement; ``replacement`` is an event without id/race."""
    return (
        "type: correction\n"
        "id: 2024-07-01-correct-hungary\n"
        "race: nato-secretary-general-2024\n"
        "date: 2024-07-01\n"
        "summary: Hungary's endorsement is recorded again\n"
        "corrects: 2024-06-18-hungary-backs-rutte\n"
        "reason: The summary left out the condition.\n"
        "replacement:\n"
        + "".join(f"  {line}\n" for line in replacement.splitlines())
        + "sources:\n"
        "  - document: seeds/003_30db4212d268332d.txt\n"
        "    quote: q\n"
    )


def _replacement() -> str:
    """The Hungary endorsement without its id and race, as a correction's replacement."""
    lines = _hungary_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith(("id: ", "race: ")))


def test_check_jsonschema_passes_a_correction_whose_replacement_has_no_id_or_race(
    tmp_path: Path,
) -> None:
    assert (0, []) == _errors(_write(tmp_path, _correction(_replacement())))[:2]


def test_check_jsonschema_tells_a_correction_what_its_replacement_lacks(tmp_path: Path) -> None:
    replacement = _replacement().replace("candidate: mark-rutte\n", "")
    status, errors, output = _errors(_write(tmp_path, _correction(replacement)))
    assert (1, [("$.replacement", "'candidate' is a required property")]) == (status, errors)
    assert "office" not in output
