"""What each cohort visit of a patient reads, from their records: the plan that ``reads`` fetches
and ``visits`` turns into rows, so both take the same days (see ``docs/cohort.md``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from clinicians.cohort.models import MAINTENANCE_WEEK
from clinicians.records.selectors import ClinicalRecords

PERIODS = ("pre_treatment", "baseline", "primary", "maintenance")
ONE_DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
BASELINE_PROPORTION_DAYS = 28
"""The proportion of days below the threshold at baseline is over the 4 weeks before start."""


@dataclass(frozen=True)
class Visit:
    """What one period of one patient reads: the day of its 7-day DDS, the range of its days
    below the threshold, its window (pre-treatment) and where LOCF looks (post-baseline)."""

    period: str
    week: int | None
    date: datetime.date | None
    reached: bool
    dds_day: datetime.date | None = None
    days_below: tuple[datetime.date, datetime.date] | None = None
    window: tuple[datetime.date, datetime.date] | None = None
    carry_from: tuple[datetime.date, datetime.date] | None = None


def visit_plan(records: ClinicalRecords, today: datetime.date, primary_week: int) -> list[Visit]:
    """The patient's four periods and what each reads; none before a treatment start."""
    start = records.treatment_start
    if start is None:
        return []
    primary = start + primary_week * WEEK
    maintenance = start + MAINTENANCE_WEEK * WEEK
    return [
        _pre_treatment(records, today),
        _at("baseline", 0, start, today, start - BASELINE_PROPORTION_DAYS * ONE_DAY, None),
        _at("primary", primary_week, primary, today, start, start),
        _at("maintenance", MAINTENANCE_WEEK, maintenance, today, primary, start),
    ]


def _pre_treatment(records: ClinicalRecords, today: datetime.date) -> Visit:
    period = records.pre_treatment_period
    if period is None or period.start > today:
        return Visit("pre_treatment", None, None, reached=False)
    span = (period.start, min(period.end, today))
    return Visit("pre_treatment", None, None, reached=True, days_below=span, window=span)


def _at(
    period: str,
    week: int,
    visit: datetime.date,
    today: datetime.date,
    since: datetime.date,
    carry_since: datetime.date | None,
) -> Visit:
    """A visit on ``visit``: its DDS of the day before, its days below over ``[since, visit -
    1]`` and, post-baseline, LOCF's range ``[carry_since, visit - 2]``."""
    if visit > today:
        return Visit(period, week, visit, reached=False)
    end = visit - ONE_DAY
    carry = None
    if carry_since is not None and carry_since <= end - ONE_DAY:
        carry = (carry_since, end - ONE_DAY)
    below = (since, end) if since <= end else None
    return Visit(period, week, visit, True, dds_day=end, days_below=below, carry_from=carry)


def weekly_range(start: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The range whose every 7th day, from its first, is the day before a week's visit day,
    weeks 0-52 since ``start``, up to ``today``."""
    return start - ONE_DAY, min(start + MAINTENANCE_WEEK * WEEK - ONE_DAY, today)
