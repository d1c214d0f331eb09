"""Webhooks: the body of SPEC section 9, and a signature checked independently."""

from __future__ import annotations

import hashlib
import hmac
import time

from pydantic import SecretStr

from driftscope.alerts.channels import WebhookChannel
from driftscope.testing.channel import sample_event


def test_the_webhook_body_has_every_alert_field(receiver):
    WebhookChannel(name="hook", url=SecretStr(f"{receiver.url}/in"), timeout=2.0).send(
        sample_event()
    )

    (request,) = receiver.requests
    assert request.path == "/in"
    assert request.headers["content-type"] == "application/json"
    assert "x-driftscope-signature" not in request.headers
    assert request.json() == {
        "event": "alert.triggered",
        "event_id": "fraud-triggered-1",
        "alert": {
            "dedup_key": "fraud/feature-psi/amount",
            "project": "fraud",
            "rule": "feature-psi",
            "column": "amount",
            "metric": "psi",
            "value": 0.41,
            "threshold": 0.25,
            "direction": "above",
            "severity": "warning",
            "window_start": "2026-03-01T00:00:00Z",
            "window_end": "2026-03-02T00:00:00Z",
            "columns": [
                {"column": "amount", "value": 0.41},
                {"column": "country", "value": 0.405},
            ],
        },
    }


def test_a_resolve_is_alert_resolved(receiver):
    WebhookChannel(name="hook", url=SecretStr(receiver.url)).send(sample_event("resolved"))

    assert receiver.requests[0].json()["event"] == "alert.resolved"


def test_the_signature_is_an_hmac_of_timestamp_and_the_exact_body(receiver):
    before = int(time.time())
    WebhookChannel(name="hook", url=SecretStr(receiver.url), secret=SecretStr("s3cret")).send(
        sample_event()
    )
    after = int(time.time())

    (request,) = receiver.requests
    timestamp = request.headers["x-driftscope-timestamp"]
    assert before <= int(timestamp) <= after
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + request.body, "sha256")
    signature = request.headers["x-driftscope-signature"]
    assert signature.startswith("sha256=")
    assert hmac.compare_digest(signature, "sha256=" + expected.hexdigest())
    wrong = hmac.new(b"other", timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert not hmac.compare_digest(signature, "sha256=" + wrong.hexdigest())


def test_a_missing_value_travels_as_null(receiver):
    from driftscope.testing.channel import awkward_event

    WebhookChannel(name="hook", url=SecretStr(receiver.url)).send(awkward_event())

    alert = receiver.requests[0].json()["alert"]
    assert alert["value"] is None
    assert alert["column"] == "col<script>alert(1)</script>"
    assert alert["columns"][1] == {"column": "größe ✓", "value": 2.5}
