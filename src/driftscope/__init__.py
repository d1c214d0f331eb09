"""driftscope: detect and act on drift in production machine-learning models.

>>> import numpy as np
>>> import driftscope
>>> rng = np.random.default_rng(0)
>>> ref = {"age": rng.normal(40, 10, 2000), "plan": rng.choice(["a", "b", "c"], 2000)}
>>> cur = {"age": rng.normal(45, 10, 2000), "plan": rng.choice(["a", "b", "c"], 2000)}
>>> report = driftscope.compare(ref, cur)
>>> report.drifted_columns
['age']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftscope._types import ColumnType, Role
from driftscope._version import __version__
from driftscope.errors import ConfigError, DriftscopeError, InputError, ProfileError, SchemaError

if TYPE_CHECKING:
    from driftscope.client import Client
    from driftscope.engine.compare import compare
    from driftscope.engine.options import CompareOptions
    from driftscope.profiling import Profile, profile
    from driftscope.result import ColumnResult, DriftReport
    from driftscope.stats._result import TestResult
    from driftscope.suite.run import check

__all__ = [
    "Client",
    "ColumnResult",
    "ColumnType",
    "CompareOptions",
    "ConfigError",
    "DriftReport",
    "DriftscopeError",
    "InputError",
    "Profile",
    "ProfileError",
    "Role",
    "SchemaError",
    "TestResult",
    "__version__",
    "check",
    "compare",
    "profile",
    "stats",
]

# Imported on first use so that `import driftscope` (and the CLI's start) stays cheap.
_LAZY = {
    "compare": ("driftscope.engine.compare", "compare"),
    "check": ("driftscope.suite.run", "check"),
    "CompareOptions": ("driftscope.engine.options", "CompareOptions"),
    "DriftReport": ("driftscope.result", "DriftReport"),
    "ColumnResult": ("driftscope.result", "ColumnResult"),
    "TestResult": ("driftscope.stats._result", "TestResult"),
    "stats": ("driftscope.stats", None),
    "profile": ("driftscope.profiling", "profile"),
    "Profile": ("driftscope.profiling", "Profile"),
    "Client": ("driftscope.client", "Client"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'driftscope' has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value
