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
from clinicians.cohort.plan import ONE_DAY, Visit
from clinicians.cohort.reads import CohortDays
from clinicians.records.models import PGAAssessment
from clinicians.records.selectors import ClinicalRecords

THRESHOLDS = ("profile", "uniform")
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


def patient_visits(
    patient_id: int,
    reference: str,
    disease: str,
    *,
    days: CohortDays | None,
    records: ClinicalRecords,
    plan: list[Visit],
    today: datetime.date,
    primary_week: int,
    options: Options,
) -> PatientVisits:
    """The patient's pre-treatment, baseline, primary and maintenance rows, from their
    :func:`visit_plan` and the scores it reads (``None`` only when treatment has not started)."""
    start = records.treatment_start
    steroid_base = _baseline_steroid(records)
    on_steroids = steroid_base is not None and steroid_base > 0
    found = PatientVisits(patient_id, reference, disease, start, primary_week, on_steroids)
    if start is None or days is None:
        return found
    visits = _Visits(days, records, today, start, options)
    pre_plan, base_plan, primary_plan, maintenance_plan = plan
    pre = visits.pre_treatment(pre_plan)
    base = visits.baseline(base_plan)
    reference_row = base if records.pre_treatment_period is None else pre
    rows = [
        pre,
        base,
        visits.after(reference_row, primary_plan),
        visits.after(reference_row, maintenance_plan),
    ]
    return replace(found, rows=tuple(rows))


def _baseline_steroid(records: ClinicalRecords) -> Fraction | None:
    day = records.baseline_day()
    return None if day is None else records.steroid_on(day).mg_per_kg


class _Visits:
    def __init__(
        self,
        days: CohortDays,
        records: ClinicalRecords,
        today: datetime.date,
        start: datetime.date,
        options: Options,
    ) -> None:
        self.days, self.records, self.today = days, records, today
        self.start, self.options = start, options

    def pre_treatment(self, plan: Visit) -> VisitRow:
        if not plan.reached or plan.window is None:
            return VisitRow("pre_treatment", None, None, reached=False)
        first, end = plan.window
        window = self.days.windows[plan.window]
        pga = _nearest_pga(self.records, first, end, end)
        return VisitRow(
            "pre_treatment",
            None,
            None,
            reached=True,
            dds=window.score.value,
            dds_day=None if window.score.value is None else end,
            **self._judged(window.score.value, window.instrument),
            days_below_proportion=self._proportion(plan),
            pga=None if pga is None else Fraction(pga.score),
            pga_date=None if pga is None else pga.date,
            steroid_mg_per_kg=self.records.steroid_on(end).mg_per_kg,
        )

    def baseline(self, plan: Visit) -> VisitRow:
        visit = plan.date
        if not plan.reached or visit is None or plan.dds_day is None:
            return VisitRow("baseline", 0, visit, reached=False)
        end = plan.dds_day
        dds = self.days.dds[end]
        pga = _nearest_pga(self.records, visit - PGA_VISIT_DAYS * ONE_DAY, visit, visit)
        return VisitRow(
            "baseline",
            0,
            visit,
            reached=True,
            dds=dds.score.value,
            dds_day=None if dds.score.value is None else end,
            **self._judged(dds.score.value, dds.instrument),
            days_below_proportion=self._proportion(plan),
            pga=None if pga is None else Fraction(pga.score),
            pga_date=None if pga is None else pga.date,
            steroid_mg_per_kg=self.records.steroid_on(end).mg_per_kg,
        )

    def after(self, reference: VisitRow, plan: Visit) -> VisitRow:
        """A post-baseline visit (primary or maintenance)."""
        visit = plan.date
        if not plan.reached or visit is None or plan.dds_day is None:
            return VisitRow(plan.period, plan.week, visit, reached=False)
        end = plan.dds_day
        carried: list[str] = []
        dds = self.days.dds[end]
        if dds.score.value is None and self.options.locf and plan.carry_from is not None:
            earlier = self.days.last_sufficient(plan.carry_from)
            if earlier is not None:
                dds = earlier
                carried.append("dds")
        value = dds.score.value
        pga_value, pga_date = self._pga(visit, carried)
        proportion = self._proportion(plan)
        steroid = self.records.steroid_versus_baseline(end)
        return VisitRow(
            plan.period,
            plan.week,
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

    def _proportion(self, plan: Visit) -> Fraction | None:
        """SPEC §3.2 over the visit's range (``reads`` counts it from the stored days)."""
        return None if plan.days_below is None else self.days.proportions[plan.days_below]


def _nearest_pga(
    records: ClinicalRecords, first: datetime.date, last: datetime.date, visit: datetime.date
) -> PGAAssessment | None:
    """The PGA in ``[first, last]`` nearest to ``visit`` (the earlier of two as near)."""
    inside = [p for p in records.pgas if first <= p.date <= last]
    return min(inside, key=lambda p: (abs((p.date - visit).days), p.date), default=None)


def _minus(value: Fraction | None, reference: Fraction | None) -> Fraction | None:
    return None if value is None or reference is None else value - reference
