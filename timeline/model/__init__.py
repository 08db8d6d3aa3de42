"""The model: the values a race is made of, and what each one must be on its own.

Dates (``dates``), member identifiers (``members``), decision rules (``rules``),
the event model of the file format (``events``: the event types and
``EVENT_TYPES``, built from ``fields``, ``envelope``, ``electorate``, ``ballots``
and ``superseding``), the state of a race (``state``), the seeds' metadata records
(``seeds``) and how a quote is held to its document (``quotes``). Pure: no I/O, no
clock, no globals.

May import: ``timeline.errors`` and this package. Nothing else of timeline.
"""
