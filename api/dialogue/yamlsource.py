"""YAML → plain Python data plus a line number for every path, via ruamel.yaml's node graph.

We build the data from the *composed* node graph instead of letting ruamel construct it, because
that lets one run report every duplicate key (ruamel's constructor stops at the first) and keeps
the line of every key and list item, so any later error can say `file:line`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from api.dialogue.diagnostics import Diagnostic, make

PathKey = tuple[str | int, ...]
_MAX_DEPTH = 50  # aliases can make cycles; nobody writes scenario YAML this deep


@dataclass
class Parsed:
    file: str
    data: Any = None
    lines: dict[PathKey, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def line(self, path: Iterable[str | int]) -> int:
        """The line of the deepest known prefix of `path` (1-based; 1 if nothing is known)."""
        best = self.lines.get((), 1)
        current: PathKey = ()
        for part in path:
            candidate = (*current, part)
            if candidate in self.lines:
                current = candidate
                best = self.lines[candidate]
            # Unknown parts (e.g. pydantic's union tags in error locations) are skipped.
        return best


def parse(text: str, file: str) -> Parsed:
    parsed = Parsed(file=file)
    yaml = YAML(typ="safe", pure=True)
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        parsed.diagnostics.append(make("yaml-syntax", file, line, problem or str(exc)))
        return parsed
    except YAMLError as exc:
        parsed.diagnostics.append(make("yaml-syntax", file, 1, str(exc).strip()))
        return parsed
    if root is None:
        parsed.diagnostics.append(make("schema", file, 1, "the file is empty"))
        return parsed
    parsed.lines[()] = root.start_mark.line + 1
    builder = _Builder(parsed, yaml)
    parsed.data = builder.build(root, (), 0)
    return parsed


class _Builder:
    def __init__(self, parsed: Parsed, yaml: YAML) -> None:
        self.parsed = parsed
        self.yaml = yaml

    def build(self, node: Node, path: PathKey, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            self._diag("yaml-syntax", node, "nesting too deep (recursive alias?)", path)
            return None
        if isinstance(node, ScalarNode):
            return self.yaml.constructor.construct_object(node, deep=True)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.parsed.lines[(*path, index)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, index), depth + 1))
            return items
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self._diag("schema", key_node, "mapping keys must be plain words", path)
                    continue
                key = self.yaml.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    key = str(key)  # `1: x` or `true: x`: keep going; the schema names the key
                line = key_node.start_mark.line + 1
                if key in result:
                    first = self.parsed.lines[(*path, key)]
                    if path == ("nodes",):
                        self._diag(
                            "duplicate-node-id",
                            key_node,
                            f"node id {key!r} is used twice (first on line {first})",
                            path,
                            node_id=key,
                        )
                    else:
                        where = ".".join(str(p) for p in path) or "top level"
                        self._diag(
                            "duplicate-key",
                            key_node,
                            f"key {key!r} appears twice in {where} (first on line {first})",
                            path,
                        )
                    continue  # keep the first, like a reader would expect
                self.parsed.lines[(*path, key)] = line
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        self._diag("yaml-syntax", node, f"unsupported YAML node {type(node).__name__}", path)
        return None

    def _diag(
        self, code: str, node: Node, message: str, path: PathKey, node_id: str | None = None
    ) -> None:
        if node_id is None and len(path) >= 2 and path[0] == "nodes":
            node_id = str(path[1])
        self.parsed.diagnostics.append(
            make(code, self.parsed.file, node.start_mark.line + 1, message, node=node_id)
        )
