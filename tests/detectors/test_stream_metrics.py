"""The metrics of ``benchmarks/streams.py`` (detection delay, false alarms, misses, F1 within a
margin, TCPD's F1) on alarm and truth lists whose answers are worked out by hand."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "streams.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_streams", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


streams = _load()

CHANGES = [100, 500, 900]
# 90 precedes every change; 130 detects 100 (delay 30); 140 is a second alarm for it; 700 is
# more than 100 after 500; 905 detects 900 (delay 5). 500 is missed.
ALARMS = [90, 130, 140, 700, 905]


def test_each_change_takes_the_earliest_free_alarm_within_the_margin() -> None:
    assert streams.match_alarms(ALARMS, CHANGES, margin=100) == [130, None, 905]
    assert streams.detection_delays(ALARMS, CHANGES, margin=100) == [30, 5]
    assert streams.missed_detections(ALARMS, CHANGES, margin=100) == 1
    assert streams.false_alarms(ALARMS, CHANGES, margin=100) == 3  # 90, 140, 700


def test_an_alarm_detects_one_change_only() -> None:
    # Two changes 3 apart, one alarm after both: the first change takes it.
    assert streams.match_alarms([10], [5, 8], margin=10) == [10, None]
    assert streams.false_alarms([10], [5, 8], margin=10) == 0
    assert streams.missed_detections([10], [5, 8], margin=10) == 1


def test_the_margin_is_inclusive_and_alarms_before_a_change_do_not_count() -> None:
    assert streams.detection_delays([200], [100], margin=100) == [100]
    assert streams.detection_delays([201], [100], margin=100) == []
    assert streams.detection_delays([99], [100], margin=100) == []


def test_false_alarms_per_10k() -> None:
    assert streams.per_10k(3, 2_000) == 15.0
    assert streams.per_10k(0, 50) == 0.0
    assert math.isnan(streams.per_10k(1, 0))


def test_f1_within_margin() -> None:
    # 2 of 5 alarms detect, 2 of 3 changes detected: P = 2/5, R = 2/3, F1 = 2TP/(5 + 3) = 0.5.
    assert streams.f1_within_margin(ALARMS, CHANGES, margin=100) == pytest.approx(0.5)
    assert streams.f1_within_margin([], CHANGES, margin=100) == 0.0
    assert streams.f1_within_margin([], [], margin=100) == 1.0
    assert streams.f1_within_margin([100, 500, 900], CHANGES, margin=0) == 1.0


def test_tcpd_f1_by_hand() -> None:
    annotations = {"a": [10, 50], "b": [12], "c": []}
    # The sets with 0 added: a {0, 10, 50}, b {0, 12}, c {0}; alarms {0, 11, 30}.
    # Union {0, 10, 12, 50}: 0 takes 0, 10 takes 11, 12 finds 11 taken and 30 too far, 50
    # nothing: precision 2/3. Recall: a 2/3 (0, 10), b 2/2 (0, 12->11), c 1/1: mean 8/9.
    precision, recall = 2 / 3, (2 / 3 + 1 + 1) / 3
    expected = 2 * precision * recall / (precision + recall)
    assert streams.tcpd_f1(annotations, [11, 30], margin=5) == pytest.approx(expected)
    # No alarms: only 0, which every set holds.
    assert streams.tcpd_f1({"a": [], "b": []}, []) == 1.0


def test_a_tally_pools_streams() -> None:
    tally = streams.Tally()
    for alarms in (ALARMS, [150]):
        stream = streams.Stream("g", "s", 0, "values", ([0.0] * 1_000,), tuple(CHANGES), 100)
        tally.add(stream, alarms, seconds=0.5)
    # Detected: 100 (30), 900 (5); then 100 (50): 3 of 6; alarms 6, false 3 in 2,000 values.
    assert tally.delay == pytest.approx((30 + 5 + 50) / 3)
    assert tally.missed == 3
    assert tally.fa_10k == pytest.approx(15.0)
    assert tally.f1 == pytest.approx(2 * 3 / (6 + 6))
    assert tally.seconds == pytest.approx(1.0)
