"""Each patient's values at the cohort visits: the one path behind ``/periods/`` and the cohort.

Visits are counted from **each patient's own treatment start** (week 0 is the start day):
pre-treatment (the patient's pre-treatment period, when one is recorded), baseline (week 0),
primary (the clinic's week for the disease) and maintenance (week 52). The DDS at a visit on
day V is the 7-day DDS on V-1 (SPEC §3.1). The reference for every change is the baseline as
the patient page has it (``ClinicalRecords.baseline_day``): the pre-treatment period when one is
recorded, else week 0. All values are exact; only the edges (API, page, CSV) turn them into
numbers or text.

With ``locf`` a missing DDS or PGA at a post-baseline visit takes the last post-baseline value
before it, and is listed in ``carried_forward``. A visit not reached yet has no values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import scoring
from clinicians.cohort.models import MAINTENANCE_WEEK
from clinicians.dashboard.scores import PatientDays
from clinicians.records.models import PGAAssessment
from clinicians.records.selectors import ClinicalRecords

ONE_DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
PERIODS = ("pre_treatment", "baseline", "primary", "maintenance")
THRESHOLDS = ("profile", "uniform")
BASELINE_PROPORTION_DAYS = 28
"""The proportion of days below the threshold at baseline is over the 4 weeks before start."""
PGA_VISIT_DAYS = 14
"""A PGA assessed up to 14 days either side of a visit is that visit's PGA (the nearest)."""


@dataclass(frozen=True)
class Options:
    """How values are taken: ``locf`` carries values forward; ``threshold`` is ``profile``
    (each instrument's control threshold, from the clinic's profile) or ``uniform`` (0.5)."""

    locf: bool = False
    threshold: str = "profile"

    def control_threshold(self, instrument: scoring.Instrument) -> Fraction:
        if self.threshold == "uniform":
            return scoring.THRESHOLD_PROFILES[scoring.PROFILE_UNIFORM_0_5][instrument.disease]
        return instrument.control_threshold


@dataclass(frozen=True)
class VisitRow:
    """One period of one patient; every number exact, ``None`` where there is no value."""

    period: str
    week: int | None
    visit_date: datetime.date | None
    reached: bool
    dds: Fraction | None = None
    dds_day: datetime.date | None = None
    dds_change: Fraction | None = None
    control_threshold: Fraction | None = None
    below_threshold: bool | None = None
    in_remission_range: bool | None = None
    days_below_proportion: Fraction | None = None
    days_below_proportion_change: Fraction | None = None
    pga: Fraction | None = None
    pga_date: datetime.date | None = None
    pga_change: Fraction | None = None
    steroid_mg_per_kg: Fraction | None = None
    steroid_change: Fraction | None = None
    steroid_percent_change: Fraction | None = None
    steroid_response: bool | None = None
    carried_forward: tuple[str, ...] = ()


@dataclass(frozen=True)
class PatientVisits:
    """A patient's rows (none when treatment has not started)."""

    patient_id: int
    reference: str
    disease: str
    treatment_start: datetime.date | None
    primary_week: int
    on_steroids_at_baseline: bool
    rows: tuple[VisitRow, ...] = field(default=())

    def row(self, period: str) -> VisitRow | None:
        return next((r for r in self.rows if r.period == period), None)


