"""The contract every alert :class:`~driftscope.alerts.channels.Channel` keeps, real or in
memory.

Each check takes ``make_channel`` (returns the channel under test), ``received`` (returns what
its receiver has got so far: requests, mails, lines, events; one item per notification) and
the channel's ``secrets``, and raises AssertionError naming what broke. :func:`check_channel`
runs them all; parametrise over ``CHANNEL_CHECKS`` so each failure is its own test.

>>> from driftscope.alerts.channels import MemoryChannel
>>> channel = MemoryChannel("memory")
>>> check_channel(lambda: channel, lambda: channel.events)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from driftscope.alerts.channels.base import Channel
from driftscope.alerts.events import Action, AlertEvent, ColumnValue

ChannelFactory = Callable[[], Channel]
Received = Callable[[], Sequence[object]]

WINDOW_START = datetime(2026, 3, 1, tzinfo=UTC)


def _expect(condition: bool, message: str) -> None:
    # Explicit raise rather than `assert`, so the checks still check under python -O.
    if not condition:
        raise AssertionError(message)


def sample_event(
    action: Action = "triggered", *, project: str = "fraud", columns: int = 2
) -> AlertEvent:
    """A realistic event: ``columns`` grouped PSI columns and two top drifted ones.

    >>> sample_event().summary
    'WARNING fraud: feature-psi on amount (psi 0.41 above 0.25) and 1 more column'
    """
    names = ["amount", "country", *(f"feature_{i}" for i in range(2, columns))][:columns]
    return AlertEvent(
        action=action,
        event_id=f"{project}-{action}-1",
        project=project,
        rule="feature-psi",
        dedup_key=f"{project}/feature-psi/amount",
        metric="psi",
        threshold=0.25,
        direction="above",
        severity="warning",
        window_start=WINDOW_START,
        window_end=WINDOW_START + timedelta(days=1),
        columns=tuple(
            ColumnValue(name, round(0.41 - 0.005 * i, 4)) for i, name in enumerate(names)
        ),
        top_drifted=(ColumnValue("amount", 0.41), ColumnValue("device", 0.2)),
    )


def awkward_event() -> AlertEvent:
    """An event whose strings break naive renderers: markup, ``&``, quotes, a line break,
    non-ASCII, and a column with no value."""
    return AlertEvent(
        action="triggered",
        event_id="awkward-1",
        project="fraud",
        rule='psi <b>&</b> "quoted"\nsecond line',
        dedup_key="fraud/psi <b>/col<script>",
        metric="psi",
        threshold=0.25,
        direction="above",
        severity="critical",
        window_start=WINDOW_START,
        window_end=WINDOW_START + timedelta(hours=1),
        columns=(ColumnValue("col<script>alert(1)</script>", None), ColumnValue("größe ✓", 2.5)),
        details={"note": "<!channel> & friends"},
    )


def check_is_a_channel(
    make_channel: ChannelFactory, received: Received, secrets: Sequence[str] = ()
) -> None:
    """The channel has a non-empty ``name`` and a ``send``, and neither its repr nor its str
    shows a secret."""
    channel = make_channel()
    _expect(isinstance(channel, Channel), f"{channel!r} lacks a name or a send method")
    _expect(isinstance(channel.name, str) and channel.name != "", "a channel needs a name")
    for shown in (repr(channel), str(channel)):
        for secret in secrets:
            _expect(secret not in shown, f"channel {channel.name!r} shows a secret in {shown!r}")


def check_each_send_arrives_once(
    make_channel: ChannelFactory, received: Received, secrets: Sequence[str] = ()
) -> None:
    """A triggered and a resolved event each arrive exactly once, by the time send returns."""
    channel = make_channel()
    for event in (sample_event("triggered"), sample_event("resolved")):
        before = len(received())
        channel.send(event)
        after = len(received())
        _expect(
            after == before + 1,
            f"channel {channel.name!r}: one {event.action} event made {after - before} "
            "notifications",
        )


def check_awkward_strings_arrive(
    make_channel: ChannelFactory, received: Received, secrets: Sequence[str] = ()
) -> None:
    """Markup, line breaks, non-ASCII names, many columns and a missing value are sent, not
    refused: a notification must never be lost to a column's name."""
    channel = make_channel()
    for event in (awkward_event(), sample_event(columns=60)):
        before = len(received())
        channel.send(event)
        _expect(
            len(received()) == before + 1,
            f"channel {channel.name!r}: event {event.event_id!r} did not arrive",
        )


CHANNEL_CHECKS = (check_is_a_channel, check_each_send_arrives_once, check_awkward_strings_arrive)
"""Every check, for parametrised tests."""


def check_channel(
    make_channel: ChannelFactory, received: Received, secrets: Sequence[str] = ()
) -> None:
    """Run every check of :data:`CHANNEL_CHECKS` on the channel ``make_channel`` makes."""
    for check in CHANNEL_CHECKS:
        check(make_channel, received, secrets)
