"""The options of a comparison as frozen, declared objects, checked in one place.

:class:`CompareOptions` holds every option :func:`driftscope.compare` takes besides the data,
the model and the progress callback, under the same names; a monitoring project's ``checks``
section maps onto it key for key, and a report records it (``report.options``, from
:meth:`CompareOptions.to_dict`), so :meth:`CompareOptions.from_dict` makes the same
comparison again. Two views are derived from it: the :class:`DecisionPolicy` (how columns and
the dataset are decided) and one :class:`ColumnOptions` per column.

Constraints are data (:class:`~driftscope.stats._params.Param`, as for methods) and every
violation is the one message format, e.g.
``compare: parameter 'share_threshold' must be a number in [0, 1]; got 2``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from driftscope._plain import plain
from driftscope._types import ColumnType
from driftscope.decision import CORRECTIONS, DEFAULT_CORRECTION
from driftscope.decision.calibration import DEFAULT_FALSE_ALARM_RATE
from driftscope.decision.severity import Tiers
from driftscope.errors import ConfigError, param_error
from driftscope.stats._params import Param, flag, one_of, real_between
from driftscope.stats._params import integer as integer_param

DEFAULT_SHARE_THRESHOLD = 0.5
"""The dataset drifts when at least half of its tested features drift (Evidently's default)."""
DEFAULT_MAX_JOBS = 4
"""Columns evaluated in parallel by default: the number of CPUs, at most this many."""
OWNER = "compare"
_SIDES = ("reference", "current")

Methods = str | Sequence[str] | Mapping[str, str | Sequence[str]]
"""One method or several for every column they apply to, or per column ``{column: method
or [methods]}``; with several, the first that applies decides and the others are reported."""

_SCALARS: Mapping[str, Param] = MappingProxyType(
    {
        "share_threshold": real_between(DEFAULT_SHARE_THRESHOLD, 0.0, 1.0),
        "correction": one_of(DEFAULT_CORRECTION, CORRECTIONS),
        "calibrate": flag(True),
        "false_alarm_rate": real_between(DEFAULT_FALSE_ALARM_RATE, 0.0, 0.5, low_open=True),
        "inf_as_missing": flag(False),
        "effective_sample_size": flag(False),
        "segments": flag(False),
        "explain": flag(True),
    }
)
_N_JOBS = integer_param(1, minimum=1)
_EFFECT = real_between(0.0, 0.0, 1.0)
_NOT_RECORDED = frozenset({"n_jobs", "calibration_cache"})


@dataclass(frozen=True, slots=True)
class DecisionPolicy:
    """How a report decides: the multiple-testing ``correction``, the feature ``share`` that
    makes the dataset drift, the minimum effect (global or per column), per-column severity
    ``tiers``, and whether distance thresholds are calibrated at ``false_alarm_rate``."""

    correction: str = DEFAULT_CORRECTION
    share_threshold: float = DEFAULT_SHARE_THRESHOLD
    min_effect: float | Mapping[str, float] | None = None
    tiers: Mapping[str, tuple[float, float]] | None = None
    calibrate: bool = True
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE


@dataclass(frozen=True, slots=True)
class ColumnOptions:
    """What the options say about one column: its type or role override, its methods (the
    first decides, empty: the type's default), its threshold, minimum effect and severity
    tiers (None: the method's or measure's default)."""

    type: str | None = None
    methods: tuple[str, ...] = ()
    threshold: float | None = None
    min_effect: float | None = None
    tiers: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """Every option of :func:`driftscope.compare` except the data, ``model`` and
    ``progress``, checked when made; see :func:`driftscope.compare` for what each means.

    >>> options = CompareOptions(methods={"amount": ["psi", "ks"]}, correction="holm")
    >>> options.column("amount").methods, options.policy.correction
    (('psi', 'ks'), 'holm')
    >>> CompareOptions.from_dict(options.to_dict()) == options
    True
    >>> try:
    ...     CompareOptions(share_threshold=2)
    ... except ConfigError as exc:
    ...     print(exc)
    compare: parameter 'share_threshold' must be a number in [0, 1]; got 2
    """

    schema: Mapping[str, str | ColumnType] | None = None
    methods: Methods | None = None
    target: str | None = None
    prediction: str | Sequence[str] | None = None
    probability: str | Sequence[str] | Mapping[str, str] | None = None
    labels: str | Path | None = None
    id_column: str | None = None
    thresholds: float | Mapping[str, float] | None = None
    columns: Sequence[str] | None = None
    method_params: Mapping[str, Mapping[str, Any]] | None = None
    share_threshold: float = DEFAULT_SHARE_THRESHOLD
    correction: str = DEFAULT_CORRECTION
    min_effect: float | Mapping[str, float] | None = None
    tiers: Mapping[str, tuple[float, float]] | None = None
    importance: Mapping[str, float] | None = None
    calibrate: bool = True
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE
    calibration_cache: str | Path | None = None
    inf_as_missing: bool = False
    effective_sample_size: bool = False
    encoding: str | Mapping[str, str] = "utf-8"
    delimiter: str | None = None
    n_jobs: int | None = None
    constraints: str | Path | None = None
    segments: bool = False
    explain: bool = True
    multivariate: str | Sequence[str] | None = None

    def __post_init__(self) -> None:
        for name, spec in _SCALARS.items():
            value = getattr(self, name)
            if not spec.accepts(value):
                raise param_error(OWNER, name, spec.constraint, value)
        if self.n_jobs is not None and not _N_JOBS.accepts(self.n_jobs):
            raise param_error(OWNER, "n_jobs", _N_JOBS.constraint, self.n_jobs)
        _check_min_effect(self.min_effect)
        _check_method_params(self.method_params)
        if self.multivariate is not None:
            from driftscope.engine.multivariate import check_methods

            check_methods(self.multivariate)
        _check_tiers(self.tiers)
        _check_encoding(self.encoding)
        self.probability_classes()  # a column given for two classes
        self._freeze()

    def _freeze(self) -> None:
        """Lists become tuples and mappings read-only copies, so the options cannot change
        under a report that recorded them."""
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Path):  # recorded as text, as it was given
                object.__setattr__(self, item.name, str(value))
            elif isinstance(value, Mapping):
                frozen = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
                object.__setattr__(self, item.name, MappingProxyType(frozen))
            elif isinstance(value, list):
                object.__setattr__(self, item.name, tuple(value))

    @property
    def policy(self) -> DecisionPolicy:
        """The decision policy these options set."""
        return DecisionPolicy(
            correction=self.correction,
            share_threshold=self.share_threshold,
            min_effect=self.min_effect,
            tiers=self.tiers,
            calibrate=self.calibrate,
            false_alarm_rate=self.false_alarm_rate,
        )

    def column(self, name: str) -> ColumnOptions:
        """What these options say about column ``name``."""
        kind = (self.schema or {}).get(name)
        methods = self.methods.get(name) if isinstance(self.methods, Mapping) else self.methods
        threshold = (
            self.thresholds.get(name) if isinstance(self.thresholds, Mapping) else self.thresholds
        )
        effect = (
            self.min_effect.get(name) if isinstance(self.min_effect, Mapping) else self.min_effect
        )
        tiers = (self.tiers or {}).get(name)
        return ColumnOptions(
            type=None if kind is None else str(kind),
            methods=() if methods is None else _names(methods),
            threshold=None if threshold is None else float(threshold),
            min_effect=None if effect is None else float(effect),
            tiers=None if tiers is None else (float(tiers[0]), float(tiers[1])),
        )

    def probability_classes(self) -> dict[str, str | None]:
        """The probability columns with their class (None: the positive class of a binary
        model); a column given for two classes is a ConfigError."""
        probability = self.probability
        if probability is None:
            return {}
        if isinstance(probability, str):
            return {probability: None}
        if isinstance(probability, Mapping):
            out: dict[str, str | None] = {}
            for label, column in probability.items():
                if column in out:
                    raise ConfigError(f"probability: column {column!r} is given for two classes")
                out[str(column)] = str(label)
            return out
        return dict.fromkeys(probability)

    def model_outputs(self) -> list[str]:
        """The model's output columns: the predictions, then the probability columns."""
        prediction = self.prediction
        names = [prediction] if isinstance(prediction, str) else list(prediction or [])
        return names + [p for p in self.probability_classes() if p not in names]

    def to_dict(self) -> dict[str, Any]:
        """The options that are set (defaults included, None left out) as plain Python,
        JSON-ready: what a report records. How the work is run (``n_jobs``,
        ``calibration_cache``) is not part of the result and is not recorded."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None and item.name not in _NOT_RECORDED:
                out[item.name] = plain(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompareOptions:
        """Options from :meth:`to_dict`'s form (a report's ``options``, a config's
        ``checks``); an unknown key is a ConfigError naming it."""
        names = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(
                f"{OWNER}: unknown option {unknown[0]!r}; accepted: {', '.join(sorted(names))}"
            )
        values = dict(data)
        if isinstance(values.get("tiers"), Mapping):
            values["tiers"] = {k: tuple(v) for k, v in values["tiers"].items()}
        return cls(**values)


def _names(methods: str | Sequence[str]) -> tuple[str, ...]:
    return (methods,) if isinstance(methods, str) else tuple(methods)


def _check_method_params(params: object) -> None:
    """A ConfigError unless ``params`` maps known method names to parameter mappings; the
    text method's parameters are checked in full (:func:`driftscope.engine.text.text_params`),
    the others' when their method runs."""
    if params is None:
        return
    if not isinstance(params, Mapping):
        raise param_error(OWNER, "method_params", "a mapping of method name to parameters", params)
    from driftscope.engine.plan import TEXT_METHOD
    from driftscope.stats import get as get_method

    for name, given in params.items():
        if not isinstance(given, Mapping):
            raise ConfigError(
                f"method_params: the parameters of {name!r} must be a mapping; got {given!r}"
            )
        if name == TEXT_METHOD:
            from driftscope.engine.text import text_params

            text_params(given)
        else:
            get_method(name)