def reading_range(
    records: ClinicalRecords, today: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The days whose 7-day DDS :func:`patient_visits` reads, or ``None`` before any start."""
    start = records.treatment_start
    if start is None:
        return None
    first = start - datetime.timedelta(days=BASELINE_PROPORTION_DAYS)
    pre = records.pre_treatment_period
    if pre is not None:
        first = min(first, pre.start)
    last = min(today, start + MAINTENANCE_WEEK * WEEK - ONE_DAY)
    return first, max(first, last)


def patient_visits(
    patient_id: int,
    reference: str,
    disease: str,
    *,
    days: PatientDays | None,
    records: ClinicalRecords,
    today: datetime.date,
    primary_week: int,
    options: Options,
) -> PatientVisits:
    """The patient's pre-treatment, baseline, primary and maintenance rows. ``days`` must cover
    :func:`reading_range` (``None`` only when treatment has not started)."""
    start = records.treatment_start
    steroid_base = _baseline_steroid(records)
    on_steroids = steroid_base is not None and steroid_base > 0
    found = PatientVisits(patient_id, reference, disease, start, primary_week, on_steroids)
    if start is None or days is None:
        return found
    visits = _Visits(days, records, today, start, options)
    pre = visits.pre_treatment()
    base = visits.baseline()
    reference_row = base if records.pre_treatment_period is None else pre
    primary = start + primary_week * WEEK
    rows = [
        pre,
        base,
        visits.after(reference_row, "primary", primary_week, start),
        visits.after(reference_row, "maintenance", MAINTENANCE_WEEK, primary),
    ]
    return replace(found, rows=tuple(rows))


def _baseline_steroid(records: ClinicalRecords) -> Fraction | None:
    day = records.baseline_day()
    return None if day is None else records.steroid_on(day).mg_per_kg


class _Visits:
    def __init__(
        self,
        days: PatientDays,
        records: ClinicalRecords,
        today: datetime.date,
        start: datetime.date,
        options: Options,
    ) -> None:
        self.days, self.records, self.today = days, records, today
        self.start, self.options = start, options

    def pre_treatment(self) -> VisitRow:
        period = self.records.pre_treatment_period
        if period is None or period.start > self.today:
            return VisitRow("pre_treatment", None, None, reached=False)
        end = min(period.end, self.today)
        window = self.days.window(period.start, end)
        pga = _nearest_pga(self.records, period.start, end, end)
        return VisitRow(
            "pre_treatment",
            None,
            None,
            reached=True,
            dds=window.score.value,
            dds_day=None if window.score.value is None else end,
            **self._judged(window.score.value, window.instrument),
            days_below_proportion=self._proportion(period.start, end),
            pga=None if pga is None else Fraction(pga.score),
            pga_date=None if pga is None else pga.date,
            steroid_mg_per_kg=self.records.steroid_on(end).mg_per_kg,
        )

    def baseline(self) -> VisitRow:
        visit = self.start
        if visit > self.today:
            return VisitRow("baseline", 0, visit, reached=False)
        end = visit - ONE_DAY
        dds = self.days.dds_on(end)
        pga = _nearest_pga(self.records, visit - PGA_VISIT_DAYS * ONE_DAY, visit, visit)
        return VisitRow(
            "baseline",
            0,
            visit,
            reached=True,
            dds=dds.score.value,
            dds_day=None if dds.score.value is None else end,
            **self._judged(dds.score.value, dds.instrument),
            days_below_proportion=self._proportion(visit - BASELINE_PROPORTION_DAYS * ONE_DAY, end),
            pga=None if pga is None else Fraction(pga.score),
            pga_date=None if pga is None else pga.date,
            steroid_mg_per_kg=self.records.steroid_on(end).mg_per_kg,
        )

    def after(
        self,
        reference: VisitRow,
        period: str,
        week: int,
        since: datetime.date,
    ) -> VisitRow:
        """A post-baseline visit; its proportion of days covers ``[since, visit - 1]``."""
        visit = self.start + week * WEEK
        if visit > self.today:
            return VisitRow(period, week, visit, reached=False)
        end = visit - ONE_DAY
        carried: list[str] = []
        dds = self.days.dds_on(end)
        if dds.score.value is None and self.options.locf:
            earlier = self.days.last_sufficient(end - ONE_DAY, self.start)
            if earlier is not None:
                dds = earlier
                carried.append("dds")
        value = dds.score.value
        pga_value, pga_date = self._pga(visit, carried)
        proportion = self._proportion(since, end)
        steroid = self.records.steroid_versus_baseline(end)
        return VisitRow(
            period,
            week,
            visit,
            reached=True,
            dds=value,
            dds_day=None if value is None else dds.date,
            dds_change=_minus(value, reference.dds),
            **self._judged(value, dds.instrument),
            days_below_proportion=proportion,
            days_below_proportion_change=_minus(proportion, reference.days_below_proportion),
            pga=pga_value,
            pga_date=pga_date,
            pga_change=_minus(pga_value, reference.pga),
            steroid_mg_per_kg=steroid.current.mg_per_kg,
            steroid_change=_minus(steroid.current.mg_per_kg, steroid.baseline_mg_per_kg),
            steroid_percent_change=steroid.change_percent,
            steroid_response=steroid.response,
            carried_forward=tuple(carried),
        )

    def _pga(
        self, visit: datetime.date, carried: list[str]
    ) -> tuple[Fraction | None, datetime.date | None]:
        window = PGA_VISIT_DAYS * ONE_DAY
        pga = _nearest_pga(self.records, visit - window, min(visit + window, self.today), visit)
        if pga is None and self.options.locf:
            pga = self.records.pga_on_or_before(visit)
            if pga is not None and pga.date < self.start:
                pga = None  # only post-baseline values are carried forward
            if pga is not None:
                carried.append("pga")
        return (None, None) if pga is None else (Fraction(pga.score), pga.date)

    def _judged(self, value: Fraction | None, instrument: scoring.Instrument) -> dict[str, Any]:
        threshold = self.options.control_threshold(instrument)
        return {
            "control_threshold": threshold,
            "below_threshold": None if value is None else value < threshold,
            "in_remission_range": None if value is None else value < instrument.remission_threshold,
        }

    def _proportion(self, first: datetime.date, last: datetime.date) -> Fraction | None:
        """SPEC §3.2 over ``[first, last]`` with the instrument that scores that window."""
        if last < first:
            return None
        instrument = self.days.governing(first, last)
        return scoring.proportion_below(
            instrument,
            self.days.projected(instrument, first, last),
            first,
            last,
            self.options.control_threshold(instrument),
        )


def _nearest_pga(
    records: ClinicalRecords, first: datetime.date, last: datetime.date, visit: datetime.date
) -> PGAAssessment | None:
    """The PGA in ``[first, last]`` nearest to ``visit`` (the earlier of two as near)."""
    inside = [p for p in records.pgas if first <= p.date <= last]
    return min(inside, key=lambda p: (abs((p.date - visit).days), p.date), default=None)


def _minus(value: Fraction | None, reference: Fraction | None) -> Fraction | None:
    return None if value is None or reference is None else value - reference
