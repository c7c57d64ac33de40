"""A clinic for the cohort tests: nine patients of clinic A in every disease group, with
treatment starts, diaries around the visits, gaps that LOCF fills, corticosteroids, weights,
PGA and a pre-treatment period; one patient not started, one starting next week. Every
clinical value is written out below. Clinic B's patient has a start too, and must never count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

import scoring
from clinicians.records.models import (
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.days import DayRules
from tests.clinicians.clinic_data import write_days
from tests.diary.factories import PatientFactory

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """One patient: start ``start`` days before today (None: not started), item score before
    start, up to the primary visit and up to maintenance, and the records."""

    reference: str
    disease: str
    start: int | None
    before: int
    early: int
    late: int
    gap_primary: bool = False  # no diary in the week before the primary visit
    gap_maintenance: bool = False
    pre_treatment: bool = False
    doses: list[tuple[int, str, str]] = field(default_factory=list)  # (day from start, drug, mg)
    weights: list[tuple[int, str]] = field(default_factory=list)  # (day from start, kg)
    pgas: list[tuple[int, str]] = field(default_factory=list)  # (day from start, score)


PLANS = [
    Plan("AAA-0001", "CANDLE", 400, 2, 1, 0,
         doses=[(-100, "prednisolone", "10"), (60, "prednisolone", "4"),
                (200, "prednisolone", "2")],
         weights=[(-100, "20.0")], pgas=[(-3, "6.0"), (142, "3.0"), (359, "1.0")]),
    Plan("AAA-0002", "AGS", 400, 3, 2, 1, gap_primary=True,
         pgas=[(0, "7.0"), (10, "5.0"), (365, "2.5")]),
    Plan("AAA-0003", "CANDLE", 300, 1, 0, 0,
         doses=[(-30, "prednisone", "5")], weights=[(-30, "25.0"), (100, "30.0")],
         pgas=[(-1, "2.0"), (138, "1.0")]),
    Plan("AAA-0004", "CANDLE", 380, 2, 2, 1, gap_maintenance=True, pre_treatment=True,
         pgas=[(-10, "4.5"), (140, "4.0")]),
    Plan("AAA-0005", "SAVI", 400, 2, 1, 1,
         doses=[(-50, "dexamethasone", "1.5"), (150, "dexamethasone", "0.75")],
         weights=[(-50, "40.0")], pgas=[(-2, "5.0"), (226, "2.0"), (362, "1.5")]),
    Plan("AAA-0006", "SAVI", 250, 3, 1, 1, doses=[(30, "prednisolone", "5")],
         weights=[(30, "30.0")], pgas=[(0, "8.0"), (220, "3.5")]),
    Plan("AAA-0007", "OTHER", 400, 1, 0, 0, pgas=[(-5, "3.0"), (141, "0.5")]),
    Plan("AAA-0008", "CANDLE", None, 2, 2, 2),
    Plan("AAA-0009", "AGS", -7, 2, 2, 2),
]  # fmt: skip

PRIMARY_WEEK = {"CANDLE": 20, "SAVI": 32, "AGS": 32, "OTHER": 20}


def _scores(codes: tuple[str, ...], base: int, day: datetime.date) -> dict[str, int | None]:
    """Every item at ``base``; the first one higher on odd days (means that are not whole)."""
    scores: dict[str, int | None] = dict.fromkeys(codes, base)
    scores[codes[0]] = min(4, base + day.toordinal() % 2)
    return scores


def _diary(plan: Plan, codes: tuple[str, ...], today: datetime.date) -> dict:
    if plan.start is None:
        return {today - DAY * n: _scores(codes, plan.before, today - DAY * n) for n in range(1, 15)}
    start = today - DAY * plan.start
    primary = start + DAY * 7 * PRIMARY_WEEK[plan.disease]
    maintenance = start + DAY * 7 * 52
    days: dict[datetime.date, int] = {}
    for n in range(35, 0, -1):
        days[start - DAY * n] = plan.before
    for n in range(14):
        days[start + DAY * n] = plan.early
    if not plan.gap_primary:
        for n in range(1, 8):
            days[primary - DAY * n] = plan.early
    if not plan.gap_maintenance:
        for n in range(1, 8):
            days[maintenance - DAY * n] = plan.late
    return {day: _scores(codes, base, day) for day, base in days.items() if day < today}


def build_cohort(cast: Any) -> dict[str, Any]:
    """Write the clinic; returns the patients by reference (clinic A's nine)."""
    patients = {"AAA-0001": cast.patient, "AAA-0002": cast.unlinked_patient}
    for plan in PLANS:
        if plan.reference not in patients:
            patients[plan.reference] = PatientFactory(
                clinic=cast.clinic, reference=plan.reference, disease=plan.disease
            )
        _write(cast, patients[plan.reference], plan)
    _write(cast, cast.other_patient, Plan("BBB-0001", "SAVI", 400, 3, 1, 0))
    return patients


def _write(cast: Any, patient: Any, plan: Plan) -> None:
    now = timezone.now()
    today = DayRules.for_patient(patient).offered_day(now)
    codes = scoring.instrument_for(plan.disease).item_codes
    write_days(patient, cast.carer, _diary(plan, codes, today))
    if plan.start is None:
        return
    start = today - DAY * plan.start
    who = {"recorded_by": cast.clinician, "recorded_at": now}
    TreatmentCourse.objects.create(
        patient=patient, drug="baricitinib", start_date=start, regimen="as prescribed", **who
    )
    if plan.pre_treatment:
        StudyPeriod.objects.create(
            patient=patient, name="baseline", start=start - DAY * 35, end=start - DAY * 8,
            is_pre_treatment=True, **who,
        )  # fmt: skip
    for offset, drug, mg in plan.doses:
        SteroidDose.objects.create(
            patient=patient, drug=drug, mg_per_day=Decimal(mg), from_date=start + DAY * offset,
            **who,
        )  # fmt: skip
    for offset, kg in plan.weights:
        Measurement.objects.create(
            patient=patient, kind="weight", date=start + DAY * offset, value=Decimal(kg), **who
        )
    for offset, score in plan.pgas:
        PGAAssessment.objects.create(
            patient=patient, date=start + DAY * offset, score=Decimal(score),
            assessed_by=cast.clinician, recorded_at=now,
        )  # fmt: skip
