"""From significant slices to the segments reported: deduplication, ranking and messages.

Two findings of the same kind can explain the same thing:

- a pair and its single parent (``region = 'north' and device = 'android'`` inside
  ``region = 'north'``): the pair is kept when its effect is at least :data:`CHILD_GAIN` times
  its parent's (the parent's change is the pair's, diluted), the parent otherwise (the pair
  only inherits it);
- two drift slices where one echoes the other: it slices on a feature that moved in the other,
  and what moved inside it is the other's slice column or features that moved there too
  (north's rows moved up in ``amount``, so the top bin of ``amount`` gains north's rows, and
  ``region`` and ``age`` move inside it); the one with the sharper effect is the source.

What remains is ranked by score, best first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from driftscope.performance.segments.slices import Encoded, display
from driftscope.result import Segment, SegmentValue

CHILD_GAIN = 1.5
"""How much larger a pair's effect must be than its parent's for the pair to stand for both."""

Slice = tuple[tuple[int, int], ...]
"""A slice: (column index, code) per filter, by column index."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A significant slice before it becomes a :class:`~driftscope.result.Segment`.

    ``inside`` / ``outside``: for drift, the top moved feature's distance between the sides
    inside the slice and outside it; for errors, the mean error inside and outside.
    ``reference``: the slice's mean error on the reference (errors found on the current side
    only; NaN otherwise). ``side``: where errors were measured."""

    kind: Literal["drift", "error"]
    slice: Slice
    effect: float
    score: float
    p_value: float
    inside: float
    outside: float
    moved: tuple[int, ...] = ()
    reference: float = float("nan")
    side: Literal["reference", "current"] = "current"
    binary: bool = True


def deduplicated(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that explain something of their own, best score first."""
    ranked = sorted(findings, key=lambda f: (-f.score, f.p_value, f.slice))
    dropped: set[int] = set()
    for i, a in enumerate(ranked):
        for j in range(i + 1, len(ranked)):
            b = ranked[j]
            # a finding already explained away explains nothing else away
            if i in dropped or j in dropped or a.kind != b.kind:
                continue
            loser = _loser(a, b)
            if loser is not None:
                dropped.add(i if loser is a else j)
    return [f for i, f in enumerate(ranked) if i not in dropped]


def _loser(a: Finding, b: Finding) -> Finding | None:
    sa, sb = set(a.slice), set(b.slice)
    if sa < sb or sb < sa:
        child, parent = (a, b) if sa > sb else (b, a)
        return parent if child.effect >= CHILD_GAIN * parent.effect else child
    if a.kind == "drift" and _echoes(a, b):
        return b if a.effect >= b.effect else a
    return None


def _echoes(a: Finding, b: Finding) -> bool:
    return _echo_of(a, b) or _echo_of(b, a)


def _echo_of(echo: Finding, source: Finding) -> bool:
    """``echo`` slices on a feature that moved in ``source``, and what moved in it is the
    source's own column or what moved in the source."""
    echo_columns = {c for c, _ in echo.slice}
    source_columns = {c for c, _ in source.slice}
    if not echo_columns & set(source.moved):
        return False
    return bool(source_columns & set(echo.moved)) or set(echo.moved) <= {
        *source.moved,
        *source_columns,
    }


def segment(
    finding: Finding,
    columns: Sequence[Encoded],
    rows: tuple[int, int],
    current_rows: int,
    filters: Mapping[str, SegmentValue],
) -> Segment:
    """The reported segment of a finding, with its exact row counts (``rows``: reference,
    current) and filter values (outer numeric bounds as seen in the full data)."""
    share = rows[1] / current_rows if current_rows else 0.0
    where = " and ".join(f"{name} {display(value)}" for name, value in filters.items())
    head = f"{where} ({share:.1%} of current rows)"
    moved = tuple(columns[f].name for f in finding.moved)
    if finding.kind == "drift":
        message = (
            f"{head}: {', '.join(moved)} moved (distance {finding.inside:.2f}) against "
            f"{finding.outside:.2f} elsewhere"
        )
    else:
        message = f"{head}: {_error_text(finding)}"
    return Segment(
        filters=dict(filters),
        rows=rows[1],
        share=share,
        kind=finding.kind,
        score=finding.score,
        p_value=finding.p_value,
        message=message,
        reference_rows=rows[0],
        effect=finding.effect,
        columns=moved,
    )


def _error_text(f: Finding) -> str:
    if f.binary:
        text = f"error rate {f.inside:.1%} against {f.outside:.1%} elsewhere"
        before = f"{f.reference:.1%}"
    else:
        text = f"mean absolute error {f.inside:.4g} against {f.outside:.4g} elsewhere"
        before = f"{f.reference:.4g}"
    if f.side == "reference":
        return f"on the reference data, {text}"
    if f.reference == f.reference:  # not NaN: the reference has labels in this slice
        text += f" ({before} in this slice on the reference)"
    return text
