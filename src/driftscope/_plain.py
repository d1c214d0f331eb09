"""Plain Python from the values results carry: the one converter of details and options."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def plain(value: Any, *, json_safe: bool = False) -> Any:
    """``value`` as plain Python: numpy scalars become Python numbers, tuples lists and
    mappings dicts with string keys, at any depth.

    Strict by default (a value of another type is a TypeError: results must stay
    serialisable); with ``json_safe`` for writing JSON, non-finite floats become None and
    other objects their text.

    >>> import numpy as np
    >>> plain({"n": np.int64(3), "edges": (0.5, np.float64(1.5))})
    {'n': 3, 'edges': [0.5, 1.5]}
    >>> plain([float("inf"), 1.0], json_safe=True)
    [None, 1.0]
    """
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":  # numpy scalars, float64 too
        return plain(item(), json_safe=json_safe)
    if isinstance(value, Mapping):
        return {str(k): plain(v, json_safe=json_safe) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, json_safe=json_safe) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if json_safe and not math.isfinite(value) else value
    if json_safe:
        return str(value)
    raise TypeError(f"details value of type {type(value).__name__} is not JSON-serialisable")
