"""A monitoring project's ``driftscope.yaml`` read, ``${NAME}``-substituted and checked,
every mistake one line naming the file, the line and the key (SPEC section 7).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp()).resolve()
>>> (folder / "reference.parquet").touch()
>>> config = parse_config('''
... project: fraud-model
... reference: reference.parquet
... logs: {path: "logs/*.parquet"}
... columns: {timestamp: ts, features: [amount]}
... window: 6h
... alerts:
...   channels: {hook: {type: webhook, url: "${HOOK_URL}"}}
...   rules: [{name: psi, metric: psi, above: 0.25, channels: [hook]}]
... ''', "driftscope.yaml", folder, env={"HOOK_URL": "https://example.org/h"})
>>> config.window.seconds, config.alerts.rules[0].cooldown.seconds
(21600, 3600)
>>> config.logs.path == f"{folder}/logs/*.parquet", config.store == f"sqlite:///{folder}/driftscope.db"
(True, True)
>>> config.alerts.channels["hook"].url
SecretStr('**********')
>>> try:
...     parse_config("project: Fraud\\nreference: .\\n", "d.yaml", env={})
... except ConfigError as exc:
...     print(exc)
d.yaml, line 1: project: must be lower-case letters, digits, '-' and '_' ([a-z0-9_-]+); got 'Fraud'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from driftscope._yaml import YamlList, YamlMap, parse_yaml, read_yaml
from driftscope.errors import ConfigError
from driftscope.monitor._config_models import MonitorConfig

_VARIABLE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``${NAME}``; ``$${NAME}`` stands for the text ``${NAME}`` itself."""
_SECRET_KEYS = frozenset({"url", "routing_key", "secret", "password"})
"""Keys whose values are never repeated in a message, even when written in the file."""
_SCRUB_MIN = 6
_UNION_HINTS = {
    "columns": "must be '*' or a list of column names",
    "probability": "must be a column name, or a mapping CLASS: COLUMN",
    "features": "must be a list of column names",
}
_EXPECTED = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "missing": "is required",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}

Location = tuple[str | int, ...]


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> MonitorConfig:
    """The monitoring project in the YAML file at ``path``; relative paths in it are resolved
    against the file's folder, ``${NAME}`` is read from ``env`` (default: ``os.environ``).
    Every mistake is a :class:`~driftscope.errors.ConfigError` of one line."""
    doc = read_yaml(path, "monitoring config")
    return _config(doc, Path(path).resolve().parent, os.environ if env is None else env)


def parse_config(
    text: str,
    source: str = "<config>",
    base_dir: str | Path = ".",
    env: Mapping[str, str] | None = None,
) -> MonitorConfig:
    """The monitoring project in ``text``; ``source`` names it in errors and relative paths
    are resolved against ``base_dir``. See :func:`load_config`."""
    doc = parse_yaml(text, source)
    return _config(doc, Path(base_dir).resolve(), os.environ if env is None else env)


def _config(doc: YamlMap, base_dir: Path, env: Mapping[str, str]) -> MonitorConfig:
    substituted: dict[Location, list[str]] = {}
    plain = _substitute(doc, env, (), substituted)
    try:
        return MonitorConfig.model_validate(plain, context={"base_dir": base_dir})
    except ValidationError as exc:
        message = _one_line(exc, doc, substituted)
    raise ConfigError(_scrub(message, substituted, env))


def _scrub(message: str, substituted: dict[Location, list[str]], env: Mapping[str, str]) -> str:
    """``message`` with the value of every variable the file used written as ``${NAME}``: a
    last guard, should a check (a ``compare`` option's) repeat a value that came from one.
    Values shorter than :data:`_SCRUB_MIN` are left, lest ``${PORT}`` = 25 blank every 25."""
    names = {name for used in substituted.values() for name in used}
    for name in sorted(names, key=lambda n: -len(env[n])):
        if len(env[name]) >= _SCRUB_MIN:
            message = message.replace(env[name], "${" + name + "}")
    return message


def _substitute(
    node: Any, env: Mapping[str, str], at: Location, substituted: dict[Location, list[str]]
) -> Any:
    """``node`` as plain dicts and lists with ``${NAME}`` replaced in every text value; the
    places where a variable was used are recorded in ``substituted``."""
    if isinstance(node, YamlMap):
        return {key: _value(node, key, env, at, substituted) for key in node}
    if isinstance(node, YamlList):
        return [_value(node, index, env, at, substituted) for index in range(len(node))]
    return node


