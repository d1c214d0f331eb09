"""The ``detectors:`` section of a monitoring project: online detectors
(:mod:`driftscope.detectors`) that read one stream of the logs row by row, in timestamp
order, and keep their state in the store between runs (:mod:`driftscope.monitor.streams`).

.. code-block:: yaml

    detectors:
      - stream: error          # the model's error as labels arrive (columns.target and
        method: ddm            # columns.prediction): 1 wrong, 0 right; |error| for a regression
      - column: amount         # or any numeric column of the logs: a feature, the prediction,
        method: adwin          # the probability
        params: {delta: 0.001}
        name: amount-adwin     # the column its metrics are stored under (default: the
                               # column's name, or "error")
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from driftscope.errors import ConfigError
from driftscope.monitor._config_base import ConfigModel, located

ERROR_STREAM = "error"
"""The ``stream`` that is the model's error, and its detector's default name."""


class StreamDetector(ConfigModel):
    """One online detector on one stream: the model's error (``stream: error``) or a numeric
    ``column`` of the logs; ``method`` a name of :func:`driftscope.detectors.available` with
    its ``params``."""

    method: str
    stream: Literal["error"] | None = None
    column: str | None = Field(default=None, min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)
    name: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("method")
    @classmethod
    def _known(cls, value: str) -> str:
        from driftscope import detectors

        if value not in detectors.available():
            raise ValueError(f"expected one of {', '.join(detectors.available())}")
        return value

    @model_validator(mode="after")
    def _checked(self) -> StreamDetector:
        if (self.stream is None) == (self.column is None):
            raise ValueError("give exactly one of 'stream: error' and 'column: NAME'")
        try:
            self.build()
        except ConfigError as exc:
            raise located(str(exc), "params") from None
        return self

    @property
    def key(self) -> str:
        """The detector's name: the column its metrics are stored under."""
        if self.name is not None:
            return self.name
        return ERROR_STREAM if self.column is None else self.column

    @property
    def spec(self) -> dict[str, Any]:
        """What identifies the detector's state: its method, stream and parameters (a saved
        state of another spec is not continued)."""
        return {
            "method": self.method,
            "stream": self.stream or f"column:{self.column}",
            "params": dict(sorted(self.params.items())),
        }

    @property
    def binary(self) -> bool:
        """Whether the method reads an error stream of 0 and 1 only."""
        from driftscope import detectors

        return detectors.get(self.method).binary

    def build(self) -> Any:
        """A new detector of ``method`` with ``params``."""
        from driftscope import detectors

        return detectors.get(self.method)(**self.params)


def check_detectors(
    items: tuple[StreamDetector, ...], target: str | None, prediction: str | None
) -> None:
    """Names are unique, and the error stream has the columns it is made of."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.key in seen:
            raise located(
                f"detectors {seen[item.key]} and {index} are both named {item.key!r}; give "
                "one a 'name'",
                "detectors",
                index,
                "name",
            )
        seen[item.key] = index
        if item.stream == ERROR_STREAM and (target is None or prediction is None):
            raise located(
                "the error stream compares columns.prediction with columns.target; give both",
                "detectors",
                index,
                "stream",
            )
