"""Numbers formatted for people: a few significant digits, p-values in e-notation, shares in %.

Every formatter accepts None (shown as an em dash) and non-finite floats, so the report never
crashes on a column that could not be tested.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

MISSING = "—"


def fmt_num(value: float | int | str | None) -> str:
    """Format a summary number with about four significant digits.

    Integers keep every digit (they are counts); floats switch to e-notation below 0.001 and
    from one million up, where fixed notation would be mostly zeros.

    >>> [fmt_num(v) for v in (100000, 0.123456, 52341.7, 3.0, 0.00001234, 2.5e9, None)]
    ['100,000', '0.1235', '52,342', '3', '1.234e-05', '2.5e+09', '—']
    """
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    magnitude = abs(v)
    if magnitude >= 1e6 or magnitude < 1e-3:
        return _sci(v, 3)
    if magnitude >= 1000:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def scalar(value: object) -> float | int | str | None:
    """``value`` as a scalar :func:`fmt_num` can show (numpy numbers as Python ones), or None
    when it is not a scalar.

    >>> import numpy as np
    >>> [scalar(v) for v in (np.int64(3), np.float32(0.5), "ks", True, [1, 2], None)]
    [3, 0.5, 'ks', True, None, None]
    """
    if isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def fmt_p(p: float | None) -> str:
    """Format a p-value: three significant digits, e-notation below 0.001.

    >>> [fmt_p(v) for v in (0.5, 0.04321, 1.234e-5, 0.0, None)]
    ['0.5', '0.0432', '1.2e-05', '0', '—']
    """
    if p is None:
        return MISSING
    v = float(p)
    if math.isnan(v):
        return "NaN"
    if v == 0:
        return "0"
    if v < 1e-3:
        return f"{v:.1e}"
    return f"{v:.3g}"


def fmt_share(share: float | None) -> str:
    """Format a fraction in [0, 1] as a percentage, never rounding a non-zero share to 0%.

    >>> [fmt_share(v) for v in (0.0, 0.00002, 0.125, 0.99999, 1.0, None)]
    ['0%', '<0.1%', '12.5%', '>99.9%', '100%', '—']
    """
    if share is None:
        return MISSING
    v = float(share)
    if math.isnan(v):
        return "NaN"
    if v == 0:
        return "0%"
    if 0 < v < 0.001:
        return "<0.1%"
    if 0.999 < v < 1:
        return ">99.9%"
    text = f"{v * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def fmt_ticks(ticks: Sequence[float]) -> list[str]:
    """Labels for evenly spaced axis ticks: all with the decimals the step needs, so that
    neighbouring ticks never print alike.

    >>> fmt_ticks([0.0, 0.25, 0.5])
    ['0.00', '0.25', '0.50']
    >>> fmt_ticks([1000.0, 1500.0, 2000.0])
    ['1,000', '1,500', '2,000']
    >>> fmt_ticks([0.0, 2e-06, 4e-06])
    ['0e+00', '2e-06', '4e-06']
    >>> fmt_ticks([0.0, 2.5e9, 5e9])
    ['0.0e+00', '2.5e+09', '5.0e+09']
    >>> fmt_ticks([-1e308, 0.0, 1e308]), fmt_ticks([0.0, 5e-324])
    (['-1e+308', '0e+00', '1e+308'], ['0.0', '5e-324'])
    """
    if len(ticks) < 2:
        return [fmt_num(float(t)) for t in ticks]
    step = abs(ticks[1] / 2 - ticks[0] / 2) * 2  # halved: the difference may pass 1.8e308
    top = max(abs(t) for t in ticks)
    decimals = next((d for d in range(16) if abs(round(step, d) - step) <= step * 1e-6), None)
    if not (math.isfinite(step) and step > 0) or decimals is None:
        # No decimal step (subnormal spacing, the ends of the float range): the shortest
        # text that reads back as each tick, which tells any two floats apart.
        return [repr(float(t) + 0.0) for t in ticks]
    if 1e-4 <= top < 1e9:
        return [f"{t + 0.0:,.{decimals}f}" for t in ticks]  # + 0.0 turns -0.0 into 0.0
    # E-notation: the mantissa digits from the top tick's exponent down to the step's last one.
    step_exponent = math.floor(math.log10(step))
    mantissa = step / 10.0**step_exponent
    extra = next((d for d in range(4) if abs(round(mantissa, d) - mantissa) <= 1e-6), 3)
    digits = max(0, math.floor(math.log10(top)) - step_exponent + extra)
    return [f"{t + 0.0:.{digits}e}" for t in ticks]


def _sci(value: float, digits: int) -> str:
    """E-notation with trailing zeros of the mantissa dropped (2.50e+09 -> 2.5e+09)."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent}"
