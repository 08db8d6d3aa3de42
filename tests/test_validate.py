"""`timeline validate`: every problem, three formats, corrections, the append-only rule."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from timeline import load_repository, parse_date, state_at
from timeline.cli import main

from helpers import RACE, REPO


def validate(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


def _example(heading: str) -> str:
    """The illustrative YAML example under ``heading`` in docs/event-format.md."""
    doc = (REPO / "docs" / "event-format.md").read_text(encoding="utf-8")
    section = doc.split(f"### `{heading}`", 1)[1]
    match = re.search(r"```yaml\n(# ILLUSTRATIVE.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def _files(repo: Path) -> int:
    return len(list((repo / RACE).glob("*.yaml")))


def test_the_real_repository_is_valid(repo: Path) -> None:
    result = validate()
    assert (0, "", f"{_files(repo)} event files checked: 0 errors, 0 warnings\n") == (
        result.exit_code,
        result.stdout,
        result.stderr,
    )


def test_a_date_after_today_is_an_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMELINE_TODAY", "2024-06-19")
    result = validate()
    assert 1 == result.exit_code
    lines = result.stdout.splitlines()
    assert (
        f"{RACE}/2024-06-20-iohannis-withdraws.yaml:4:1: error: date: 2024-06-20 is in the future (today is 2024-06-19)"
        in lines
    )
    assert (
        f"{RACE}/2024-06-26-rutte-appointed.yaml:4:1: error: date: 2024-06-26 is in the future (today is 2024-06-19)"
        in lines
    )
    # every file dated (or whose correction's replacement is dated) after that day, and
    # only those
    later = set()
    for path in (repo / RACE).glob("*.yaml"):
        dates = re.findall(r"^ *date: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        earliest = [parse_date(d).earliest for d in dates]
        if any(e is not None and e > datetime.date(2024, 6, 19) for e in earliest):
            later.add(path.name)
    assert later == {line.split(":")[0].rsplit("/", 1)[1] for line in lines}
    assert all(line.endswith("is in the future (today is 2024-06-19)") for line in lines)
    assert f"{_files(repo)} event files checked: {len(lines)} errors, 0 warnings\n" == (
        result.stderr
    )


def test_an_appointment_the_rule_does_not_support_is_a_warning(repo: Path) -> None:
    (repo / RACE / "2024-06-20-romania-backs-rutte.yaml").unlink()
    result = validate()
    assert 0 == result.exit_code
    assert [
        f"{RACE}/2024-06-26-correct-rutte-appointed.yaml:16:3: warning: mark-rutte is appointed, but the consensus rule is not met by the backing recorded on this date"
    ] == result.stdout.splitlines()


def test_json_and_github_formats(repo: Path) -> None:
    path = repo / RACE / "2024-06-18-hungary-backs-rutte.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[HU]", "[HU, UK]"), encoding="utf-8")
    data = json.loads(validate("--format", "json").stdout)
    message = "members[1]: unknown member 'UK': the ISO 3166-1 alpha-2 code is 'GB'"
    assert {
        "files": _files(repo),
        "errors": 1,
        "warnings": 0,
        "problems": [
            {
                "path": f"{RACE}/2024-06-18-hungary-backs-rutte.yaml",
                "line": 6,
                "column": 15,
                "severity": "error",
                "message": message,
            }
        ],
    } == data
    github = validate("--format", "github")
    assert 1 == github.exit_code
    assert [
        f"::error file={RACE}/2024-06-18-hungary-backs-rutte.yaml,line=6,col=15::{message}"
    ] == github.stdout.splitlines()


def test_a_retraction_removes_the_event_from_its_own_date_on(repo: Path) -> None:
    (repo / RACE / "2024-07-01-retract-wallace-mention.yaml").write_text(
        _example("retraction"), encoding="utf-8"
    )
    assert 0 == validate().exit_code
    events = load_repository(repo / "events").events
    before = state_at(events, __import__("datetime").date(2024, 6, 30))
    after = state_at(events, __import__("datetime").date(2024, 7, 1))
    assert before.candidate("ben-wallace") is not None
    assert after.candidate("ben-wallace") is None


def test_a_correction_replaces_the_event_from_its_own_date_on(repo: Path) -> None:
    import datetime

    (repo / RACE / "2024-07-02-correct-slovakia-date.yaml").write_text(
        _example("correction"), encoding="utf-8"
    )
    assert 0 == validate().exit_code
    events = load_repository(repo / "events").events

    def slovakia(day: datetime.date) -> tuple[str, ...]:
        rutte = state_at(events, day).candidate("mark-rutte")
        backing = rutte.backing("SK") if rutte else None
        assert backing is not None
        return backing.conditions

    old = "NATO protects Slovak airspace after Slovakia's handover of military equipment to Ukraine"
    new = "assurances that Nato would protect Slovak airspace following the handover of military equipment to Ukraine"
    assert (old,) == slovakia(datetime.date(2024, 7, 1))
    assert (new,) == slovakia(datetime.date(2024, 7, 2))


def _retraction(repo: Path, event_id: str, target: str) -> None:
    text = _example("retraction").replace("2024-07-01-retract-wallace-mention", event_id)
    text = text.replace("retracts: 2024-02-wallace-mentioned", f"retracts: {target}")
    (repo / RACE / f"{event_id}.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            [("2024-07-01-first", "no-such-event")],
            "2024-07-01-first.yaml:7:1: error: there is no event 'no-such-event' to supersede",
        ),
        (
            [
                ("2024-07-01-first", "2024-02-wallace-mentioned"),
                ("2024-07-02-second", "2024-02-wallace-mentioned"),
            ],
            "2024-07-02-second.yaml:7:1: error: 2024-02-wallace-mentioned is already superseded by 2024-07-01-first",
        ),
        (
            [
                ("2024-07-01-first", "2024-02-wallace-mentioned"),
                ("2024-07-02-second", "2024-07-01-first"),
            ],
            "2024-07-02-second.yaml:7:1: error: 2024-07-01-first is itself a retraction; supersede the original event",
        ),
    ],
    ids=["unknown target", "superseded twice", "superseding a retraction"],
)
def test_supersessions_name_an_existing_event_once(
    repo: Path, files: list[tuple[str, str]], expected: str
) -> None:
    for event_id, target in files:
        _retraction(repo, event_id, target)
    result = validate()
    assert 1 == result.exit_code
    assert [f"{RACE}/{expected}"] == result.stdout.splitlines()


def test_a_problem_in_a_replacement_is_reported_at_its_line(repo: Path) -> None:
    text = _example("correction").replace("  members: [SK]", "  members: [SK, UK]")
    (repo / RACE / "2024-07-02-correct-slovakia-date.yaml").write_text(text, encoding="utf-8")
    result = validate()
    assert [
        f"{RACE}/2024-07-02-correct-slovakia-date.yaml:13:17: error: replacement.members[1]: unknown member 'UK': the ISO 3166-1 alpha-2 code is 'GB'"
    ] == result.stdout.splitlines()


def test_a_replacement_that_does_not_fit_the_race_is_reported_in_the_correction(
    repo: Path,
) -> None:
    text = _example("correction").replace("  candidate: mark-rutte", "  candidate: kaja-kallas")
    (repo / RACE / "2024-07-02-correct-slovakia-date.yaml").write_text(text, encoding="utf-8")
    result = validate()
    assert [
        f"{RACE}/2024-07-02-correct-slovakia-date.yaml:14:3: error: kaja-kallas has withdrawn from the race"
    ] == result.stdout.splitlines()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def committed(repo: Path) -> Path:
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    return repo


def test_adding_an_event_keeps_the_log_append_only(committed: Path) -> None:
    _retraction(committed, "2024-07-01-first", "2024-02-wallace-mentioned")
    assert 0 == validate("--base", "HEAD").exit_code


@pytest.mark.parametrize("change", ["modified", "deleted", "renamed"])
def test_changing_a_merged_event_file_is_an_error(committed: Path, change: str) -> None:
    path = committed / RACE / "2024-02-wallace-mentioned.yaml"
    if change == "modified":
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    elif change == "deleted":
        path.unlink()
    else:
        _git(committed, "mv", str(path), str(path.with_name("2024-02-wallace.yaml")))
    result = validate("--base", "HEAD")
    assert 1 == result.exit_code
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"{RACE}/2024-02-wallace-mentioned.yaml:1:1: error: this event file existed at HEAD and was {change}"
    )
    assert first.endswith(
        "merged events are never edited: add a correction or retraction event instead"
    )


def test_an_unknown_base_is_a_clear_error(committed: Path) -> None:
    result = validate("--base", "no-such-branch")
    assert 1 == result.exit_code
    assert "error: --base: 'no-such-branch' names no commit in this repository\n" == result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "base", ["--output=written.txt", "-p", "HEAD --output=x", "HEAD:events", "HEAD..HEAD", ""]
)
def test_only_a_revision_is_accepted_as_base(committed: Path, base: str) -> None:
    """`--base=--output=FILE` once made git write a file: nothing but a commit is used."""
    before = sorted(p.name for p in committed.iterdir())
    result = validate("--base", base)
    assert 1 == result.exit_code
    assert result.stderr.startswith("error: --base: ")
    assert before == sorted(p.name for p in committed.iterdir())


@pytest.mark.parametrize("change", ["modified", "deleted"])
def test_changing_a_merged_seed_is_an_error(committed: Path, change: str) -> None:
    """An invented event could otherwise be made to verify by rewriting its seed."""
    path = committed / "seeds" / "004_bb683f26b3512547.txt"
    if change == "modified":
        path.write_text(path.read_text(encoding="utf-8") + "Hungary backs Wallace.\n", "utf-8")
    else:
        path.unlink()
    result = validate("--base", "HEAD")
    assert 1 == result.exit_code
    assert (
        f"seeds/004_bb683f26b3512547.txt:1:1: error: this seed document existed at HEAD and was {change}; merged seed documents are never edited: events quote them as they were; add a new document instead"
        in result.stdout.splitlines()
    )


def test_adding_a_seed_keeps_the_log_append_only(committed: Path) -> None:
    """A new seed, and its record in seeds/metadata.yaml: the one seeds/ file that may
    change."""
    (committed / "seeds" / "999_new.txt").write_text("A new article.\n", encoding="utf-8")
    metadata = committed / "seeds" / "metadata.yaml"
    with metadata.open("a", encoding="utf-8") as file:
        file.write("\n999_new.txt:\n  title: A new article\n  published: 2024-07-01\n")
    result = validate("--base", "HEAD")
    assert (0, ["seeds/metadata.yaml:1:1: warning: seeds/999_new.txt is cited by no event"]) == (
        result.exit_code,
        result.stdout.splitlines(),
    )


def test_a_new_seed_without_its_record_is_a_warning(committed: Path) -> None:
    (committed / "seeds" / "999_new.txt").write_text("A new article.\n", encoding="utf-8")
    result = validate("--base", "HEAD")
    assert 0 == result.exit_code
    assert [
        "seeds/metadata.yaml:1:1: warning: seeds/999_new.txt has no record: say what is known"
        " of the article"
    ] == result.stdout.splitlines()


def test_an_event_reported_before_what_it_needs_is_an_error(repo: Path) -> None:
    """With Rutte's entry only the candidacy of the February articles (published by 6 March
    at the latest: Reuters' report of 22 February taken out, and his interest of October
    2023 too), the endorsements of 22 February are reported before any report of him."""
    (repo / RACE / "2023-10-rutte-candidacy.yaml").unlink()
    (repo / RACE / "2023-10-28-correct-rutte-entry.yaml").unlink()
    (repo / RACE / "2024-02-21-two-thirds-back-rutte.yaml").unlink()  # needs him earlier
    path = repo / RACE / "2024-02-22-rutte-candidacy.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - url: https://www.devdiscourse.com")
    end = text.index("note:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = validate()
    assert 1 == result.exit_code
    assert (
        f"{RACE}/2024-02-22-france-backs-rutte.yaml:7:1: error: as reported by 2024-02-22: unknown candidate 'mark-rutte': no candidacy or mention of it counts by 2024-02-22 (an event counts from its latest possible day)"
        == result.stdout.splitlines()[0]
    )


def test_state_as_known_on_a_day_leaves_out_later_reports(repo: Path) -> None:
    """The issue's example: on 23 February nobody had reported Hungary's June endorsement."""
    result = CliRunner().invoke(
        main, ["state", "--at", "2024-06-18", "--known-on", "2024-02-23", "--format", "json"]
    )
    data = json.loads(result.stdout)
    rutte = next(c for c in data["candidates"] if c["id"] == "mark-rutte")
    assert ("2024-02-23", ["DE", "FR", "GB", "US"], 31) == (
        data["known_on"],
        [b["member"] for b in rutte["backers"]],
        len(data["electorate"]),
    )


_REPEAT = """\
type: endorsement
id: 2024-06-19-hungary-backs-rutte-again
race: nato-secretary-general-2024
date: 2024-06-19
summary: Hungary's backing, reported again
members: [HU]
candidate: mark-rutte
{conditions}sources:
- document: seeds/003_30db4212d268332d.txt
  published: 2024-06-18/2024-06-19
  quote: Hungary is ready to support PM Rutte’s bid