def _value(
    parent: YamlMap | YamlList,
    key: str | int,
    env: Mapping[str, str],
    at: Location,
    substituted: dict[Location, list[str]],
) -> Any:
    value = parent[key]  # type: ignore[index]
    here = (*at, key)
    if not isinstance(value, str):
        return _substitute(value, env, here, substituted)
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        escaped, name = match[1], match[2]
        if escaped:
            return "${" + name + "}"
        if name not in env:
            line = parent.line_of(key) if isinstance(parent, YamlMap) else parent.line_at(key)  # type: ignore[arg-type]
            raise ConfigError(
                f"{parent.source}, line {line}: {_dotted(here)}: environment variable {name} "
                "is not set; export it or write the value in the file"
            )
        names.append(name)
        return env[name]

    result = _VARIABLE.sub(replace, value)
    if names:
        substituted[here] = names
    return result


def _one_line(exc: ValidationError, doc: YamlMap, substituted: dict[Location, list[str]]) -> str:
    """The first of pydantic's errors in the file (the most precise of those on its line) as
    ``FILE, line N: key.path: what is expected``."""
    found = [_locate(error, doc) for error in exc.errors(include_url=False)]
    error, path, line, node = min(found, key=lambda item: (item[2], -len(item[1])))
    several = sum(item[1] == path for item in found) > 1  # the members of a union
    message = _expected(error, path, several=several)
    if error["type"] not in ("missing", "unknown_key", "located") and "; got" not in message:
        message += _got(node, path, substituted)
    place = f"{_dotted(path)}: " if path else ""
    return f"{doc.source}, line {line}: {place}{message}"


def _locate(error: Any, doc: YamlMap) -> tuple[Any, Location, int, Any]:
    """Follow the error's ``loc`` (and a located error's ``at``) through the YAML nodes: the
    key path that exists in the file, the line it reaches, and the node there. Parts that are
    pydantic's own (a union member, a channel's type tag) are passed over; a missing key is
    named at its mapping's line."""
    ctx = error.get("ctx") or {}
    loc = (*error["loc"], *ctx.get("at", ()))
    if error["type"] == "union_tag_invalid":  # placed on the channel; the fault is its type
        loc = (*loc, "type")
    node: Any = doc
    line, path = doc.line, []
    for position, part in enumerate(loc):
        if isinstance(node, YamlMap) and isinstance(part, str) and part in node:
            line, node = node.line_of(part), node[part]
        elif isinstance(node, YamlList) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.line_at(part), node[part]
        elif position == len(loc) - 1 and isinstance(node, YamlMap) and isinstance(part, str):
            path.append(part)  # a required key that is missing
            break
        else:
            continue
        path.append(part)
    return error, tuple(path), line, node


def _expected(error: Any, path: Location, *, several: bool) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    last = path[-1] if path else None
    if several and isinstance(last, str) and last in _UNION_HINTS:
        return _UNION_HINTS[last]
    if kind in ("located", "unknown_key"):
        return str(ctx["message"])
    if kind == "string_pattern_mismatch" and last == "project":
        return "must be lower-case letters, digits, '-' and '_' ([a-z0-9_-]+)"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx['pattern']}"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind in ("greater_than_equal", "less_than_equal"):
        sign, limit = (">=", ctx["ge"]) if kind == "greater_than_equal" else ("<=", ctx["le"])
        return f"must be {sign} {limit}"
    if kind == "union_tag_invalid":
        return f"must be one of {ctx['expected_tags']}"
    if kind == "union_tag_not_found":
        return f"a channel needs a 'type': one of {_channel_types()}"
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    return str(error["msg"]).removeprefix("Value error, ")


def _channel_types() -> str:
    from driftscope.monitor._config_alerts import CHANNEL_TYPES

    return ", ".join(CHANNEL_TYPES)


def _got(node: Any, path: Location, substituted: dict[Location, list[str]]) -> str:
    """``; got VALUE`` for a plain value; a secret's or a substituted value is not shown."""
    if isinstance(node, YamlMap | YamlList) or (path and path[-1] in _SECRET_KEYS):
        return ""
    if path in substituted:
        return "; got the value of " + ", ".join("${" + n + "}" for n in substituted[path])
    return f"; got {node!r}"


def _dotted(path: Location) -> str:
    """``alerts.rules[0].above`` for ``("alerts", "rules", 0, "above")``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
