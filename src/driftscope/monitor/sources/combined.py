"""Several log sources read as one: a project's files or SQL table together with the rows
posted to the HTTP API (kept in the store, :mod:`.ingest`), which always count as logs too
(SPEC section 7).

Each part belongs to the source whose scan returned it (ingested batches have keys starting
``ingest:``, which no file path or ``sql`` does). A window's rows are each source's rows of the
window, joined as one table with the same schema rules as files (:mod:`._union`): a column only
one source has is null in the other's rows, and every difference is a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from driftscope.monitor.sources._union import Piece, union
from driftscope.monitor.sources.base import LogSource, Part, WindowRows


@dataclass(frozen=True, slots=True)
class Member:
    """One source of a :class:`CombinedSource` and the key prefix of its parts (``""``: any
    key no other member's prefix claims); ``name`` labels its rows in notes."""

    source: LogSource
    prefix: str
    name: str


class CombinedSource:
    """The members' parts and rows as one source."""

    def __init__(self, members: Sequence[Member]) -> None:
        if not members:
            raise ValueError("a combined source needs at least one member")
        self.members = tuple(members)

    def __repr__(self) -> str:
        return f"CombinedSource({', '.join(repr(m.source) for m in self.members)})"

    def _owner(self, key: str) -> Member:
        claimed = [m for m in self.members if m.prefix and key.startswith(m.prefix)]
        if claimed:
            return claimed[0]
        rest = [m for m in self.members if not m.prefix]
        if not rest:
            raise ValueError(f"no member of the combined source owns part {key!r}")
        return rest[0]

    def scan(self, known: Mapping[str, Part]) -> list[Part]:
        """Every member's parts (each given the known parts it owns)."""
        parts: list[Part] = []
        for member in self.members:
            mine = {k: p for k, p in known.items() if self._owner(k) is member}
            parts.extend(member.source.scan(mine))
        return parts

    def read_windows(
        self,
        parts: Sequence[Part],
        windows: Sequence[tuple[int, int]],
        columns: Sequence[str] | None = None,
    ) -> Iterator[WindowRows]:
        """One WindowRows per window: the rows of every member that has parts there."""
        busy = [
            (member, [p for p in parts if self._owner(p.key) is member]) for member in self.members
        ]
        busy = [(member, owned) for member, owned in busy if owned]
        if len(busy) <= 1:
            member, owned = busy[0] if busy else (self.members[0], [])
            yield from member.source.read_windows(owned, windows, columns)
            return
        streams = [
            (member, member.source.read_windows(owned, windows, columns)) for member, owned in busy
        ]
        for index in range(len(windows)):
            pieces: list[Piece] = []
            notes: list[str] = []
            for member, stream in streams:
                rows = next(stream)
                if rows.index != index:
                    raise ValueError(f"{member.name}: windows came out of order")
                pieces.append(Piece(member.name, rows.table))
                notes.extend(rows.notes)
            table, joined = union(pieces, columns)
            yield WindowRows(index, table, (*notes, *joined))
