"""A patient's clinical records in memory, and what follows from them on a given day.

``clinical_records`` loads every kind of record for any number of patients in one query per
kind. ``ClinicalRecords`` answers the day-by-day questions the pages ask: the treatment start,
the corticosteroid dose in prednisone equivalents and mg/kg/day and how it compares with the
baseline dose (``scoring``, exact: only the templates round), the latest PGA.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

import scoring
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.models import Patient


@dataclass(frozen=True)
class SteroidDay:
    """The systemic corticosteroid on one day.

    ``prednisone_mg`` is the exact total prednisone-equivalent mg/day (``None`` when no dose had
    been recorded by that day: never assumed zero); ``mg_per_kg`` is exact too and uses the latest
    weight on or before the day (``None`` without a weight); ``doses`` are the rows in force.
    """

    day: datetime.date
    prednisone_mg: Fraction | None
    mg_per_kg: Fraction | None
    weight_kg: Decimal | None
    doses: tuple[SteroidDose, ...]


@dataclass(frozen=True)
class SteroidVersusBaseline:
    """The corticosteroid on one day beside the baseline dose (SPEC §3.5), all exact.

    ``baseline_mg_per_kg`` is ``None`` without a baseline day, or without a dose or a weight on
    it; ``change_percent`` is ``None`` then, when the baseline dose is 0 or when the day's own
    mg/kg/day is unknown; ``response`` is ``None`` only when the day's mg/kg/day is unknown.
    """

    current: SteroidDay
    baseline_mg_per_kg: Fraction | None
    change_percent: Fraction | None
    response: bool | None


@dataclass
class ClinicalRecords:
    treatments: list[TreatmentCourse] = field(default_factory=list)
    weights: dict[datetime.date, Decimal] = field(default_factory=dict)
    heights: dict[datetime.date, Decimal] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    doses: list[SteroidDose] = field(default_factory=list)
    pgas: list[PGAAssessment] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    periods: list[StudyPeriod] = field(default_factory=list)

    @property
    def treatment_start(self) -> datetime.date | None:
        """The first day of the first treatment course (the baseline is the day before)."""
        return min((t.start_date for t in self.treatments), default=None)

    @property
    def pre_treatment_period(self) -> StudyPeriod | None:
        return next((p for p in self.periods if p.is_pre_treatment), None)

    def baseline_day(self) -> datetime.date | None:
        """The day the baseline refers to: the end of the pre-treatment period, or else the
        day before treatment start."""
        period = self.pre_treatment_period
        if period is not None:
            return period.end
        start = self.treatment_start
        return None if start is None else start - datetime.timedelta(days=1)

    def steroid_on(self, day: datetime.date) -> SteroidDay:
        """The corticosteroid dose in force on ``day``: per drug, its latest dose from on or
        before ``day`` unless that dose had ended; several drugs add up."""
        latest: dict[str, SteroidDose] = {}
        for dose in self.doses:  # ordered by from_date
            if dose.from_date <= day:
                latest[dose.drug] = dose
        weight = scoring.weight_on(self.weights, day)
        if not latest:
            return SteroidDay(day, None, None, weight, ())
        active = tuple(d for d in latest.values() if d.to_date is None or d.to_date >= day)
        total = sum(
            (scoring.prednisone_equivalent(d.drug, d.mg_per_day) for d in active), Fraction(0)
        )
        per_kg = None if weight is None else scoring.mg_per_kg_per_day(total, weight)
        return SteroidDay(day, total, per_kg, weight, active)

    def steroid_versus_baseline(self, day: datetime.date) -> SteroidVersusBaseline:
        """The dose on ``day``, its change from the baseline dose and the 2023 trial's steroid
        criterion: the one path every page and export reads, so they cannot disagree."""
        current = self.steroid_on(day)
        baseline_day = self.baseline_day()
        baseline = None if baseline_day is None else self.steroid_on(baseline_day).mg_per_kg
        return SteroidVersusBaseline(
            current=current,
            baseline_mg_per_kg=baseline,
            change_percent=scoring.steroid_change_percent(baseline, current.mg_per_kg),
            response=None
            if current.mg_per_kg is None
            else scoring.steroid_response(baseline, current.mg_per_kg),
        )

    def steroid_response(self, day: datetime.date) -> bool | None:
        """Whether the 2023 trial's steroid criterion is met on ``day`` versus baseline.

        ``None`` when it cannot be judged: no dose in mg/kg/day on ``day`` (no dose recorded or
        no weight).
        """
        return self.steroid_versus_baseline(day).response

    def pga_on_or_before(self, day: datetime.date) -> PGAAssessment | None:
        return next((p for p in reversed(self.pgas) if p.date <= day), None)

    def dose_changes(self) -> list[SteroidDose]:
        """Every corticosteroid start, change or stop, in date order."""
        return list(self.doses)

    def last_visit(self, now: datetime.datetime) -> Appointment | None:
        past = [a for a in self.appointments if not a.cancelled and a.starts_at < now]
        return past[-1] if past else None

    def next_visit(self, now: datetime.datetime) -> Appointment | None:
        return next((a for a in self.appointments if not a.cancelled and a.starts_at >= now), None)


def clinical_records(
    patient_ids: Iterable[int], among: QuerySet[Patient] | None = None
) -> dict[int, ClinicalRecords]:
    """Every clinical record of each patient, keyed by patient id, in one query per kind.
    With ``among`` (patients that include them, such as their clinic's), each kind is read by
    a join with it: a join costs less than sending hundreds of ids six times."""
    ids = list(dict.fromkeys(patient_ids))
    result: dict[int, ClinicalRecords] = defaultdict(ClinicalRecords)
    for pid in ids:
        result[pid] = ClinicalRecords()
    if not ids:
        return result

    def of(rows: QuerySet[Any], *order: str) -> Iterator[Any]:
        by = {"patient_id__in": ids} if among is None else {"patient__in": among}
        wanted = rows.filter(**by)
        return (row for row in wanted.order_by(*order, "pk") if row.patient_id in result)

    for course in of(TreatmentCourse.objects.all(), "start_date"):
        result[course.patient_id].treatments.append(course)
    for m in of(Measurement.objects.all(), "date"):
        records = result[m.patient_id]
        records.measurements.append(m)
        by_day = records.weights if m.kind == Measurement.Kind.WEIGHT else records.heights
        by_day[m.date] = m.value
    for dose in of(SteroidDose.objects.all(), "from_date"):
        result[dose.patient_id].doses.append(dose)
    for pga in of(PGAAssessment.objects.all(), "date"):
        result[pga.patient_id].pgas.append(pga)
    for appointment in of(Appointment.objects.select_related("clinician"), "starts_at"):
        result[appointment.patient_id].appointments.append(appointment)
    for period in of(StudyPeriod.objects.all(), "start"):
        result[period.patient_id].periods.append(period)
    return result
