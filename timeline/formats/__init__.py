"""Text formats: how events are written down, read back and described.

Safe YAML with positions (``yamlio``), YAML-shaped data to and from event
values (``codec``), the JSON Schema of event files (``schema``) and the cache's
file format (``cachefile``). Pure: text and data in, values out.

May import: ``timeline.errors``, ``timeline.model`` and this package.
"""
