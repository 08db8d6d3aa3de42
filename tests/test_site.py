"""The static site in a real browser: Chromium, headless, driven by Selenium.

``tests/prepare.py`` (part of the README's test command) finds or installs Chromium, its
ChromeDriver and TimelineJS; the tests find them the same way. The screenshot is kept in
``test-output/`` (or ``$TIMELINE_TEST_OUTPUT``) for a person to look at.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import prepare
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from timeline import Event, state_at
from timeline.cli import main
from timeline.engine.query import possibly_already
from timeline.views.site import states_by_day
from timeline.views.state import state_to_json

from helpers import NATO, REPO
from strategies import RACE, query_days, races

OUTPUT = Path(os.environ.get("TIMELINE_TEST_OUTPUT") or REPO / "test-output")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(
        main, ["site", "--out", str(out), "--events", str(REPO / "events"), "--race", NATO]
    )
    assert 0 == result.exit_code, result.output
    return out / "index.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    browser, driver_path = prepare.chromium(), prepare.chromedriver()
    assert browser is not None, f"{prepare.missing_browser()}: run python tests/prepare.py"
    assert driver_path is not None, f"{prepare.missing_browser()}: run python tests/prepare.py"
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1300,1100",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _until(browser: webdriver.Chrome, script: str, *args: object) -> object:
    """Wait (10 s at most) until ``script`` returns something true, and return it: a page
    under load may still be running its scripts when the browser reports it loaded."""
    return WebDriverWait(browser, 10).until(lambda driver: driver.execute_script(script, *args))


def _shown(browser: webdriver.Chrome) -> dict[str, list[str]]:
    cells = browser.find_elements(By.CSS_SELECTOR, "#grid .cell")
    return {
        kind: [c.text for c in cells if kind in (c.get_attribute("class") or "").split()]
        for kind in ("holdout", "leader", "other", "conditional")
    }


def test_a_deep_link_shows_romania_as_the_only_holdout(
    browser: webdriver.Chrome, page: Path
) -> None:
    browser.get(f"{page.as_uri()}#2024-06-18")
    _until(browser, "return document.getElementById('state-title').textContent == 'On 2024-06-18'")
    shown = _shown(browser)
    assert ["RO"] == shown["holdout"]
    assert 31 == len(shown["leader"])
    assert ["HU", "SK"] == shown["conditional"]
    assert "One holdout: RO." in browser.find_element(By.ID, "summary").text
    assert "2024-06-18" == browser.find_element(By.ID, "day").get_attribute("value")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    screenshot = OUTPUT / "site-2024-06-18.png"
    assert browser.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")


def test_the_date_control_moves_through_the_race(browser: webdriver.Chrome, page: Path) -> None:
    browser.get(page.as_uri())  # no day asked: the last day something happened
    _until(browser, "return document.querySelectorAll('#grid .cell').length")
    assert [] == _shown(browser)["holdout"]
    day = browser.find_element(By.ID, "day")
    browser.execute_script(
        "arguments[0].value = '2024-02-23'; arguments[0].dispatchEvent(new Event('change'));", day
    )
    assert "#2024-02-23" == browser.execute_script("return location.hash")
    shown = _shown(browser)
    assert ["DE", "FR", "GB", "US"] == sorted(shown["leader"])
    browser.find_element(By.ID, "next").click()
    assert "2024-02-23" < (day.get_attribute("value") or "")


def test_every_state_shown_is_the_engines_and_nothing_is_fetched(page: Path) -> None:
    """The page embeds the replay's states; it computes none (the script only looks up)."""
    text = page.read_text(encoding="utf-8")
    payload = re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S)
    assert payload is not None
    data = json.loads(payload.group(1))
    result = CliRunner().invoke(
        main, ["state", "--at", "2024-06-18", "--format", "json", "--events", str(REPO / "events")]
    )
    expected = json.loads(result.output)
    day = max(d for d in data["days"] if d <= "2024-06-18")
    embedded = data["states"][data["days"].index(day)]
    assert {k: v for k, v in expected.items() if k != "at"} == {
        k: v for k, v in embedded.items() if k != "at"
    }
    for remote in ("<script src", "<link", "@import", "url("):  # nothing fetched: works offline
        assert remote not in text


