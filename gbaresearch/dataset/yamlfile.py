"""Read one small, untrusted YAML file into plain values that remember their lines.

The reader accepts the plain subset of YAML a person writes by hand: mappings, lists and
scalars. It refuses, each with a problem naming the file and line:

- a file that is not a regular file, or larger than :data:`MAX_YAML_BYTES` (read through
  :func:`gbaresearch.dataset.limits.read_bounded`, like every data file), or not UTF-8;
- tags (``!!python/object``, ``!custom``, ``!!str``): nothing but text, lists and mappings is
  built, and no constructor ever runs;
- anchors and aliases (``&a``, ``*a``), which can multiply a small file into a huge one;
- nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` values, several documents;
- a key given twice in one mapping, and keys that are not plain text.

Scalars are kept as the text written (``2026-03-02`` stays the text ``2026-03-02``; ``true`` and
``false`` in any case become ``true`` and ``false``), so that the schema's own checks judge the
values exactly as they would judge a CSV cell. An empty value, ``~`` or ``null`` is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .limits import Refused, read_bounded
from .problems import Problem

MAX_YAML_BYTES = 1024 * 1024
MAX_DEPTH = 12
MAX_NODES = 50_000
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": "true", "True": "true", "TRUE": "true", "false": "false", "False": "false", "FALSE": "false"}


@dataclass
class Item:
    """A value read from the file and the (1-based) line it starts on. ``value`` is ``None``,
    text, a list of :class:`Item`, or a dict of key → :class:`Item`; ``key_lines`` gives the line
    of each key of a mapping."""

    value: Any
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_text(self) -> bool:
        return isinstance(self.value, str)


class YamlRefused(Exception):
    """The file is not read: ``line``, ``code`` and ``reason`` say where and why."""

    def __init__(self, line: int, code: str, reason: str):
        super().__init__(reason)
        self.line, self.code, self.reason = line, code, reason


class _Loader(yaml.SafeLoader):
    """A composer that refuses tags, anchors and aliases, and counts depth and nodes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlRefused(
                line, "yaml-refused", "anchors and aliases (& and *) are not accepted: write the value out"
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise YamlRefused(line, "yaml-refused", f"tags such as {tag!r} are not accepted: write plain values")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlRefused(line, "yaml-refused", f"the file has more than {MAX_NODES} values")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(line, "yaml-refused", f"values are nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _convert(node: yaml.Node) -> Item:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        if node.style is None or node.style == "":  # plain: null and booleans as YAML reads them
            if text in _NULLS:
                return Item(None, line)
            text = _BOOLS.get(text, text)
        return Item(text, line)
    if isinstance(node, yaml.SequenceNode):
        return Item([_convert(n) for n in node.value], line)
    assert isinstance(node, yaml.MappingNode)
    out: dict[str, Item] = {}
    lines: dict[str, int] = {}
    for knode, vnode in node.value:
        kline = knode.start_mark.line + 1
        if not isinstance(knode, yaml.ScalarNode) or knode.tag == "tag:yaml.org,2002:null" and knode.style is None:
            raise YamlRefused(kline, "yaml-refused", "a key must be plain text")
        key = str(knode.value)
        if key == "<<":
            raise YamlRefused(kline, "yaml-refused", "merge keys (<<) are not accepted: write the values out")
        if key in out:
            raise YamlRefused(kline, "yaml-duplicate-key", f"key {key!r} is given twice (first at line {lines[key]})")
        out[key] = _convert(vnode)
        lines[key] = kline
    return Item(out, line, lines)


def read_yaml(path: Path, label: str | None = None) -> tuple[Item | None, list[Problem]]:
    """Read ``path``; return its top value (None when the file is refused) and the problems,
    each naming ``label`` (default: the file name). Never raises for bad content."""
    label = label or Path(path).name
    try:
        data = read_bounded(Path(path), MAX_YAML_BYTES)
    except Refused as exc:
        reason = "file is missing" if exc.code == "file-missing" else exc.reason
        return None, [Problem(label, 0, "-", reason, exc.code)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(label, line, "-", "file is not UTF-8: save it as UTF-8", "encoding-error")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        item = None if node is None else _convert(node)
    except YamlRefused as exc:
        return None, [Problem(label, exc.line, "-", exc.reason, exc.code)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, [Problem(label, line, "-", f"not valid YAML: {what}", "yaml-syntax")]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [Problem(label, 0, "-", f"not valid YAML: {exc}", "yaml-syntax")]
    finally:
        loader.dispose()
    if item is None:
        return None, [Problem(label, 1, "-", "the file is empty", "empty-file")]
    return item, []
