"""Benchmark of the scoring package: prints figures, asserts nothing about timing.

Run: .venv/bin/python bench/scoring.py

1. The 7-day DDS series over 3 years for one patient, by dds_series (sliding window) and by a
   naive loop that recomputes window_score from scratch for every day.
2. Nightly alert evaluation for 10,000 synthetic patients (28 days of diary each, the last day
   evaluated), by evaluate_alerts and by the same evaluate_alerts with its windows swapped for
   three dds_on calls that each recompute their 7 days from scratch. Both must return the same
   findings, and an independent reading of the rules below must agree with them.

Synthetic data come from a seeded generator, so every run scores the same diaries.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scoring.alerts
from scoring import (
    DISEASES,
    AlertSettings,
    Instrument,
    Score,
    Status,
    dds_on,
    dds_series,
    evaluate_alerts,
    instrument_for,
    window_score,
)

SEED = 20251121
SERIES_DAYS = 3 * 365 + 1
PATIENTS = 10_000
DIARY_DAYS = 28
NIGHT = date(2025, 11, 20)
ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=6)


def synthetic_diary(
    rng: random.Random, instrument: Instrument, first: date, length: int
) -> dict[date, dict[str, int | None]]:
    """A diary with a drifting activity level, missed days, blank items and the odd long gap."""
    days: dict[date, dict[str, int | None]] = {}
    level = rng.uniform(0, 1.5)
    gap_left = 0
    for offset in range(length):
        level = min(3.5, max(0.0, level + rng.gauss(0, 0.15)))
        if gap_left or rng.random() < 0.01:
            gap_left = gap_left - 1 if gap_left else rng.randint(2, 9)
            continue
        if rng.random() < 0.08:
            continue
        days[first + timedelta(days=offset)] = {
            code: None if rng.random() < 0.05 else min(4, max(0, round(rng.gauss(level, 0.8))))
            for code in instrument.item_codes
        }
    return days


def median_ms(run: Callable[[], Any], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def naive_series(instrument: Instrument, days: dict[date, Any], start: date, end: date) -> list:
    series, day = [], start
    while day <= end:
        series.append(window_score(instrument, days, day - WEEK, day))
        day += ONE_DAY
    return series


def from_scratch_windows(
    instrument: Instrument, days: dict[date, Any], day: date, *, need_previous: bool
) -> tuple[Score, Score, Score]:
    """Every window the alert rules may need, each recomputed from its own 7 days."""
    return (
        dds_on(instrument, days, day),
        dds_on(instrument, days, day - ONE_DAY),
        dds_on(instrument, days, day - 7 * ONE_DAY),
    )


def naive_alert_rules(
    instrument: Instrument,
    days: dict[date, Any],
    day: date,
    temperature: Decimal | None,
    settings: AlertSettings,
) -> list[str]:
    """SPEC §3.6 with every window recomputed from scratch by window_score."""
    current = window_score(instrument, days, day - WEEK, day)
    previous = window_score(instrument, days, day - WEEK - ONE_DAY, day - ONE_DAY)
    earlier = window_score(instrument, days, day - WEEK - 7 * ONE_DAY, day - 7 * ONE_DAY)
    fired = []
    if current.status is Status.ACTIVE and previous.status is not Status.ACTIVE:
        fired.append("above_threshold")
    values = (current.value, earlier.value)
    if None not in values and values[0] - values[1] >= settings.marked_rise_delta:
        fired.append("marked_rise")
    scores = [score for score in days.get(day, {}).values() if score is not None]
    if any(score >= settings.severe_item_score for score in scores) or (
        temperature is not None and temperature >= settings.severe_temperature_c
    ):
        fired.append("severe_symptom")
    gap = 0
    while gap < settings.gap_care_team_days and day - gap * ONE_DAY not in days:
        gap += 1
    if gap >= settings.gap_care_team_days:
        fired.append("diary_gap")
    elif gap >= settings.gap_reminder_days:
        fired.append("diary_gap_reminder")
    return fired


def bench_series(rng: random.Random) -> None:
    instrument = instrument_for("CANDLE")
    first = date(2022, 11, 21)
    days = synthetic_diary(rng, instrument, first, SERIES_DAYS)
    last = first + timedelta(days=SERIES_DAYS - 1)
    fast = dds_series(instrument, days, first, last)
    assert fast == naive_series(instrument, days, first, last)
    fast_ms = median_ms(lambda: dds_series(instrument, days, first, last), repeats=15)
    naive_ms = median_ms(lambda: naive_series(instrument, days, first, last), repeats=5)
    print(f"7-day DDS series, 1 patient, {SERIES_DAYS} days ({len(days)} entries, CANDLE):")
    ratio = naive_ms / fast_ms
    print(f"  dds_series             {fast_ms:7.1f} ms   (target < 20 ms)")
    print(f"  window_score per day   {naive_ms:7.1f} ms   ratio naive/dds_series {ratio:.1f}x")


def bench_alerts(rng: random.Random) -> None:
    first = NIGHT - timedelta(days=DIARY_DAYS - 1)
    patients = []
    for number in range(PATIENTS):
        instrument = instrument_for(DISEASES[number % len(DISEASES)])
        days = synthetic_diary(rng, instrument, first, DIARY_DAYS)
        temperature = Decimal(rng.randint(365, 405)) / 10 if NIGHT in days else None
        patients.append((instrument, days, {NIGHT: temperature}))
    settings = AlertSettings()

    def evaluate() -> list[tuple[Any, ...]]:
        return [evaluate_alerts(i, d, NIGHT, temperatures=t) for i, d, t in patients]

    def naive() -> list[tuple[Any, ...]]:
        incremental = scoring.alerts._dds_windows
        scoring.alerts._dds_windows = from_scratch_windows  # type: ignore[assignment]
        try:
            return evaluate()
        finally:
            scoring.alerts._dds_windows = incremental

    results = evaluate()
    assert results == naive()
    rules = [naive_alert_rules(i, d, NIGHT, t[NIGHT], settings) for i, d, t in patients]
    assert [[f.rule.value for f in findings] for findings in results] == rules
    firing = sum(bool(findings) for findings in results)
    fast_ms = median_ms(evaluate, repeats=5)
    naive_ms = median_ms(naive, repeats=5)
    ratio = naive_ms / fast_ms
    print(f"Nightly alerts, {PATIENTS:,} patients x {DIARY_DAYS} days, last day evaluated:")
    print(
        f"  evaluate_alerts        {fast_ms:7.0f} ms   (target < 2000 ms; {firing:,} with findings)"
    )
    print(f"  windows from scratch   {naive_ms:7.0f} ms   ratio naive/evaluate_alerts {ratio:.1f}x")


def main() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.machine()}, {cores} cores available; timings on one core, median of runs"
    )
    rng = random.Random(SEED)
    bench_series(rng)
    bench_alerts(rng)


if __name__ == "__main__":
    main()