"""
_HU_CONDITION = (
    "Hungary keeps the opt-out from NATO's commitments to Ukraine agreed with Stoltenberg;"
    " no Hungarian personnel or funds are used for them"
)


def test_an_endorsement_that_changes_nothing_is_a_warning(repo: Path) -> None:
    """Hungary backs Rutte again, with its condition known already: nothing new."""
    path = repo / RACE / "2024-06-19-hungary-backs-rutte-again.yaml"
    path.write_text(_REPEAT.format(conditions=""), encoding="utf-8")
    result = validate()
    assert 0 == result.exit_code
    assert [
        f"{RACE}/2024-06-19-hungary-backs-rutte-again.yaml:6:1: warning: HU already backs mark-rutte since 2024-06-18-all-but-romania-back-rutte, with no new condition: this endorsement changes nothing"
    ] == result.stdout.splitlines()
    path.write_text(
        _REPEAT.format(conditions=f"conditions:\n- {_HU_CONDITION}\n"), encoding="utf-8"
    )
    assert "this endorsement changes nothing" in validate().stdout


def test_an_endorsement_with_a_new_condition_or_member_is_no_repeat(repo: Path) -> None:
    path = repo / RACE / "2024-06-19-hungary-backs-rutte-again.yaml"
    path.write_text(
        _REPEAT.format(conditions="conditions:\n- Rutte visits Budapest first\n"), encoding="utf-8"
    )
    assert (0, "") == (validate().exit_code, validate().stdout)
    path.write_text(
        _REPEAT.format(conditions="").replace("members: [HU]", "members: [HU, RO]"),
        encoding="utf-8",
    )
    result = validate()
    assert 0 == result.exit_code
    assert "hungary-backs-rutte-again.yaml" not in result.stdout  # RO is new
    assert "romania-backs-rutte.yaml:6:1: warning: RO already backs" in result.stdout
