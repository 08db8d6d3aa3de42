"""`timeline new`: a valid, correctly named file, never an overwrite, never a clash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from timeline import Endorsement, load_repository
from timeline.cli import main

from helpers import RACE

HUNGARY = [
    "--date", "2024-06-18",
    "--members", "HU",
    "--candidate", "mark-rutte",
    "--summary", "Hungary's backing, reported again",
    "--document", "seeds/003_30db4212d268332d.txt",
    "--published", "2024-06-18/2024-06-19",
    "--quote", "Hungary is ready to support PM Rutte’s bid",
]  # fmt: skip


def new(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["new", *args], input=stdin)


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "events").rglob("*.yaml"))


def test_new_writes_a_valid_file_named_after_its_id(repo: Path) -> None:
    result = new("endorsement", *HUNGARY)
    path = f"{RACE}/2024-06-18-hungary-s-backing-reported-again.yaml"
    assert (0, f"{path}\n") == (result.exit_code, result.stdout)
    text = (repo / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../docs/event.schema.json\n")
    assert "id: 2024-06-18-hungary-s-backing-reported-again\n" in text
    event = next(
        e
        for e in load_repository(repo / "events").events
        if e.id == "2024-06-18-hungary-s-backing-reported-again"
    )
    assert isinstance(event, Endorsement)
    assert ("HU",) == event.members


def test_a_second_run_never_overwrites_it_takes_the_next_id(repo: Path) -> None:
    first, second = new("endorsement", *HUNGARY), new("endorsement", *HUNGARY)
    assert (0, 0) == (first.exit_code, second.exit_code)
    assert second.stdout.strip().endswith("2024-06-18-hungary-s-backing-reported-again-2.yaml")


def test_two_runs_at_once_never_produce_the_same_id(repo: Path) -> None:
    command = [sys.executable, "-m", "timeline", "new", "endorsement", *HUNGARY]
    runs = [
        subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    paths = [run.communicate()[0].decode().strip() for run in runs]
    assert [0, 0, 0, 0] == [run.returncode for run in runs]
    assert 4 == len(set(paths))
    load_repository(repo / "events")  # and the repository is still valid


def test_a_missing_value_without_a_terminal_is_a_usage_error(repo: Path) -> None:
    before = _files(repo)
    result = new("endorsement", "--date", "2024-06-18", stdin="")
    assert 2 == result.exit_code
    assert "Error: missing --summary" in result.stderr
    assert before == _files(repo)


def test_a_bad_value_names_the_option_and_writes_nothing(repo: Path) -> None:
    before = _files(repo)
    result = new("endorsement", *HUNGARY[:2], "--members", "UK", *HUNGARY[4:])
    assert 1 == result.exit_code
    assert [
        "error: --members: unknown member 'UK': the ISO 3166-1 alpha-2 code is 'GB'"
    ] == result.stderr.splitlines()
    assert before == _files(repo)


def test_an_event_that_does_not_fit_the_race_is_removed_again(repo: Path) -> None:
    before = _files(repo)
    result = new(
        "endorsement", "--date", "2024-02-01", *HUNGARY[2:4], "--members", "SE", *HUNGARY[4:]
    )
    assert 1 == result.exit_code
    assert "SE is not in the electorate" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("nothing written: ")
    assert before == _files(repo)


def test_a_correction_starts_from_the_corrected_event(repo: Path) -> None:
    result = new(
        "correction",
        "--date", "2024-07-01",
        "--summary", "Fix the Wallace mention",
        "--corrects", "2024-02-wallace-mentioned",
        "--reason", "To be edited",
        "--document", "seeds/004_bb683f26b3512547.txt",
        "--published", "2024-02-22/2024-03-06",
        "--quote", "former British defence secretary Ben Wallace",
    )  # fmt: skip
    assert 0 == result.exit_code, result.stderr
    text = (repo / result.stdout.strip()).read_text(encoding="utf-8")
    assert "replacement:\n  type: mention\n  date: 2024-02\n" in text


def test_at_a_terminal_missing_values_are_asked_for(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("timeline.cli.new._interactive", lambda: True)
    answers = "2024-06-18\nHungary's backing, asked for\nHU\nmark-rutte\n"
    result = new(
        "endorsement",
        "--document", "seeds/003_30db4212d268332d.txt",
        "--published", "2024-06-18/2024-06-19",
        "--quote", "Hungary is ready to support",
        stdin=answers,
    )  # fmt: skip
    assert 0 == result.exit_code, result.output
    assert result.stdout.strip().endswith("2024-06-18-hungary-s-backing-asked-for.yaml")
    text = (repo / result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "members:\n- HU\ncandidate: mark-rutte\n" in text


def test_an_error_names_the_option_that_exists(repo: Path) -> None:
    """A source's field is its own option: --publisher, not --sources[0].publisher."""
    result = new(
        "endorsement", *HUNGARY[:8], "--url", "https://example.org/a", *HUNGARY[10:]
    )  # fmt: skip
    assert 1 == result.exit_code
    assert [
        "error: --publisher: a 'url' source needs its 'publisher'"
    ] == result.stderr.splitlines()
    assert "--publisher" in new("endorsement", "--help").stdout


