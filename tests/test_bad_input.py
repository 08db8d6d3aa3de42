"""`timeline state` on bad input: one line per problem with file, line and column,
exit status 1, no traceback, and nothing written. (tests/test_broken_corpus.py holds one
file per failure mode for `timeline validate`; these cases check that `state` answers the
same way.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main

from helpers import RACE, snapshot


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / RACE / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _write(name: str, content: bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / RACE / name).write_bytes(content)

    return edit


HUNGARY = "2024-06-18-hungary-backs-rutte"
CASES: list[tuple[str, Callable[[Path], None], str | re.Pattern[str]]] = [
    (
        "malformed YAML",
        _replace(HUNGARY, "members: [HU]", "members: [HU"),
        # libyaml and the pure-Python parser word this differently; both name line 7
        re.compile(
            rf"{RACE}/{HUNGARY}\.yaml:7:\d+: error: malformed YAML: .*expected ',' or '\]'.*"
        ),
    ),
    (
        "impossible date",
        _replace(HUNGARY, "date: 2024-06-18", "date: 2024-06-31"),
        f"{RACE}/{HUNGARY}.yaml:4:1: error: date: '2024-06-31' is not a real date: June 2024 has 30 days",
    ),
    (
        "unknown member",
        _replace(HUNGARY, "members: [HU]", "members: [HU, UK]"),
        f"{RACE}/{HUNGARY}.yaml:6:15: error: members[1]: unknown member 'UK': the ISO 3166-1 alpha-2 code is 'GB'",
    ),
    (
        "member outside the electorate at that date",
        _replace("2024-02-22-germany-backs-rutte", "members: [DE]", "members: [DE, SE]"),
        f"{RACE}/2024-02-22-germany-backs-rutte.yaml:6:15: error: SE is not in the electorate of nato-secretary-general-2024 at this date",
    ),
    (
        "endorsement before any candidacy",
        _replace(HUNGARY, "candidate: mark-rutte", "candidate: viktor-orban"),
        f"{RACE}/{HUNGARY}.yaml:7:1: error: unknown candidate 'viktor-orban': no candidacy or mention of it counts by 2024-06-18 (an event counts from its latest possible day)",
    ),
    (
        "endorsement of a withdrawn candidate",
        _replace(HUNGARY, "candidate: mark-rutte", "candidate: kaja-kallas"),
        f"{RACE}/{HUNGARY}.yaml:7:1: error: kaja-kallas has withdrawn from the race",
    ),
    (
        "id differs from the file name",
        _replace(HUNGARY, f"id: {HUNGARY}", "id: hungary-backs-rutte"),
        f"{RACE}/{HUNGARY}.yaml:2:1: error: id 'hungary-backs-rutte' must equal the file name stem '{HUNGARY}'",
    ),
    (
        "quote not in the document",
        _replace(HUNGARY, "Hungary is ready to support", "Hungary is eager to support"),
        f"{RACE}/{HUNGARY}.yaml:16:5: error: sources[1].quote: not found verbatim in seeds/003_30db4212d268332d.txt; closest passage (line 11): “… light of his pledge, Hungary is ready to support PM Rutte’s bid for Nato secretary general,” Mr Orban …”; first difference at word 8: the quote has 'eager', the document has 'ready'",
    ),
    (
        "document outside seeds/",
        _replace(
            HUNGARY, "document: seeds/003_30db4212d268332d.txt", "document: seeds/../README.md"
        ),
        f"{RACE}/{HUNGARY}.yaml:11:5: error: sources[0].document: 'seeds/../README.md' must be a plain relative path like 'seeds/x.txt'",
    ),
    (
        "document that does not exist",
        _replace(
            HUNGARY, "document: seeds/003_30db4212d268332d.txt", "document: seeds/missing.txt"
        ),
        f"{RACE}/{HUNGARY}.yaml:11:5: error: sources[0].document: seeds/missing.txt does not exist in the repository's seeds/",
    ),
    (
        "unknown field",
        _replace(HUNGARY, "candidate: mark-rutte", "candidate: mark-rutte\ncandidat: x"),
        f"{RACE}/{HUNGARY}.yaml:8:1: error: candidat: unknown field 'candidat'; did you mean 'candidate'?",
    ),
    (
        "unsafe tag",
        _replace(HUNGARY, "summary: ", "summary: !!python/object/apply:os.system "),
        f"{RACE}/{HUNGARY}.yaml:5:10: error: YAML tags are not allowed in event files (tag:yaml.org,2002:python/object/apply:os.system)",
    ),
    (
        "duplicate key",
        _replace(HUNGARY, "candidate: mark-rutte", "candidate: mark-rutte\ncandidate: mark-rutte"),
        f"{RACE}/{HUNGARY}.yaml:8:1: error: duplicate key 'candidate' (first given on line 7)",
    ),
    (
        "not UTF-8",
        _write("2024-06-30-latin1.yaml", "summary: caf\xe9\n".encode("latin-1")),
        f"{RACE}/2024-06-30-latin1.yaml:1:1: error: is not UTF-8 text (byte 0xe9 at offset 12)",
    ),
    (
        "empty file",
        _write("2024-06-30-empty.yaml", b""),
        f"{RACE}/2024-06-30-empty.yaml:1:1: error: the file is empty; an event file is a mapping of fields",
    ),
    (
        "not a mapping",
        _write("2024-06-30-list.yaml", b"- type: endorsement\n"),
        f"{RACE}/2024-06-30-list.yaml:1:1: error: an event file must be a mapping of fields (key: value)",
    ),
    (
        "file too large",
        _write("2024-06-30-huge.yaml", b"# " + b"x" * 300_000 + b"\n"),
        f"{RACE}/2024-06-30-huge.yaml:1:1: error: is 300003 bytes; event files are limited to 262144",
    ),
]


@pytest.mark.parametrize(("name", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_line_and_exit_1(
    name: str,
    edit: Callable[[Path], None],
    expected: str | re.Pattern[str],
    repo: Path,
) -> None:
    edit(repo)
    before = snapshot(repo)
    result = CliRunner().invoke(main, ["state", "--at", "2024-06-18"])
    lines = result.stderr.splitlines()
    assert (1, 1) == (result.exit_code, len(lines)), result.stderr
    if isinstance(expected, str):
        assert expected == lines[0]
    else:
        assert expected.fullmatch(lines[0]), lines[0]
    assert "" == result.stdout
    assert "Traceback" not in result.output
    assert before == snapshot(repo)


def test_every_problem_is_reported_not_just_the_first(repo: Path) -> None:
    _write("2024-06-30-empty.yaml", b"")(repo)
    _replace("2024-02-22-germany-backs-rutte", "date: 2024-02-22", "date: 2024-02-30")(repo)
    result = CliRunner().invoke(main, ["state", "--at", "2024-06-18"])
    assert 1 == result.exit_code
    assert 2 == len(result.stderr.splitlines())
