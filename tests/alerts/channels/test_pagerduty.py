"""PagerDuty Events API v2: trigger and resolve bodies, posted to a real HTTP server."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from driftscope.alerts.channels import DeliveryError, PagerDutyChannel
from driftscope.monitor._config_alerts import PAGERDUTY_EVENTS_URL
from driftscope.testing.channel import sample_event
from tests.alerts._receivers import Reply


def channel_for(url: str, base_url: str | None = None) -> PagerDutyChannel:
    return PagerDutyChannel(
        name="oncall", routing_key=SecretStr("R" * 32), url=url, timeout=2.0, base_url=base_url
    )


def test_a_trigger_carries_every_field_of_the_events_api(receiver):
    receiver.default = Reply(202, body=b'{"status":"success","dedup_key":"x"}')
    channel_for(f"{receiver.url}/v2/enqueue", "https://drift.example.com").send(sample_event())

    (request,) = receiver.requests
    assert request.path == "/v2/enqueue"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "routing_key": "R" * 32,
        "event_action": "trigger",
        "dedup_key": "fraud/feature-psi/amount",
        "payload": {
            "summary": "WARNING fraud: feature-psi on amount (psi 0.41 above 0.25) "
            "and 1 more column",
            "source": "driftscope/fraud",
            "severity": "warning",
            "timestamp": "2026-03-02T00:00:00Z",
            "component": "amount",
            "custom_details": {
                "rule": "feature-psi",
                "metric": "psi",
                "value": 0.41,
                "threshold": 0.25,
                "direction": "above",
                "window": {"start": "2026-03-01T00:00:00Z", "end": "2026-03-02T00:00:00Z"},
                "columns": {"amount": 0.41, "country": 0.405},
                "top_drifted": {"amount": 0.41, "device": 0.2},
            },
        },
        "links": [
            {
                "href": "https://drift.example.com/projects/fraud",
                "text": "fraud in the driftscope dashboard",
            }
        ],
    }


def test_a_resolve_carries_only_the_key_action_and_dedup_key(receiver):
    receiver.default = Reply(202)
    channel_for(receiver.url).send(sample_event("resolved"))

    assert receiver.requests[0].json() == {
        "routing_key": "R" * 32,
        "event_action": "resolve",
        "dedup_key": "fraud/feature-psi/amount",
    }


@pytest.mark.parametrize("severity", ["info", "warning", "error", "critical"])
def test_each_severity_is_sent_as_pagerduty_names_it(receiver, severity):
    from dataclasses import replace

    channel_for(receiver.url).send(replace(sample_event(), severity=severity))

    assert receiver.requests[0].json()["payload"]["severity"] == severity


def test_the_default_endpoint_is_pagerdutys_public_one():
    assert PagerDutyChannel(name="p", routing_key=SecretStr("k")).url == PAGERDUTY_EVENTS_URL
    assert PAGERDUTY_EVENTS_URL == "https://events.pagerduty.com/v2/enqueue"


def test_a_refused_event_is_final_and_quotes_pagerdutys_reason_without_the_key(receiver):
    receiver.default = Reply(
        400, body=b'{"status":"invalid event","message":"Event object is invalid"}'
    )

    with pytest.raises(DeliveryError) as caught:
        channel_for(receiver.url).send(sample_event())

    assert not caught.value.retryable
    assert str(caught.value) == (
        "channel 'oncall': pagerduty answered HTTP 400 (Event object is invalid)"
    )
