"""Slack: every field SPEC section 9 names, posted to a real HTTP server."""

from __future__ import annotations

from dataclasses import replace

from pydantic import SecretStr

from driftscope.alerts.channels import SlackChannel
from driftscope.testing.channel import awkward_event, sample_event


def channel_for(url: str, base_url: str | None = None) -> SlackChannel:
    return SlackChannel(name="team-slack", url=SecretStr(url), timeout=2.0, base_url=base_url)


def test_slack_gets_the_summary_window_columns_top_drifted_and_dashboard_link(receiver):
    event = sample_event(columns=2)
    channel_for(f"{receiver.url}/services/T0/B0/XYZ", "https://drift.example.com/").send(event)

    (request,) = receiver.requests
    assert request.method == "POST"
    assert request.path == "/services/T0/B0/XYZ"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert (
        body["text"]
        == "WARNING fraud: feature-psi on amount (psi 0.41 above 0.25) and 1 more column"
    )
    texts = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert texts[0] == f"*{body['text']}*"
    assert texts[1] == "*Window*\n2026-03-01T00:00:00Z – 2026-03-02T00:00:00Z"
    assert texts[2] == "*psi by column*\n• amount: 0.41\n• country: 0.405"
    assert texts[3] == "*Top drifted columns*\n• amount: 0.41\n• device: 0.2"
    link = body["blocks"][-1]
    assert link["type"] == "context"
    assert link["elements"][0]["text"] == (
        "<https://drift.example.com/projects/fraud|Open fraud in the dashboard>"
    )


def test_slack_without_base_url_has_no_link_and_a_resolve_says_resolved(receiver):
    channel_for(receiver.url).send(replace(sample_event("resolved"), top_drifted=()))

    body = receiver.requests[0].json()
    assert body["text"].startswith("RESOLVED fraud: feature-psi on amount")
    assert [block["type"] for block in body["blocks"]] == ["section"] * 3


def test_slack_escapes_markup_in_user_strings(receiver):
    channel_for(receiver.url).send(awkward_event())

    body = receiver.requests[0].json()
    everything = body["text"] + "".join(b["text"]["text"] for b in body["blocks"])
    assert "<script>" not in everything
    assert "<b>" not in everything
    assert "col&lt;script&gt;alert(1)&lt;/script&gt;: n/a" in everything
    assert "psi &lt;b&gt;&amp;&lt;/b&gt;" in body["text"]
    assert "größe ✓: 2.5" in everything


def test_slack_lists_at_most_twenty_columns_and_counts_the_rest(receiver):
    channel_for(receiver.url).send(sample_event(columns=60))

    listed = receiver.requests[0].json()["blocks"][2]["text"]["text"]
    assert listed.count("•") == 20
    assert listed.endswith("… and 40 more")
