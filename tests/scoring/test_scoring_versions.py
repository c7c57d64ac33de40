"""Which instrument version scores a window, and how older days are read under it."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import Item, derive_instrument, instrument_for, read_under, window_version

D = date(2026, 3, 10)
ANCHORS = ("none", "mild", "moderate", "severe", "very severe")


def _day(n):
    return D + timedelta(days=n)


@pytest.mark.parametrize(
    ("versions", "start", "end", "expected"),
    [
        ({}, _day(-6), D, None),  # no entry: the caller's current instrument
        ({_day(-7): 3}, _day(-6), D, None),  # the entry before the window does not count
        ({_day(-6): 3}, _day(-6), D, 3),
        ({_day(-6): 1, _day(-2): 2}, _day(-6), D, 2),  # the newest entry decides
        ({_day(-6): 2, _day(-2): 1}, _day(-6), D, 1),  # even when its version is older
        ({D: 5, _day(1): 6}, _day(-6), D, 5),  # the entry after the window does not count
        ({D: 4}, D, D, 4),
    ],
)
def test_the_windows_newest_entry_decides(versions, start, end, expected):
    assert window_version(versions, start, end) == expected


def test_an_inverted_window_is_refused():
    with pytest.raises(ValueError, match="inverted"):
        window_version({}, D, _day(-1))


@given(
    st.dictionaries(st.integers(-30, 30), st.integers(1, 9), max_size=20),
    st.integers(-30, 30),
    st.integers(0, 40),
)
def test_it_is_the_version_of_the_latest_day_inside_the_window(entries, offset, length):
    versions = {_day(n): v for n, v in entries.items()}
    start, end = _day(offset), _day(offset + length)
    inside = [day for day in versions if start <= day <= end]
    assert window_version(versions, start, end) == (versions[max(inside)] if inside else None)


def test_days_are_read_under_the_scoring_version():
    version_1 = instrument_for("CANDLE")
    swallowing = Item(code="swallowing", labels={"en": "Swallowing"}, anchors={"en": ANCHORS})
    version_2 = derive_instrument(version_1, version=2, extra_items=[swallowing])
    days = {D: {"rash": 3, "swallowing": 1}, _day(1): {"rash": None}}
    # Version 1 has no swallowing item: left out. A day without it reads blank under version 2.
    assert read_under(version_1, days) == {D: {"rash": 3}, _day(1): {"rash": None}}
    assert read_under(version_2, days) == days