TIMELINEJS = prepare.TIMELINEJS


def test_knight_labs_timelinejs_loads_the_export_as_it_is(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """TimelineJS 3 (the npm package, which tests/prepare.py fetches) renders a slide per event, a
    group per candidate and the imprecise dates as written, without an error."""
    script = TIMELINEJS / "dist" / "js" / "timeline.js"
    assert script.exists(), f"{script} is missing: run python tests/prepare.py"
    out = tmp_path / "timeline.json"
    args = ["export", "--format", "timelinejs", "--out", str(out), "--events", str(REPO / "events")]
    args += ["--race", NATO]
    result = CliRunner().invoke(main, args)
    assert 0 == result.exit_code, result.output
    data = out.read_text(encoding="utf-8")
    embedded = data.replace("</", "<\\/")  # "</" would end the script element
    style = (TIMELINEJS / "dist" / "css" / "timeline.css").as_uri()
    page = tmp_path / "timelinejs.html"
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{style}"><script src="{script.as_uri()}"></script></head>
<body><div id="timeline" style="width: 1200px; height: 700px"></div>
<script>
window.errors = [];
addEventListener("error", (e) => errors.push(String(e.message)));
</script>
<script id="data" type="application/json">{embedded}</script>
<script>
try {{
  new TL.Timeline("timeline", JSON.parse(document.getElementById("data").textContent), {{}});
}} catch (error) {{ errors.push(String(error)); }}
</script></body></html>""",
        encoding="utf-8",
    )
    browser.get(page.as_uri())
    slides = json.loads(data)["events"]
    _until(
        browser, "return document.querySelectorAll('.tl-slide').length > arguments[0]", len(slides)
    )
    texts = "return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.textContent)"
    assert [] == browser.execute_script("return window.errors")
    assert [] == browser.execute_script(texts, ".tl-message-content")  # TimelineJS's complaints
    assert len(slides) + 1 == browser.execute_script(  # and the title slide
        "return document.querySelectorAll('.tl-slide').length"
    )
    groups = browser.execute_script(texts, ".tl-timegroup-message")
    assert {"The race", "Mark Rutte", "Klaus Iohannis"} <= set(groups)
    assert "October 2023" in browser.execute_script(texts, ".tl-headline-date")


@given(races(), st.lists(query_days, min_size=1, max_size=8))
def test_the_state_looked_up_on_any_day_is_the_replays(
    events: list[Event], days: list[datetime.date]
) -> None:
    """What the page does for a day (take the state of the latest change day on or before
    it) gives exactly what `timeline state` computes for that day, on drawn races."""
    change_days, states = states_by_day(events, RACE)
    for day in days:
        expected = state_to_json(
            state_at(events, day, RACE), day, possibly_already(events, day, RACE)
        )
        earlier = [i for i, change in enumerate(change_days) if change <= day]
        if not earlier:  # before anything: the page says the race has not opened
            assert not expected["opened"]
            continue
        shown = states[earlier[-1]]
        assert {k: v for k, v in expected.items() if k != "at"} == {
            k: v for k, v in shown.items() if k != "at"
        }


def test_text_that_would_break_the_page_script_is_shown_as_text(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """A summary holding `<!--<script>` once kept the data's `</script>` from ending it."""
    import shutil

    events = tmp_path / "events"
    shutil.copytree(REPO / "events" / NATO, events / NATO)
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    path = events / "nato-secretary-general-2024" / "2024-02-wallace-mentioned.yaml"
    hostile = "Wallace <!--<script> </script><b>&amp; mentioned"
    text = path.read_text(encoding="utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("summary:"))
    path.write_text(text.replace(summary, f"summary: '{hostile}'"), encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", "--out", str(out), "--events", str(events)])
    assert 0 == result.exit_code, result.output
    browser.get(f"{(out / 'index.html').as_uri()}#2024-06-18")
    _until(browser, "return document.getElementById('state-title').textContent == 'On 2024-06-18'")
    assert ["RO"] == _shown(browser)["holdout"]  # the script ran, on the whole data
    assert hostile in browser.find_element(By.TAG_NAME, "body").text
    assert [] == browser.find_elements(By.CSS_SELECTOR, "main b, #events b")
