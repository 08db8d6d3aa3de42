"""Views: a state, a log or a report turned into what a reader sees.

Text and JSON of a state and of a validation report (``render``), charts
(``chart``, drawn by ``plot`` with the optional matplotlib), exports as JSON
Lines, CSV and TimelineJS (``export``) and the static site (``site``, its HTML,
CSS and JavaScript in ``assets/``). Pure but for ``plot``'s drawing and the
site's reading of its own package data: they return text, the CLI prints it.

May import: ``timeline.errors``, the core (``model``, ``engine``, ``formats``)
and this package; never ``storage`` or ``cli``.
"""
