"""What every model of a monitoring config shares: frozen, a key it does not know is an
error listing the keys it does, an empty key counts as not given, and errors placed on the
key at fault; relative paths resolved against the config's folder (the validation context
``{"base_dir": Path}``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError


def _number_from_text(value: Any) -> Any:
    """Text that spells a number (``port: "${SMTP_PORT}"``) as that number; anything else
    unchanged, for the strict check to refuse: ``true`` is not a number here, as pydantic's
    lax mode would have it."""
    if not isinstance(value, str):
        return value
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


WholeNumber = Annotated[int, BeforeValidator(_number_from_text), Strict()]
"""A whole number, or text that spells one; never a boolean or a fraction."""
Number = Annotated[float, BeforeValidator(_number_from_text), Strict(), AllowInfNan(False)]
"""A finite number, or text that spells one; never a boolean."""


def located(message: str, *at: str | int, kind: str = "located") -> PydanticCustomError:
    """A validation error whose place is the key path ``at`` below the value being validated
    (pydantic would place it on the value itself); the config reader follows ``at``."""
    return PydanticCustomError(kind, "{message}", {"message": message, "at": at})


def unknown_key(key: str, accepted: list[str]) -> PydanticCustomError:
    """The error for a key that is not one of ``accepted``, placed on the key."""
    message = f"unknown key {key!r}; expected one of {', '.join(accepted)}"
    return located(message, key, kind="unknown_key")


def base_dir_of(info: ValidationInfo) -> Path:
    """The config file's folder, from the validation context."""
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def resolve_path(base_dir: Path, path: str) -> Path:
    """``path`` read from ``base_dir`` (an absolute one unchanged), ``..`` folded."""
    return Path(os.path.normpath(base_dir / path))


class ConfigModel(BaseModel):
    """Frozen, and a key it does not know is an error listing the keys it does."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        accepted = sorted(field.alias or name for name, field in cls.model_fields.items())
        for key in data:
            if key not in accepted:
                raise unknown_key(key, accepted)
        # A key left empty (`alerts:` with everything below commented out) is a key not given.
        return {key: value for key, value in data.items() if value is not None}
