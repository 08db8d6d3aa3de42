"""The engine: the fold of events into a state, and everything asked of a replay.

The fold (``fold``: which events replay, in what order), the working copy they are
applied to (``replayer``, ``working``) and what each event does (``transitions``,
``ballots``); states at many dates from saved states (``checkpoints``), questions
about the log (``query``), differences between states (``diff``), races at a glance
(``summary``), and the checks across event files (``checks`` on facts,
``replay_checks`` on replays), which return findings, not file positions. Pure: no
I/O, no clock, no globals.

May import: ``timeline.errors``, ``timeline.model`` and this package.
"""
