"""Nightly alert rules for one patient and one diary day (SPEC §3.6).

The rules only say which conditions hold on the day just ended. Opening, de-duplicating,
acknowledging and e-mailing alerts belong to the caller, which also decides what an e-mail may
contain: a finding's ``reason`` carries DDS figures for clinicians and is not e-mail text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from scoring.bands import parse_temperature
from scoring.entries import ONE_DAY, Days, read_day
from scoring.instruments import Instrument
from scoring.items import MAX_SCORE, MIN_SCORE
from scoring.quantities import fraction_to_decimal, to_decimal
from scoring.window import Score, Status, read_days, round_score, score_days


class AlertRule(StrEnum):
    """The alert rules of SPEC §3.6."""

    ABOVE_THRESHOLD = "above_threshold"
    MARKED_RISE = "marked_rise"
    SEVERE_SYMPTOM = "severe_symptom"
    DIARY_GAP_REMINDER = "diary_gap_reminder"
    DIARY_GAP = "diary_gap"


class Audience(StrEnum):
    """Who a finding is for."""

    CARE_TEAM = "care_team"
    CARERS = "carers"


MARKED_RISE_MAX = Fraction(3)
"""A marked rise is more than 0 and at most this many DDS points (a rise of 3 on a 0-4 scale)."""
SEVERE_TEMPERATURE_RANGE_C = (Decimal("37.5"), Decimal("42.0"))
"""The severe-temperature limit a clinic may choose, °C, both ends included."""
GAP_DAYS_RANGE = (1, 28)
"""The diary-gap lengths a clinic may choose, days, both ends included."""


def alert_settings_out_of_bounds(
    *,
    marked_rise_delta: Fraction,
    severe_temperature_c: Decimal,
    gap_reminder_days: int,
    gap_care_team_days: int,
) -> tuple[str, ...]:
    """Name the alert settings outside the bounds a clinic may choose; empty when all are in.

    Bounds: 0 < ``marked_rise_delta`` <= ``MARKED_RISE_MAX`` (DDS points over 7 days);
    ``severe_temperature_c`` within ``SEVERE_TEMPERATURE_RANGE_C``; both gap lengths within
    ``GAP_DAYS_RANGE`` days, and the carers' reminder strictly before the care team's alert
    (``gap_care_team_days`` is named when it is not after ``gap_reminder_days``).
    """
    low_c, high_c = SEVERE_TEMPERATURE_RANGE_C
    first, last = GAP_DAYS_RANGE
    outside = []
    if not 0 < marked_rise_delta <= MARKED_RISE_MAX:
        outside.append("marked_rise_delta")
    if not low_c <= severe_temperature_c <= high_c:
        outside.append("severe_temperature_c")
    if not first <= gap_reminder_days <= last:
        outside.append("gap_reminder_days")
    if not first <= gap_care_team_days <= last or gap_care_team_days <= gap_reminder_days:
        outside.append("gap_care_team_days")
    return tuple(outside)


@dataclass(frozen=True)
class AlertSettings:
    """A clinic's alert settings; the defaults are those of SPEC §3.6.

    ``marked_rise_delta``: DDS points of rise over 7 days that count as a marked rise.
    ``severe_item_score``: an item score at or above it is a severe symptom.
    ``severe_temperature_c``: a temperature in °C at or above it is a severe symptom.
    ``gap_reminder_days`` / ``gap_care_team_days``: consecutive days without an entry after which
    the carers are reminded / the care team is told.
    """

    marked_rise_delta: Fraction = Fraction(1, 2)
    severe_item_score: int = 4
    severe_temperature_c: Decimal = Decimal("40.0")
    gap_reminder_days: int = 3
    gap_care_team_days: int = 7

    def __post_init__(self) -> None:
        delta = self.marked_rise_delta
        if not isinstance(delta, Fraction):
            raise ValueError(f"marked_rise_delta must be a Fraction, got {delta!r}")
        score = self.severe_item_score
        if type(score) is not int or not MIN_SCORE < score <= MAX_SCORE:
            raise ValueError(f"severe_item_score must be an integer 1-4, got {score!r}")
        if not isinstance(self.severe_temperature_c, Decimal):
            raise ValueError(
                f"severe_temperature_c must be a Decimal, got {self.severe_temperature_c!r}"
            )
        parse_temperature(self.severe_temperature_c)
        reminder, care_team = self.gap_reminder_days, self.gap_care_team_days
        if type(reminder) is not int or type(care_team) is not int:
            raise ValueError(f"gap days must be integers, got {reminder!r} and {care_team!r}")
        outside = alert_settings_out_of_bounds(
            marked_rise_delta=delta,
            severe_temperature_c=self.severe_temperature_c,
            gap_reminder_days=reminder,
            gap_care_team_days=care_team,
        )
        if outside:
            raise ValueError(f"alert settings outside their bounds: {', '.join(outside)}")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (Fraction as ``"1/2"``, Decimal as text)."""
        data = asdict(self)
        data["marked_rise_delta"] = str(self.marked_rise_delta)
        data["severe_temperature_c"] = str(self.severe_temperature_c)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertSettings:
        """Build settings from :meth:`to_dict` output; absent keys take their defaults.

        Unknown keys or malformed values raise ``ValueError``.
        """
        unknown = data.keys() - {field.name for field in fields(cls)}
        if unknown:
            raise ValueError(f"unknown alert settings {sorted(unknown)}")
        values = dict(data)
        if "marked_rise_delta" in values:
            values["marked_rise_delta"] = _fraction_text(values["marked_rise_delta"])
        if "severe_temperature_c" in values:
            values["severe_temperature_c"] = to_decimal(
                values["severe_temperature_c"], what="severe_temperature_c"
            )
        return cls(**values)


