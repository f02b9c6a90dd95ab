"""Read a stored notebook for structural tests without importing nbformat, whose schema
validator costs about two seconds per test process: the JSON as attribute-access dicts, with
every multi-line field (cell sources, stream texts, output data) joined into one string, as
``nbformat.read`` returns it."""

import json
from pathlib import Path


class Node(dict):
    """A dict whose keys also read as attributes (``cell.source``), like nbformat's NotebookNode."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


def _node(value, key=None):
    if isinstance(value, dict):
        return Node({k: _node(v, k) for k, v in value.items()})
    if isinstance(value, list):
        # sources, stream texts and text outputs are stored as lists of lines
        if key in ("source", "text") or (key is not None and "/" in key):
            return "".join(value)
        return [_node(v) for v in value]
    return value


def read_notebook(path: Path) -> Node:
    """The notebook at ``path`` as a :class:`Node` tree."""
    return _node(json.loads(Path(path).read_text(encoding="utf-8")))
