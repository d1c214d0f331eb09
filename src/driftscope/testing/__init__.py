"""Public test helpers: the conformance checks every drift method passes, for custom ones too.

:mod:`driftscope.testing.checks` holds the checks (``CHECKS``, ``check_method``);
:mod:`driftscope.testing.strategies` holds hypothesis strategies (it needs ``hypothesis``,
which is a test dependency, so it is not imported here); :mod:`driftscope.testing.datasets`
reads labelled data with a known shift from the files an installed package ships.
"""

from __future__ import annotations

from driftscope.testing.checks import CHECKS, check_method

__all__ = ["CHECKS", "check_method"]