def test_several_values_in_one_option_say_to_repeat_it(repo: Path) -> None:
    before = _files(repo)
    result = new(
        "electorate_change",
        "--date", "2024-06-01", "--summary", "Three join", "--joined", "AT BE BG",
        *HUNGARY[8:],
    )  # fmt: skip
    assert 1 == result.exit_code
    assert [
        "error: --joined: 'AT BE BG' holds 3 values; repeat --joined for each one:"
        " --joined AT --joined BE --joined BG"
    ] == result.stderr.splitlines()
    assert before == _files(repo)


def test_a_quote_not_in_the_document_is_refused_before_anything_is_asked(repo: Path) -> None:
    result = new("endorsement", *HUNGARY[:12], "--quote", "Hungary is ready to oppose")
    assert 1 == result.exit_code
    assert result.stderr.startswith(
        "error: --quote: not found verbatim in seeds/003_30db4212d268332d.txt"
    )


def test_at_a_terminal_each_answer_is_checked_as_it_is_given(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad answer is said at once and asked again; the good answers before it stand.
    The document is asked for before the quote, which is checked against it."""
    monkeypatch.setattr("timeline.cli.new._interactive", lambda: True)
    answers = [
        "18/06/2024",  # date: refused, asked again
        "2024-06-18",
        "Hungary's backing, asked for",
        "UK HU",  # members: UK refused, asked again
        "HU",
        "Mark Rutte",  # candidate: not a slug, asked again
        "mark-rutte",
        "",  # conditions: none
        "seeds/nowhere.txt",  # document: does not exist, asked again
        "seeds/003_30db4212d268332d.txt",
        "2024-06-18/2024-06-19",
        "Hungary is ready to oppose",  # quote: not in the document, asked again
        "Hungary is ready to support",
    ]
    result = new("endorsement", stdin="\n".join(answers) + "\n")
    assert 0 == result.exit_code, result.output
    prompts = [line.split(":")[0] for line in result.stderr.splitlines() if ": " in line]
    assert prompts.index("document") < prompts.index("quote")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert 5 == len(errors), result.stderr
    assert "is not a date" in errors[0]
    assert "unknown member 'UK'" in errors[1]
    assert "is not a slug" in errors[2]
    assert "seeds/nowhere.txt does not exist" in errors[3]
    assert "not found verbatim" in errors[4]
    text = (repo / result.stdout.strip()).read_text(encoding="utf-8")
    assert "date: 2024-06-18\n" in text
    assert "members:\n- HU\ncandidate: mark-rutte\n" in text


def test_at_a_terminal_conditions_are_asked_one_per_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A condition is a sentence: it is not split at its spaces."""
    monkeypatch.setattr("timeline.cli.new._interactive", lambda: True)
    answers = ["", "NATO protects Slovak airspace", "Ukraine aid stays voluntary", ""]
    result = new(
        "condition", *HUNGARY[:2], "--summary", "Slovakia's price", "--member", "SK",
        "--candidate", "mark-rutte", "--kind", "support", *HUNGARY[8:],
        stdin="\n".join(answers) + "\n",
    )  # fmt: skip
    assert 0 == result.exit_code, result.output
    assert "Error: give at least one" in result.stderr  # a condition event needs one
    text = (repo / result.stdout.strip()).read_text(encoding="utf-8")
    assert "conditions:\n- NATO protects Slovak airspace\n- Ukraine aid stays voluntary\n" in text


def test_new_from_inside_the_race_folder_writes_beside_its_files(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / RACE)
    result = new("endorsement", *HUNGARY)
    assert 0 == result.exit_code, result.stderr
    assert (repo / RACE / "2024-06-18-hungary-s-backing-reported-again.yaml").is_file()


def test_a_publication_date_other_citations_disagree_with_is_refused_at_once(
    repo: Path,
) -> None:
    result = new("endorsement", *HUNGARY[:10], "--published", "2024-06-18", *HUNGARY[12:])
    assert 1 == result.exit_code
    assert [
        "error: --published: 2024-06-18, but the other citations of"
        " seeds/003_30db4212d268332d.txt date it 2024-06-18/2024-06-19"
    ] == result.stderr.splitlines()


def test_at_a_terminal_an_event_that_does_not_fit_keeps_the_answers_on_screen(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each answer was fine but the whole does not fit the race: nothing is written, and
    the file as it would have read is shown, so that nothing typed is lost."""
    monkeypatch.setattr("timeline.cli.new._interactive", lambda: True)
    before = _files(repo)
    answers = ["SE", "mark-rutte"]  # each fine, but SE joined NATO only in March 2024
    result = new(
        "endorsement", "--date", "2024-02-01", "--summary", "Sweden backs Rutte", *HUNGARY[8:],
        stdin="\n".join(answers) + "\n",
    )  # fmt: skip
    assert 1 == result.exit_code
    assert "SE is not in the electorate" in result.stderr
    assert "would have read:" in result.stderr
    assert "summary: Sweden backs Rutte\nmembers:\n- SE\n" in result.stderr
    assert before == _files(repo)
