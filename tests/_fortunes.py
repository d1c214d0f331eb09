"""Real English text that a Debian package ships: the ``fortunes`` databases (.ci/run installs
them; nothing is downloaded). Tests that read them skip, naming the package, where it is not
installed."""

from __future__ import annotations

from pathlib import Path

import pytest

FORTUNES = Path("/usr/share/games/fortunes")
needs_fortunes = pytest.mark.skipif(
    not (FORTUNES / "computers").exists(), reason="Debian's fortunes package is not installed"
)


def fortunes(category: str) -> list[str]:
    """The fortunes of one category (``computers``, ``politics``, ``people`` ...), whole."""
    raw = (FORTUNES / category).read_text(encoding="utf-8", errors="replace")
    return [text.strip() for text in raw.split("\n%\n") if text.strip()]