def _fraction_text(text: object) -> Fraction:
    if not isinstance(text, str):
        raise ValueError(f"marked_rise_delta must be text such as '1/2', got {text!r}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"marked_rise_delta must be text such as '1/2', got {text!r}") from None


_SIX_DAYS = timedelta(days=6)
_SEVEN_DAYS = timedelta(days=7)

DEFAULT_ALERT_SETTINGS = AlertSettings()
"""SPEC §3.6 defaults: rise 0.5, item score 4, 40.0 °C, gaps of 3 and 7 days."""

DetailValue = str | int | list[str] | None
"""A plain, JSON-serialisable value in ``AlertFinding.details``; fractions are ``"p/q"`` text."""


@dataclass(frozen=True)
class AlertFinding:
    """One rule that fires: for whom, a one-sentence ``reason`` for clinicians, and ``details``."""

    rule: AlertRule
    audience: Audience
    reason: str
    details: Mapping[str, DetailValue]


def rule_figure(value: Fraction) -> str:
    """A rule's DDS figure as written, to at most 3 decimals truncated: ``1/2`` is ``"0.5"``."""
    return f"{fraction_to_decimal(value, 3, rounding='down').normalize():f}"


def _above_threshold(
    instrument: Instrument, current: Score, previous: Status
) -> AlertFinding | None:
    if current.status is not Status.ACTIVE or previous is Status.ACTIVE or current.value is None:
        return None
    threshold = instrument.control_threshold
    reason = (
        f"7-day DDS {round_score(current.value)} ≥ control threshold {rule_figure(threshold)};"
        f" previous day {previous}"
    )
    details: dict[str, DetailValue] = {
        "day": current.end.isoformat(),
        "dds": str(current.value),
        "control_threshold": str(threshold),
        "previous_status": str(previous),
    }
    return AlertFinding(AlertRule.ABOVE_THRESHOLD, Audience.CARE_TEAM, reason, details)


def _marked_rise(current: Score, earlier: Score, delta: Fraction) -> AlertFinding | None:
    if current.value is None or earlier.value is None or current.value - earlier.value < delta:
        return None
    rise = current.value - earlier.value
    reason = (
        f"Marked rise: 7-day DDS rose by {round_score(rise)} over 7 days, from"
        f" {round_score(earlier.value)} on {earlier.end} to {round_score(current.value)}"
        f" (clinic rule: a rise of {rule_figure(delta)} or more over 7 days);"
        " not a validated clinical difference"
    )
    details: dict[str, DetailValue] = {
        "day": current.end.isoformat(),
        "dds": str(current.value),
        "earlier_day": earlier.end.isoformat(),
        "earlier_dds": str(earlier.value),
        "rise": str(rise),
        "delta": str(delta),
    }
    return AlertFinding(AlertRule.MARKED_RISE, Audience.CARE_TEAM, reason, details)


def _severe_symptom(
    instrument: Instrument,
    days: Days,
    day: date,
    temperature: Decimal | None,
    settings: AlertSettings,
) -> AlertFinding | None:
    entry = days.get(day)
    vector = [] if entry is None else read_day(instrument, day, entry)
    severe = [
        (item, score)
        for item, score in zip(instrument.items, vector, strict=False)
        if score is not None and score >= settings.severe_item_score
    ]
    limit = settings.severe_temperature_c
    hot = temperature is not None and parse_temperature(temperature) >= Fraction(limit)
    if not severe and not hot:
        return None
    parts = [f"{item.label} scored {score}" for item, score in severe]
    if hot:
        parts.append(f"temperature {temperature} °C")
    details: dict[str, DetailValue] = {
        "day": day.isoformat(),
        "items": [item.code for item, _ in severe],
        "temperature_c": None if temperature is None else str(temperature),
        "item_score_limit": settings.severe_item_score,
        "temperature_limit_c": str(limit),
    }
    reason = (
        f"Severe symptom on {day}: {'; '.join(parts)} (clinic rule: an item scored"
        f" {settings.severe_item_score} or more, or a temperature of {limit} °C or more)"
    )
    return AlertFinding(AlertRule.SEVERE_SYMPTOM, Audience.CARE_TEAM, reason, details)


def _diary_gap(
    days: Days, day: date, settings: AlertSettings, diary_start: date | None
) -> AlertFinding | None:
    limit, gap, cursor = settings.gap_care_team_days, 0, day
    while gap < limit and cursor not in days and (diary_start is None or cursor >= diary_start):
        gap += 1
        cursor -= ONE_DAY
    if gap < settings.gap_reminder_days:
        return None
    to_care_team = gap >= limit
    rule = AlertRule.DIARY_GAP if to_care_team else AlertRule.DIARY_GAP_REMINDER
    audience = Audience.CARE_TEAM if to_care_team else Audience.CARERS
    length = f"{gap} or more" if to_care_team else str(gap)
    reason = (
        f"No diary entry for {length} consecutive days up to {day} (clinic rule: carers"
        f" reminded after {settings.gap_reminder_days} days, care team told after {limit})"
    )
    details: dict[str, DetailValue] = {
        "day": day.isoformat(),
        "days_without_entry": gap,
        "reminder_days": settings.gap_reminder_days,
        "care_team_days": limit,
    }
    return AlertFinding(rule, audience, reason, details)


def _dds_windows(
    instrument: Instrument, days: Days, day: date, *, need_previous: bool
) -> tuple[Score, Score | None, Score | None]:
    """Return the 7-day DDS on ``day``, and when the rules need them on ``day - 1`` and ``day - 7``.

    The days before the current window are read only when the current DDS has a value, since
    without one neither the rise nor the threshold rule can fire; each day is read once, and
    the previous day's window reuses both reads.
    """
    recent = read_days(instrument, days, day - _SIX_DAYS, day)
    current = score_days(instrument, recent, day - _SIX_DAYS, day)
    if current.value is None:
        return current, None, None
    week_ago = day - _SEVEN_DAYS
    before = read_days(instrument, days, week_ago - _SIX_DAYS, week_ago)
    earlier = score_days(instrument, before, week_ago - _SIX_DAYS, week_ago)
    previous = None
    if need_previous and current.status is Status.ACTIVE:
        previous = score_days(instrument, before[-1:] + recent[:-1], week_ago, day - ONE_DAY)
    return current, previous, earlier


def evaluate_alerts(
    instrument: Instrument,
    days: Days,
    day: date,
    *,
    temperatures: Mapping[date, Decimal | None] | None = None,
    previous_status: Status | None = None,
    settings: AlertSettings = DEFAULT_ALERT_SETTINGS,
    diary_start: date | None = None,
) -> tuple[AlertFinding, ...]:
    """Return the alert rules that fire for one patient on the diary day ``day`` (SPEC §3.6).

    - ``above_threshold``: the 7-day DDS on ``day`` is active and the status on ``day - 1``
      (``previous_status`` if given, else computed from ``days``) was not. An insufficient
      previous day counts as "not active", so a first sufficient window that is already active
      fires: the care team hears about a newly diarising patient with active disease.
    - ``marked_rise``: the 7-day DDS on ``day`` exceeds the one 7 days earlier by at least
      ``settings.marked_rise_delta``; both must have a value (no value, no comparison).
    - ``severe_symptom``: an item on ``day`` scored at least ``settings.severe_item_score``, or
      ``temperatures[day]`` (°C, highest of the day) is at least ``settings.severe_temperature_c``.
    - ``diary_gap``: consecutive days ending at ``day`` with no entry (date absent from ``days``),
      counted no earlier than ``diary_start`` and at most up to ``gap_care_team_days``: reaching
      that many goes to the care team, else reaching ``gap_reminder_days`` reminds the carers.

    At most the 14 diary days from ``day - 13`` to ``day`` are read, each once. Raises
    ``ValueError`` for an unknown item code, a score outside 0-4 or an implausible temperature
    on a day it reads.
    """
    need_previous = previous_status is None
    current, previous, earlier = _dds_windows(instrument, days, day, need_previous=need_previous)
    findings: list[AlertFinding | None] = []
    if current.status is Status.ACTIVE:
        before = previous_status or (previous.status if previous else Status.INSUFFICIENT)
        findings.append(_above_threshold(instrument, current, before))
    if earlier is not None:
        findings.append(_marked_rise(current, earlier, settings.marked_rise_delta))
    temperature = None if temperatures is None else temperatures.get(day)
    findings.append(_severe_symptom(instrument, days, day, temperature, settings))
    findings.append(_diary_gap(days, day, settings, diary_start))
    return tuple(finding for finding in findings if finding is not None)