def _check_min_effect(min_effect: object) -> None:
    """ConfigError for a minimum effect outside [0, 1] (both effect measures lie in [0, 1])."""
    values = (
        [] if min_effect is None
        else list(min_effect.items()) if isinstance(min_effect, Mapping)
        else [("min_effect", min_effect)]
    )  # fmt: skip
    for name, value in values:
        if not _EFFECT.accepts(value):
            label = "min_effect" if name == "min_effect" else f"min_effect[{name!r}]"
            raise param_error(OWNER, label, "a number in [0, 1]", value)


def _check_tiers(tiers: Mapping[str, tuple[float, float]] | None) -> None:
    """ConfigError for per-column tiers that are not two limits 0 <= warning <= major."""
    for column, limits in (tiers or {}).items():
        try:
            warning, major = limits
            Tiers(float(warning), float(major))
        except (TypeError, ValueError, ConfigError):
            raise param_error(
                OWNER, f"tiers[{column!r}]", "(warning, major) with 0 <= warning <= major", limits
            ) from None


def _check_encoding(encoding: object) -> None:
    if isinstance(encoding, str):
        return
    if not isinstance(encoding, Mapping) or any(side not in _SIDES for side in encoding):
        raise param_error(
            OWNER, "encoding", "an encoding, or a mapping with keys reference/current", encoding
        )


def encodings_of(encoding: str | Mapping[str, str]) -> tuple[str, str]:
    """The text encoding of each side, from one for both or ``{side: encoding}``."""
    if isinstance(encoding, str):
        return encoding, encoding
    return encoding.get("reference", "utf-8"), encoding.get("current", "utf-8")


def check_columns(option: str, per_column: object, columns: set[str]) -> None:
    """ConfigError naming the first column of a per-column option that is not compared."""
    if isinstance(per_column, Mapping):
        for name in per_column:
            if name not in columns:
                raise ConfigError(f"{option}: column {name!r} is not in both datasets")
