"""Views: a state, a log or a report turned into what a reader sees.

Text and JSON of a race's state (``state``), of why a member or a candidate
stands where it does (``explain``), of what changed (``diff``), and of the log,
the conflicts and a validation report (``listings``); a citation's parts, derived
once for every format (``citations``), and the words more than one view says
(``phrases``).
Charts (``chart``, drawn by ``plot`` with the optional matplotlib), exports as
JSON Lines, CSV and TimelineJS (``export``) and the static site (``site``, its
HTML, CSS and JavaScript in ``assets/``). Pure but for ``plot``'s drawing and the
site's reading of its own package data: they return text, the CLI prints it.

May import: ``timeline.errors``, the core (``model``, ``engine``, ``formats``)
and this package; never ``storage`` or ``cli``.
"""
