"""The strict YAML loader for policy files, and line-aware reading of what it returns.

``load_yaml`` is ``yaml.SafeLoader`` (libyaml's when present) with more refusals:
duplicate keys, non-string keys, anchors and aliases, and tags beyond plain scalars,
lists and mappings. Every mapping and list it returns remembers the line of each key and
item, so ``Reader`` can name the line of every problem, unknown keys included.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

import yaml


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[Any, int]


class YamlSeq(list[Any]):
    """A YAML sequence that remembers the line of itself and of each item."""

    line: int
    item_lines: list[int]


class YamlLoadError(Exception):
    """The document is not one the strict loader accepts; ``line`` is 0 when unknown."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


try:  # libyaml's parser when PyYAML has it (ten times faster); same safe constructor
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _StrictLoader(_BaseLoader):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met twice is an alias: refuse them (and their expansion bombs) outright.
        if node in self.constructed_objects:
            raise YamlLoadError(
                node.start_mark.line + 1, "anchors and aliases are not allowed in a policy"
            )
        return super().construct_object(node, deep=deep)


def _construct_map(loader: _StrictLoader, node: yaml.MappingNode) -> YamlMap:
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise YamlLoadError(line, f"key {key!r} must be a string (quote it)")
        if key in result:
            raise YamlLoadError(
                line, f"duplicate key {key!r} (first at line {result.key_lines[key]})"
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _StrictLoader, node: yaml.SequenceNode) -> YamlSeq:
    result = YamlSeq()
    result.line = node.start_mark.line + 1
    result.item_lines = []
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


def _refuse_tag(loader: _StrictLoader, node: yaml.Node) -> Any:
    raise YamlLoadError(
        node.start_mark.line + 1,
        f"YAML tag {node.tag} is not allowed in a policy (quote the value)",
    )


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
    _StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_StrictLoader.add_constructor(None, _refuse_tag)  # any unknown tag


def load_yaml(text: str) -> Any:
    """The single YAML document in ``text``: ``YamlMap``/``YamlSeq``/scalars, None if empty.

    Raises ``YamlLoadError`` for a syntax error or anything the strict loader refuses."""
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlLoadError(line, f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlLoadError(0, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


class Errors:
    """Every problem found in one file, each with its line, printed in line order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def lines(self) -> list[str]:
        return [
            f"{self.source}:{line}: {message}" if line else f"{self.source}: {message}"
            for line, message in sorted(self.items, key=lambda item: item[0])
        ]


def line_of(container: Any, key: Any, default: int) -> int:
    """The line of ``container[key]``, else of ``container``, else ``default``."""
    if isinstance(container, YamlMap):
        return container.key_lines.get(key, container.line)
    if isinstance(container, YamlSeq) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return default


def type_name(value: Any) -> str:
    """How an error message names the type of ``value``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Reader:
    """Typed access to the parsed YAML that records every problem with its line."""

    def __init__(self, errors: Errors) -> None:
        self.errors = errors

    def mapping(
        self,
        value: Any,
        line: int,
        what: str,
        allowed: AbstractSet[str] | None,
        required: AbstractSet[str] = frozenset(),
    ) -> YamlMap | None:
        """``value`` as a mapping; ``allowed`` None accepts any key (names chosen by users)."""
        if not isinstance(value, YamlMap):
            self.errors.add(line, f"{what} must be a mapping, not {type_name(value)}")
            return None
        for key in value:
            if allowed is not None and key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.errors.add(value.key_lines[key], f"unknown key {key!r} in {what} ({hint})")
        for key in sorted(required - set(value)):
            self.errors.add(value.line, f"{what} is missing {key!r}")
        return value

    def string(self, container: Any, key: Any, what: str, *, required: bool = True) -> str | None:
        line = line_of(container, key, 0)
        value = container.get(key) if isinstance(container, dict) else container[key]
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.errors.add(line, f"{what} must be a non-empty string, not {type_name(value)}")
            return None
        return value

    def choice(
        self, container: YamlMap, key: str, what: str, known: AbstractSet[str], noun: str
    ) -> str | None:
        """A string that must be one of ``known`` (a validator, a detector, a kind…)."""
        value = self.string(container, key, what)
        if value is not None and value not in known:
            self.errors.add(
                container.key_lines[key],
                f"{what}: unknown {noun} {value!r} (known: {', '.join(sorted(known)) or 'none'})",
            )
            return None
        return value

    def strings(self, container: Any, key: str, what: str) -> list[tuple[str, int]]:
        value = container.get(key)
        line = line_of(container, key, 0)
        if not isinstance(value, YamlSeq):
            self.errors.add(line, f"{what} must be a list of strings, not {type_name(value)}")
            return []
        result = []
        for index, item in enumerate(value):
            item_line = value.item_lines[index]
            if not isinstance(item, str) or not item.strip():
                self.errors.add(
                    item_line, f"{what} must hold non-empty strings, not {type_name(item)}"
                )
                continue
            result.append((item, item_line))
        return result
