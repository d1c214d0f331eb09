"""YAML files read with the line of every key, so that a bad key can be named with its place.

Constraints files, test suites and (later) monitoring projects are YAML that people edit by
hand. PyYAML's safe loader parses them; this module keeps, beside the plain Python values,
the line each mapping key and each list item stands on, refuses a key given twice (PyYAML
would keep the last one silently), and words every error as ``FILE, line N: problem``.

>>> doc = parse_yaml("tests:\\n  - drift: {fail_on: major}\\n", "suite.yaml")
>>> doc["tests"][0]["drift"]["fail_on"], doc.line_of("tests"), doc["tests"].line_at(0)
('major', 1, 2)
>>> where(doc["tests"][0], "drift")
'suite.yaml, line 2'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from driftscope.errors import ConfigError


class YamlMap(dict[str, Any]):
    """A mapping read from a YAML file: a dict that also knows its file and its keys' lines."""

    source: str
    line: int
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line ``key`` stands on (the mapping's own line for a key it lacks)."""
        return self.lines.get(key, self.line)


class YamlList(list[Any]):
    """A list read from a YAML file, with its file and the line of each item."""

    source: str
    line: int
    lines: list[int]

    def line_at(self, index: int) -> int:
        """The line item ``index`` starts on."""
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


def where(node: YamlMap | YamlList, key: str | int | None = None) -> str:
    """``FILE, line N`` for a key of a mapping, an item of a list, or the node itself."""
    if isinstance(node, YamlMap) and isinstance(key, str):
        line = node.line_of(key)
    elif isinstance(node, YamlList) and isinstance(key, int):
        line = node.line_at(key)
    else:
        line = node.line
    return f"{node.source}, line {line}"


def read_yaml(path: str | Path, what: str) -> YamlMap:
    """The YAML file at ``path`` as a :class:`YamlMap`; ``what`` names the file's purpose in
    the error when it cannot be read (``"constraints file"``)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: {what} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{name}: {what} is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: {what} is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read the {what} ({exc.strerror})") from None
    return parse_yaml(text, name)


def parse_yaml(text: str, source: str) -> YamlMap:
    """``text`` parsed as one YAML document whose top level is a mapping."""
    try:
        value = yaml.load(text, Loader=_loader(source))  # a SafeLoader subclass: no tags run code
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise ConfigError(f"{source}{line}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None
    if value is None:
        raise ConfigError(f"{source}: the file is empty")
    if not isinstance(value, YamlMap):
        raise ConfigError(f"{source}, line 1: the top level must be a mapping of keys to values")
    return value


def _loader(source: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap()
        result.source, result.line, result.lines = source, node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise ConfigError(f"{source}, line {line}: key {key!r} must be text")
            if key in result:
                raise ConfigError(
                    f"{source}, line {line}: key {key!r} is given twice "
                    f"(first on line {result.lines[key]})"
                )
            result[key] = loader.construct_object(value_node, deep=True)
            result.lines[key] = line
        return result

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YamlList:
        result = YamlList(loader.construct_object(item, deep=True) for item in node.value)
        result.source, result.line = source, node.start_mark.line + 1
        result.lines = [item.start_mark.line + 1 for item in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader
