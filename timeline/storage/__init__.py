"""Storage, the shell that reads and writes: the only package that touches files.

What a repository is and how its files are found and read (``repository``),
the one loader (``load``), the cache it asks (``cache``), the append-only
check against git (``history``) and the writing of a new event file
(``write``).

May import: ``timeline.errors``, the core (``model``, ``engine``, ``formats``)
and this package; never ``views`` or ``cli``.
"""
