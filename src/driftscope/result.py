"""The typed results of a comparison: frozen, slotted, composed of typed parts.

Everything here is plain data, below the engine that makes it and the renderers that show
it (:mod:`driftscope.report.json_format`, :mod:`driftscope.report.html`,
:mod:`driftscope.report.terminal`). The conveniences on :class:`DriftReport` that render or
save (``to_json``, ``save_html``, ...) import their renderer when called, so this module
imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from driftscope._types import MODEL_ROLES, ColumnType, Role
from driftscope.decision.decide import Decision
from driftscope.stats._result import TestResult

if TYPE_CHECKING:
    from driftscope.multivariate._result import MultivariateResult
    from driftscope.multivariate.embeddings import EmbeddingDrift
    from driftscope.multivariate.text.drift import TextDrift

SCHEMA_VERSION = 1
ColumnStatus = Literal["drift", "small", "ok", "low_power", "error", "untested"]
Severity = Literal["none", "warning", "major"]
FAIL_ON = ("drift", "quality", "any", "warning", "major")
"""The conditions a report can be gated on (``driftscope report --fail-on``)."""
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Distribution:
    """What the report draws for one column: reference and current shares over the same bins.

    ``kind`` is ``"histogram"`` for numeric columns (``edges`` has ``len(labels) + 1`` finite
    numbers, equal-width over the pooled range) or ``"bars"`` for categories (the most frequent
    ones, then ``"(other)"`` when there are more; ``edges`` is None). Shares are fractions of the
    non-missing values of each side.
    """

    kind: Literal["histogram", "bars"]
    labels: tuple[str, ...]
    reference: tuple[float, ...]
    current: tuple[float, ...]
    edges: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class MethodResult:
    """A further method run on a column beside the one that decides (``--method psi
    --method ks``): reported, not decided on. ``result`` is its own :class:`TestResult`
    (at that method's default threshold); ``error`` says why it could not run."""

    method: str
    result: TestResult | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """What a person reads about one column's two sides, whether or not it was tested:
    missing shares, summary numbers (count, mean, ... or count, categories, ..., in the
    order they should be shown) and the chart's distribution."""

    reference_missing_share: float = 0.0
    current_missing_share: float = 0.0
    reference_stats: Mapping[str, float | int | str | None] = field(default_factory=lambda: _EMPTY)
    current_stats: Mapping[str, float | int | str | None] = field(default_factory=lambda: _EMPTY)
    distribution: Distribution | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    """How large a column's change is, measured as ``measure`` (``ks_distance``,
    ``cramers_v``, ``text_separation`` for a text column, ``mmd_distance`` for an embedding
    column, or a distance, which is its own effect).

    ``minimum``: the size that matters (the user's or the measure's default; for a distance,
    its fixed threshold). ``chance``: what the measure reaches by chance at these sample
    sizes, when the distance's threshold was calibrated. ``detectable``: the smallest effect
    the test could have found at these sample sizes (see :mod:`driftscope.decision.power`).
    """

    size: float
    measure: str
    minimum: float | None = None
    chance: float | None = None
    detectable: float | None = None


@dataclass(frozen=True, slots=True)
class ColumnResult:
    """One row of the report: the test applied to one column and what came out of it,
    composed of typed parts.

    ``summary`` is for people (:class:`Summary`); ``test`` is the deciding method's
    :class:`~driftscope.stats.TestResult`, None when the column was not tested (``error``
    then says why, ``note`` says it is not tested by design, or ``role`` is not a tested
    role); ``effect`` its effect size (:class:`Effect`); ``decision`` the verdict
    (:class:`~driftscope.decision.decide.Decision`); ``p_value_adjusted`` the p-value after
    multiple-testing correction over the report's tested columns; ``importance`` the
    feature's weight in the dataset verdict when importances were given; ``also`` the results
    of further methods asked for the column, reported beside the first, which alone decides.
    The flat properties (``statistic``, ``drifted``, ``severity``, ``effect_size``, ...) read
    these parts. See :mod:`driftscope.decision`.
    """

    name: str
    type: ColumnType
    role: Role
    method: str | None
    summary: Summary = field(default_factory=Summary)
    test: TestResult | None = None
    effect: Effect | None = None
    decision: Decision | None = None
    p_value_adjusted: float | None = None
    error: str | None = None
    note: str | None = None
    also: tuple[MethodResult, ...] = ()
    importance: float | None = None
    text: TextDrift | None = None
    """A text column's descriptors, vocabulary and word classifier (its test is theirs)."""
    embedding: EmbeddingDrift | None = None
    """An embedding column's MMD test, mean vectors' distance and moved components."""

    # -- the test's numbers ----------------------------------------------------------------

    @property
    def statistic(self) -> float | None:
        return self.test.statistic if self.test is not None else None

    @property
    def p_value(self) -> float | None:
        """The method's raw p-value (None for distances)."""
        return self.test.p_value if self.test is not None else None

    @property
    def threshold(self) -> float | None:
        """Alpha for tests; the (possibly calibrated) threshold for distances."""
        return self.test.threshold if self.test is not None else None

    @property
    def higher_is_drift(self) -> bool | None:
        return self.test.higher_is_drift if self.test is not None else None

    @property
    def details(self) -> Mapping[str, Any]:
        return self.test.details if self.test is not None else _EMPTY

    # -- the decision ----------------------------------------------------------------------

    @property
    def drifted(self) -> bool:
        if self.decision is not None:
            return self.decision.drifted
        return self.test is not None and self.error is None and self.test.drifted

    @property
    def severity(self) -> Severity:
        return self.decision.severity if self.decision is not None else "none"

    @property
    def effect_size(self) -> float | None:
        return self.effect.size if self.effect is not None else None

    @property
    def effect_measure(self) -> str | None:
        return self.effect.measure if self.effect is not None else None

    @property
    def effect_threshold(self) -> float | None:
        """The effect a change must reach to count: a test's minimum effect size, or a
        distance's (possibly calibrated) threshold."""
        if self.effect is None:
            return None
        return self.threshold if self.higher_is_drift else self.effect.minimum

    @property
    def detectable_effect(self) -> float | None:
        return self.effect.detectable if self.effect is not None else None

    # -- the summary -----------------------------------------------------------------------

    @property
    def reference_missing_share(self) -> float:
        return self.summary.reference_missing_share

    @property
    def current_missing_share(self) -> float:
        return self.summary.current_missing_share

    @property
    def reference_stats(self) -> Mapping[str, float | int | str | None]:
        return self.summary.reference_stats

    @property
    def current_stats(self) -> Mapping[str, float | int | str | None]:
        return self.summary.current_stats

    @property
    def distribution(self) -> Distribution | None:
        return self.summary.distribution

    @property
    def status(self) -> ColumnStatus:
        """The column's verdict in one word, the same in the terminal, HTML and JSON:
        ``drift``, ``small`` (significant, but the effect is below its minimum), ``ok``,
        ``low_power`` (no drift found, but too few rows to find drift of the minimum effect:
        ``detectable_effect`` is above it), ``error`` (could not be tested) or ``untested``
        (its role or type is not tested)."""
        if self.error is not None:
            return "error"
        if not self.tested:
            return "untested"
        if self.decision is not None:
            return self.decision.status
        return "drift" if self.drifted else "ok"

    @property
    def tested(self) -> bool:
        """True when a method ran on this column and produced a number."""
        return self.method is not None and self.error is None and self.statistic is not None

    @property
    def is_test(self) -> bool:
        """True when a p-value method tested the column (as opposed to a distance)."""
        return self.tested and not self.higher_is_drift and self.p_value is not None

    @property
    def decision_p_value(self) -> float | None:
        """The p-value the decision used: adjusted when there is an adjusted one."""
        return self.p_value_adjusted if self.p_value_adjusted is not None else self.p_value

    @property
    def severity_score(self) -> float:
        """How far past its threshold the column is, for sorting (>= 1 means drifted).

        Distances: statistic / threshold. Tests: -log10(p) / -log10(alpha), with the adjusted
        p-value when there is one; when the test also has a minimum effect size, the smaller of
        that and effect / minimum (a test drifts only when it passes both bars). 0 when
        untested.
        """
        import math

        if not self.tested or self.threshold is None or self.statistic is None:
            return 0.0
        if self.higher_is_drift:
            return self.statistic / self.threshold if self.threshold > 0 else math.inf
        p = self.decision_p_value
        alpha = self.threshold
        if alpha <= 0 or alpha >= 1:
            return 0.0
        significance = -math.log10(max(1.0 if p is None else p, 1e-300)) / -math.log10(alpha)
        if self.effect_size is None or not self.effect_threshold:
            return significance
        return min(significance, self.effect_size / self.effect_threshold)


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One model performance metric on one side: its value (None where it is undefined, such
    as ROC AUC when one class is absent), a 95% bootstrap confidence interval, and whether it
    was estimated without labels rather than measured."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class FeatureRelation:
    """How one feature's relation to the label moved (concept drift): the chi-square of the
    moved mean residuals over its bins, its p-value (and adjusted over the features), and
    the largest move of the mean residual in a bin (``shift``: in probability points; for a
    regression, as a share of the model's mean absolute error on the reference)."""

    name: str
    statistic: float
    p_value: float
    p_value_adjusted: float
    shift: float


@dataclass(frozen=True, slots=True)
class CalibrationTest:
    """The current labels against the reference's calibration of the model's probabilities
    (Hosmer-Lemeshow over the current score deciles); for a regression, the current errors
    against the reference's at the same predictions (see
    :mod:`driftscope.performance.concept`)."""

    statistic: float
    p_value: float
    bins: int
    shift: float = 0.0
    """The effect: mean probability points between the labels' rate and the calibration's
    expectation over the score bins, ``sum_b |O_b - E_b| / n`` (the largest over the classes
    of a model with several); a regression's mean move of its error at the same
    predictions, as a share of its mean absolute error on the reference."""
    label: str | None = None
    """A model with several classes: the class whose test is reported (the most
    significant)."""


@dataclass(frozen=True, slots=True)
class ConceptGap:
    """One metric realised on the current labels against its estimate without them."""

    realised: float | None
    estimated: MetricValue
    beyond: bool


@dataclass(frozen=True, slots=True)
class ConceptDrift:
    """Whether the relation between the model's inputs and the labels changed (see
    :mod:`driftscope.performance.concept`): ``changed`` when the calibration test rejects at
    ``alpha`` and the change matters (its shift is large, or the realised ROC AUC is beyond
    what the covariate shift alone predicts)."""

    changed: bool
    alpha: float
    calibration: CalibrationTest
    gaps: Mapping[str, ConceptGap] = field(default_factory=lambda: _EMPTY)
    features: tuple[FeatureRelation, ...] = ()


@dataclass(frozen=True, slots=True)
class Performance:
    """The model's performance on each side (the report's ``performance`` section): each
    metric of the task (``binary_classification``, ``multiclass_classification`` or
    ``regression``), measured where the side has labels. ``rows`` are the labelled rows used
    per side; ``classes`` a classifier's classes in code order (a binary model's positive
    class last); ``notes`` what was left out and why."""

    task: str
    reference: Mapping[str, MetricValue] = field(default_factory=lambda: _EMPTY)
    current: Mapping[str, MetricValue] = field(default_factory=lambda: _EMPTY)
    rows: tuple[int, int] = (0, 0)
    classes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    concept: ConceptDrift | None = None
    explanation: DropExplanation | None = None


SegmentValue = str | int | float | bool | None | tuple[float, float]
"""A segment's filter on one column: a category value, or a ``[low, high)`` interval of a
binned number."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A slice of the data where drift or the model's errors concentrate (the report's
    ``segments`` list, best first).

    ``filters`` maps each column of the slice to its value or ``(low, high)`` interval;
    ``rows`` / ``share`` are the current rows in it (``reference_rows`` the reference's);
    ``kind`` is ``"drift"`` (the inputs moved inside it more than elsewhere) or ``"error"``
    (the model's errors concentrate in it); ``score`` the ranking effect (it weighs the
    effect by the slice's size); ``p_value`` its significance, adjusted over every slice
    searched; ``columns`` the features whose distribution moved inside a drift slice, most
    first; ``effect`` the effect on its own scale (a distance for drift, the error rate's
    excess over the rest of the data for errors)."""

    filters: Mapping[str, SegmentValue]
    rows: int
    share: float
    kind: Literal["drift", "error"]
    score: float
    p_value: float
    message: str
    reference_rows: int = 0
    effect: float = 0.0
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribution:
    """The part of a performance drop put down to one feature (or one segment): the
    reference's performance re-weighted to the current distribution of that feature alone
    (``expected``), the drop that re-weighting predicts (reference value minus expected,
    in the metric's "worse" direction) and its share of the observed drop."""

    name: str
    kind: Literal["feature", "segment"]
    expected: float
    drop: float
    share: float
    filters: Mapping[str, SegmentValue] | None = None


@dataclass(frozen=True, slots=True)
class DropExplanation:
    """What accounts for the fall of one metric from reference to current (see
    :mod:`driftscope.performance.explain`): ``drop`` the observed (or estimated) fall,
    ``explained`` the fall that the inputs' shift predicts on its own (reference rows
    re-weighted to the current inputs jointly), ``attributions`` per feature and segment,
    largest first; ``method`` names how the weights were found."""

    metric: str
    reference: float
    current: float
    estimated: bool
    drop: float
    explained: float
    attributions: tuple[Attribution, ...] = ()
    method: str = ""


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """A data-quality finding about one column (or the dataset when ``column`` is None).

    ``check`` is a stable identifier (``missing_share_increase``, ``new_categories``,
    ``column_error``, ``missing_column``, ``new_column``, ``untested_column``, ``type_change``
    and the constraint checks of :mod:`driftscope.quality`); ``severity`` is
    ``"info"`` (a note: nothing is wrong, e.g. a text column that is not tested yet),
    ``"warning"`` or ``"error"``; ``reference`` / ``current`` hold the measured values where
    there are any. Only warnings and errors are issues (``--fail-on quality``).
    """

    column: str | None
    check: str
    severity: Literal["info", "warning", "error"]
    message: str
    reference: float | None = None
    current: float | None = None
    expected: Any = None
    """For a constraint violation: the constraint as written in the constraints file."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where one side of the comparison came from and how many rows it had."""

    rows: int
    source: str


@dataclass(frozen=True, slots=True)
class ModelDrift:
    """A model column (prediction or target) whose change raised the dataset's severity."""

    name: str
    role: Role
    severity: Severity


@dataclass(frozen=True, slots=True)
class DatasetVerdict:
    """The dataset-level answer: what drifted, how badly, whether it matters (see
    :mod:`driftscope.engine.verdict`).

    ``severity`` is ``major`` when the drifted features reach ``share_threshold``
    (``share_reached``), a relevant feature is major, or the model's prediction or target
    drifted majorly (``model_drift``), or a multivariate test found the features moving
    together far enough (``multivariate_drift`` names the tests that drifted; see
    :func:`~driftscope.engine.verdict.multivariate_severity`); ``warning`` for milder drift;
    ``drifted`` is exactly ``severity == "major"``. ``drifted_columns`` / ``columns`` /
    ``drift_share`` count features only; ``weighted_drift_score`` is the drifted features'
    share of the total feature weight (equal weights unless importances were given);
    ``reasons`` says why, in words.
    """

    drifted: bool
    drifted_columns: int
    columns: int
    drift_share: float
    share_threshold: float
    correction: str = "bh"
    severity: Severity = "none"
    weighted_drift_score: float = 0.0
    reasons: tuple[str, ...] = ()
    share_reached: bool = False
    major_features: int = 0
    model_drift: tuple[ModelDrift, ...] = ()
    multivariate_drift: tuple[str, ...] = ()
    """The multivariate tests (``mmd``, ``classifier``, ...) that found drift."""

    @property
    def headline(self) -> str:
        """The verdict in one sentence, as every output prints it.

        >>> DatasetVerdict(True, 4, 15, 4 / 15, 0.5, severity="major", major_features=4).headline
        'Dataset drift (MAJOR): 4 of 15 features drifted (27%, below the 50% share; 4 majorly)'
        >>> DatasetVerdict(False, 0, 15, 0.0, 0.5).headline
        'No drift: 0 of 15 features drifted'
        >>> together = DatasetVerdict(
        ...     False, 0, 2, 0.0, 0.5, severity="warning", multivariate_drift=("mmd",)
        ... )
        >>> together.headline.endswith("(0%, below the 50% share); features together: mmd")
        True
        """
        counts = f"{self.drifted_columns} of {self.columns} features drifted"
        if self.severity == "none":
            return f"No drift: {counts}"
        side = "reaching" if self.share_reached else "below"
        detail = f"{self.drift_share:.0%}, {side} the {self.share_threshold:.0%} share"
        if self.major_features:
            detail += f"; {self.major_features} majorly"
        model = "".join(f"; {m.role} {m.name}: {m.severity}" for m in self.model_drift)
        if self.multivariate_drift:
            model += f"; features together: {', '.join(self.multivariate_drift)}"
        if self.severity == "major":
            return f"Dataset drift (MAJOR): {counts} ({detail}){model}"
        return f"Drift (warning), not dataset drift: {counts} ({detail}){model}"


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Result of :func:`driftscope.compare`: per-column results and the dataset verdict."""

    reference: Source
    current: Source
    dataset: DatasetVerdict
    columns: tuple[ColumnResult, ...]
    created_at: str
    driftscope_version: str
    quality: tuple[QualityIssue, ...] = ()
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    performance: Performance | None = None
    segments: tuple[Segment, ...] | None = None
    """The segment search's findings, best first; None when no search was asked for."""
    segments_notes: tuple[str, ...] = ()
    """What the segment search left out (the features beyond its column cap), in words."""
    multivariate: tuple[MultivariateResult, ...] | None = None
    """The multivariate tests of the feature columns together; None when none was asked for."""

    @property
    def drifted_columns(self) -> list[str]:
        """Names of the features that drifted, most severe first: the columns counted in
        ``dataset.drifted_columns`` (model columns are in :attr:`drifted_model_columns`)."""
        return self._drifted(Role.FEATURE)

    @property
    def drifted_model_columns(self) -> list[str]:
        """Names of the prediction and target columns that drifted, most severe first."""
        return self._drifted(*MODEL_ROLES)

    def _drifted(self, *roles: Role) -> list[str]:
        drifted = [c for c in self.columns if c.drifted and c.role in roles]
        drifted.sort(key=lambda c: -c.severity_score)
        return [c.name for c in drifted]

    @property
    def quality_issues(self) -> tuple[QualityIssue, ...]:
        """The quality findings that are problems (warnings and errors), not notes."""
        return tuple(q for q in self.quality if q.severity != "info")

    def fails(self, condition: str) -> bool:
        """Whether the report meets a ``--fail-on`` condition (one of :data:`FAIL_ON`).

        ``drift``: the dataset drifted; ``quality``: a data-quality issue (a warning or an
        error, not an ``info`` note); ``any``: either;
        ``warning`` / ``major``: the dataset's severity reached that tier.
        """
        drift = self.dataset.drifted
        quality = bool(self.quality_issues)
        severity = self.dataset.severity
        conditions = {
            "drift": drift,
            "quality": quality,
            "any": drift or quality,
            "warning": severity in ("warning", "major"),
            "major": severity == "major",
        }
        if condition not in conditions:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}; got {condition!r}")
        return conditions[condition]

    def column(self, name: str) -> ColumnResult:
        """The result for one column; KeyError naming the column if there is none."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"no column {name!r} in this report")

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (SPEC section 5, schema_version 1) as plain Python objects."""
        from driftscope.report.json_format import report_to_dict

        return report_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON report as text."""
        from driftscope.report.json_format import report_to_json

        return report_to_json(self, indent=indent)

    def to_html(self) -> str:
        """The self-contained HTML report as text."""
        from driftscope.report.html import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        """The HTML report in a sandboxed frame, so that a notebook shows it inline."""
        from driftscope.report.html import render_notebook

        return render_notebook(self)

    def save_json(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` (atomically, making its folder) and return the path."""
        from driftscope.io.atomic import write_text_atomic

        return write_text_atomic(path, self.to_json(), make_folders=True)

    def save_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path`` (atomically, making its folder) and
        return the path."""
        from driftscope.io.atomic import write_text_atomic

        return write_text_atomic(path, self.to_html(), make_folders=True)
