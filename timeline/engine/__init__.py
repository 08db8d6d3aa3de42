"""The engine: the fold of events into a state, and everything asked of a replay.

The fold (``fold``), states at many dates (``checkpoints``), questions about the
log (``query``), differences between states (``diff``), races at a glance
(``summary``) and the checks across event files (``checks``), which return
findings, not file positions. Pure: no I/O, no clock, no globals.

May import: ``timeline.errors``, ``timeline.model`` and this package.
"""
