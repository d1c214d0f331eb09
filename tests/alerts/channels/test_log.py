"""The log channel: one JSON line per event, in a file whose folders it creates."""

from __future__ import annotations

import json

import pytest

from driftscope.alerts import AlertEvent
from driftscope.alerts.channels import DeliveryError, LogChannel
from driftscope.testing.channel import awkward_event, sample_event


def test_each_event_is_one_json_line_with_its_fields_and_the_channel(tmp_path):
    path = tmp_path / "deep" / "er" / "alerts.jsonl"
    channel = LogChannel(name="audit", path=path)
    events = [sample_event(), awkward_event(), sample_event("resolved")]

    for event in events:
        channel.send(event)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line, event in zip(lines, events, strict=True):
        data = json.loads(line)
        assert data.pop("channel") == "audit"
        assert data.pop("summary") == event.summary
        assert AlertEvent.from_json(json.dumps(data)) == event


def test_an_unwritable_path_is_a_retryable_error_naming_the_channel(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    with pytest.raises(DeliveryError) as caught:
        LogChannel(name="audit", path=blocker / "alerts.jsonl").send(sample_event())

    assert caught.value.retryable
    assert str(caught.value).startswith("channel 'audit': cannot append to ")
