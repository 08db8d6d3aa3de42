"""What the tests need beyond pip, found or installed: run by the README's test command.

Two things:

- **A headless Chromium and its ChromeDriver**, to test the static site in a real browser.
  Found as ``$TIMELINE_CHROMIUM`` and ``$TIMELINE_CHROMEDRIVER``, else on ``PATH``
  (``chromium``, ``chromium-browser``, ``google-chrome``; ``chromedriver``, or in
  ``$CHROMEWEBDRIVER`` as on GitHub's runners). If either is missing and this is a Debian
  machine where we are root or may use ``sudo`` without a password, Debian's ``chromium``
  and ``chromium-driver`` are installed; otherwise we say exactly what to install.
- **TimelineJS 3** (``@knight-lab/timelinejs`` 3.9.11), to check that it loads
  ``timeline export --format timelinejs`` as it is. Its tarball is fetched from the npm
  registry (no npm needed), checked against the SHA-512 the registry published for it,
  which is pinned here, and unpacked (data only) into ``tests/timelinejs/`` (ignored by
  git); ``$TIMELINE_TIMELINEJS`` names another copy.

Run it again at will: what is there is kept. Exit status 1, with one line saying what to
install, when something is missing and cannot be installed here.

    python tests/prepare.py           # find or install both
    python tests/prepare.py --check   # only say what is missing
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TIMELINEJS_VERSION = "3.9.11"
TIMELINEJS_URL = (
    f"https://registry.npmjs.org/@knight-lab/timelinejs/-/timelinejs-{TIMELINEJS_VERSION}.tgz"
)
#: ``dist.integrity`` of the package in the npm registry (https://registry.npmjs.org/@knight-lab%2ftimelinejs/3.9.11).
TIMELINEJS_SHA512 = (
    "+jUuY1OJ+9zSO5O3AfYSLd1yB0vQkm22zyIElz8BWT5DQ9mL0rsxlQkBKAqLbWpJjFuAAJeqzLY35xFIg6GW4g=="
)
#: Where the tests look for TimelineJS (its ``package/`` folder, as npm packs it).
TIMELINEJS = Path(
    os.environ.get("TIMELINE_TIMELINEJS") or REPO / "tests" / "timelinejs" / "package"
)

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_DEBIAN_PACKAGES = ("chromium", "chromium-driver")


def _github() -> str | None:
    """The folder of ChromeDriver on GitHub's runners, which set ``CHROMEWEBDRIVER``; its
    driver matches the runner's Google Chrome, so that browser comes first there."""
    return os.environ.get("CHROMEWEBDRIVER")


def chromium() -> str | None:
    """The browser the tests drive, or None if there is none."""
    names = (*_BROWSERS[2:], *_BROWSERS[:2]) if _github() else _BROWSERS
    return os.environ.get("TIMELINE_CHROMIUM") or next(
        (found for name in names if (found := shutil.which(name))), None
    )


def chromedriver() -> str | None:
    """The ChromeDriver matching :func:`chromium`, or None if there is none."""
    github = _github()
    return (
        os.environ.get("TIMELINE_CHROMEDRIVER")
        or (shutil.which("chromedriver", path=github) if github else None)
        or shutil.which("chromedriver")
    )


def missing_browser() -> str | None:
    """What is missing of the browser, in words, or None."""
    absent = [
        name
        for name, found in (("Chromium", chromium()), ("ChromeDriver", chromedriver()))
        if not found
    ]
    return " and ".join(absent) or None


def missing_timelinejs() -> str | None:
    """What is missing of TimelineJS, in words, or None."""
    if (TIMELINEJS / "dist" / "js" / "timeline.js").is_file():
        return None
    return f"TimelineJS {TIMELINEJS_VERSION} (expected in {TIMELINEJS})"


def _as_root() -> list[str] | None:
    """The prefix that runs a command as root here (nothing, or sudo), or None if we can't."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def _is_debian() -> bool:
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return False
    return any(line in ("ID=debian", "ID_LIKE=debian") for line in release.splitlines())


def install_browser() -> str | None:
    """Install Debian's Chromium and ChromeDriver if they are missing and we may;
    None when done, else the line that says what to install."""
    missing = missing_browser()
    if missing is None:
        return None
    advice = (
        f"{missing} missing: install Debian's {' and '.join(_DEBIAN_PACKAGES)}"
        " (apt-get install chromium chromium-driver), or Google Chrome with its ChromeDriver,"
        " or set TIMELINE_CHROMIUM and TIMELINE_CHROMEDRIVER to their paths"
    )
    root = _as_root()
    if root is None or not shutil.which("apt-get") or not _is_debian():
        return advice
    print(f"prepare: installing {' '.join(_DEBIAN_PACKAGES)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (
        [*root, "apt-get", "update", "-q"],
        [*root, "apt-get", "install", "-y", "-q", *_DEBIAN_PACKAGES],
    ):
        if subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=False).returncode:
            return f"apt-get failed ({' '.join(args)}); {advice}"
    return advice if missing_browser() else None


def install_timelinejs(url: str = TIMELINEJS_URL, sha512: str = TIMELINEJS_SHA512) -> str | None:
    """Fetch, check and unpack TimelineJS if it is missing; None when done, else what failed."""
    if missing_timelinejs() is None:
        return None
    print(f"prepare: fetching {url}", flush=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read(20 * 1024 * 1024)
    except OSError as exc:
        return f"cannot fetch {url}: {exc}; download it and unpack it into {TIMELINEJS.parent}"
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != sha512:
        return f"{url} is not the published file (SHA-512 {actual}, expected {sha512})"
    target = TIMELINEJS.parent
    target.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(target, filter="data")  # no links out, devices, absolute paths
    except tarfile.TarError as exc:
        return f"{url} cannot be unpacked safely: {exc}"
    return missing_timelinejs()


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = [p for p in (missing_browser(), missing_timelinejs()) if p]
    else:
        problems = [p for p in (install_browser(), install_timelinejs()) if p]
    for problem in problems:
        print(f"prepare: {problem}", file=sys.stderr)
    if not problems:
        found = f"Chromium {chromium()}, ChromeDriver {chromedriver()}, TimelineJS {TIMELINEJS}"
        print(f"prepare: ready: {found}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
