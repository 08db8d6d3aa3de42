"""The ``timeline`` command: parse arguments, call the library, print.

The only package that imports click or reads the clock (``--at`` defaults to
today, or to ``$TIMELINE_TODAY`` when set, for tests and reproducible runs).
Library errors become one ``path:line:col: error: message`` line each and
exit status 1; bad arguments are click's usage errors, exit status 2.

Each command lives in a module imported only when that command runs (click's
lazy group pattern): ``timeline state`` does not pay for the YAML writer, the
JSON Schema or git support.

May import: every part of timeline (it is the outermost layer); nothing imports it
but ``__main__``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from timeline.cli.common import failure
from timeline.errors import TimelineError

#: Command name -> "module:attribute", imported on first use.
COMMANDS = {
    "state": "timeline.cli.state:state",
    "races": "timeline.cli.read:races",
    "log": "timeline.cli.read:log",
    "explain": "timeline.cli.read:explain",
    "diff": "timeline.cli.read:diff_command",
    "conflicts": "timeline.cli.read:conflicts",
    "seeds": "timeline.cli.read:seeds",
    "validate": "timeline.cli.check:validate",
    "schema": "timeline.cli.check:schema",
    "new": "timeline.cli.new:new",
    "import": "timeline.cli.imports:import_group",
    "export": "timeline.cli.publish:export",
    "plot": "timeline.cli.publish:plot",
    "site": "timeline.cli.publish:site",
}


class _Group(click.Group):
    """Commands load on demand; every command's library errors become clear lines and
    exit status 1, in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TimelineError as exc:
            raise failure(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="race-timeline", message="%(prog)s (%(package)s) %(version)s")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="TIMELINE_CACHE_DIR",
    help="Where to keep the cache of checked events. Default: the user cache directory"
    " (e.g. ~/.cache/timeline), or $TIMELINE_CACHE_DIR.",
)
@click.option(
    "--no-cache", is_flag=True, help="Read and check every file; neither read nor write the cache."
)
def main(cache_dir: Path | None, no_cache: bool) -> None:
    """Where a race stood on any day, and how we know.

    Replays the immutable YAML event files of a repository (its events/
    directory, found from the current directory upward) to derive the state
    of a race at a date.
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
