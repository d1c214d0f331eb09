"""Durations and windows: ``<n><unit>`` is n units of seconds, and nothing else parses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.monitor import Window, parse_duration
from driftscope.monitor.windows import DURATION_FORM, UNITS


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(sorted(UNITS)))
def test_a_duration_is_its_number_times_its_unit(n, unit):
    assert parse_duration(f"{n}{unit}") == n * UNITS[unit]
    assert Window.parse(f"{n}{unit}") == Window(seconds=n * UNITS[unit])


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(sorted(UNITS)))
def test_a_window_prints_back_to_a_form_that_parses_to_it(n, unit):
    window = Window.parse(f"{n}{unit}")
    assert Window.parse(str(window)) == window


@given(st.text(max_size=8))
def test_text_that_is_not_a_duration_gets_the_same_message_never_repeating_it(text):
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert seconds == int(text.strip()[:-1]) * UNITS[text.strip()[-1]]
        return
    assert message in (f"must be {DURATION_FORM}", f"must be {DURATION_FORM} greater than 0")


@pytest.mark.parametrize("text", ["0h", "1", "h", "1.5h", "-1d", "1 d", "1s", "1y", "1H"], ids=str)
def test_malformed_durations_are_refused(text):
    with pytest.raises(ValueError, match="must be a duration"):
        parse_duration(text)


def test_row_windows_are_a_whole_number_of_rows():
    assert Window.parse("50000 rows") == Window(rows=50_000)
    assert str(Window(rows=10)) == "10 rows"
    assert str(Window(seconds=7 * 86_400)) == "1w"
    with pytest.raises(ValueError, match="greater than 0"):
        Window.parse("0 rows")
    with pytest.raises(ValueError, match="either a duration or a number of rows"):
        Window(seconds=60, rows=10)
