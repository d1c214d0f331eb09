"""Online drift detectors for streams: values in one at a time, ``update(x) -> self``, a
read-only ``drift_detected`` after each (SPEC section 1), ``update_many(values)`` for many at
once, and a state that is saved and restored exactly (:meth:`DriftDetector.state`).

One detector per module, each registered here by name:

>>> from driftscope import detectors
>>> detectors.available()  # doctest: +NORMALIZE_WHITESPACE
['adwin', 'cusum', 'ddm', 'eddm', 'ewma', 'fhddm', 'hddm_a', 'hddm_w', 'kswin',
 'page_hinkley', 'window_ks']
>>> ph = detectors.get("page_hinkley")(threshold=20)
>>> ph.update(0.5).drift_detected
False
"""

from __future__ import annotations

from driftscope.detectors.adwin import ADWIN
from driftscope.detectors.base import DriftDetector
from driftscope.detectors.cusum import CUSUM
from driftscope.detectors.ddm import DDM
from driftscope.detectors.eddm import EDDM
from driftscope.detectors.ewma import EWMA
from driftscope.detectors.fhddm import FHDDM
from driftscope.detectors.hddm_a import HDDMA
from driftscope.detectors.hddm_w import HDDMW
from driftscope.detectors.kswin import KSWIN
from driftscope.detectors.page_hinkley import PageHinkley
from driftscope.detectors.window_ks import WindowKS
from driftscope.errors import ConfigError

DETECTORS: dict[str, type[DriftDetector]] = {
    cls.name: cls
    for cls in (ADWIN, CUSUM, DDM, EDDM, EWMA, FHDDM, HDDMA, HDDMW, KSWIN, PageHinkley, WindowKS)
}
"""Every detector by its name, in the order :func:`available` lists them."""


def available() -> list[str]:
    """The names of the registered detectors."""
    return list(DETECTORS)


def get(name: str) -> type[DriftDetector]:
    """The detector class registered as ``name``; a ConfigError naming the known ones."""
    try:
        return DETECTORS[name]
    except (KeyError, TypeError):
        known = ", ".join(DETECTORS)
        raise ConfigError(f"unknown detector {name!r}; available: {known}") from None


__all__ = [
    "ADWIN",
    "CUSUM",
    "DDM",
    "DETECTORS",
    "EDDM",
    "EWMA",
    "FHDDM",
    "HDDMA",
    "HDDMW",
    "KSWIN",
    "DriftDetector",
    "PageHinkley",
    "WindowKS",
    "available",
    "get",
]
