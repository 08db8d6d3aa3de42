"""Storage, the shell that reads and writes: the only package that touches files.

What a repository is and how its files are found (``repository``), reading
event files one by one (``reading``), the one loader (``load``, with what it
hands out in ``loaded`` and one load's work in ``checking``), the cache
store it asks (``cache``) with what it records (``manifest``), how it notices
change (``fingerprint``) and how it reads and writes one file (``cachefiles``),
the append-only check against git (``history``) and the writing of a new event
file (``write``).

May import: ``timeline.errors``, the core (``model``, ``engine``, ``formats``)
and this package; never ``views`` or ``cli``.
"""
