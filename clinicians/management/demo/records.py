"""Demo clinical records: treatment, growth, a corticosteroid taper, PGA, visits and periods.

Called by the demo seeder for each demo patient. Everything is derived from the patient's demo
profile and the first demo day, so it is the same on every run; a patient who already has a
treatment course is left as it is (a later run only books the next visit if none is due).
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clinicians.management.demo.cast import DEMO_DAYS, STAFF, demo_language, in_clinic_language
from clinicians.records import services
from clinicians.records.models import Appointment
from diary.models import Patient

# Weeks after treatment start: the screening visit, then the cohort's baseline (0), primary (20
# or 32, by disease) and maintenance (52) visits among the reviews.
VISIT_WEEKS = (-4, 0, 4, 12, 20, 32, 52)
MEASURED_WEEKS = (-4, 0, 16, 32, 52)
REGIMENS = {
    "en": (
        "Baricitinib 2 mg twice daily with food (trial protocol weight band).",
        "Baricitinib 4 mg in the morning, 2 mg in the evening; review renal function at week 4.",
        "Baricitinib 1 mg three times daily; dose as per weight-band table, do not adjust at home.",
    ),
    "ja": (
        "バリシチニブ 1回2 mg 1日2回 食後(試験プロトコルの体重区分)。",
        "バリシチニブ 朝4 mg・夕2 mg。4週目に腎機能を確認。",
        "バリシチニブ 1回1 mg 1日3回。体重区分表のとおり、自宅で調整しないこと。",
    ),
}


def seed_records(
    spec: Any, patient: Patient, users: dict[str, Any], now: datetime.datetime
) -> None:
    """Create ``patient``'s demo records once; book the next visit whenever none is due."""
    prefix = spec.reference[:3]
    clinician = users[next(s[0] for s in STAFF if s[3] == prefix and s[4] == "clinician")]
    today = now.astimezone(zoneinfo.ZoneInfo(spec.time_zone)).date()
    first_day = today - datetime.timedelta(days=DEMO_DAYS - 1)
    if spec.treatment_day is None:
        if not patient.pga_assessments.exists():
            _not_started(spec, patient, clinician, first_day, now)
    elif not patient.treatment_courses.exists():
        start = first_day + datetime.timedelta(days=spec.treatment_day)
        _history(spec, patient, clinician, first_day, start, now)
    if not Appointment.objects.filter(
        patient=patient, starts_at__gte=now, cancelled=False
    ).exists():
        _next_visit(spec, patient, clinician, now)


def _history(
    spec: Any,
    patient: Patient,
    clinician: Any,
    first_day: datetime.date,
    start: datetime.date,
    now: datetime.datetime,
) -> None:
    index = _index(spec)
    services.add_treatment_course(
        patient=patient,
        user=clinician,
        drug=in_clinic_language(spec, "baricitinib"),
        start_date=start,
        regimen=REGIMENS[demo_language(spec)][index % 3],
        now=now,
    )
    today = now.date()
    for weeks in MEASURED_WEEKS:
        day = start + datetime.timedelta(weeks=weeks)
        if first_day <= day <= today:
            _growth(spec, patient, clinician, day, weeks, now)
    _steroids(spec, patient, clinician, first_day, start, now)
    for weeks in VISIT_WEEKS:
        day = start + datetime.timedelta(weeks=weeks)
        if not first_day <= day <= today:
            continue
        treated = min(1.0, max(0.0, weeks / 6))
        _visit(spec, patient, clinician, day, spec.severity * (1 - spec.response * treated), now)
        if day < today:
            _past_appointment(spec, patient, clinician, day, _purpose(spec, weeks), now)
    services.add_study_period(
        patient=patient,
        user=clinician,
        name="baseline",
        start=start - datetime.timedelta(days=28),
        end=start - datetime.timedelta(days=1),
        is_pre_treatment=True,
        now=now,
    )
    services.add_study_period(
        patient=patient,
        user=clinician,
        name="primary",
        start=start,
        end=start + datetime.timedelta(weeks=12) - datetime.timedelta(days=1),
        now=now,
    )
    services.add_study_period(
        patient=patient,
        user=clinician,
        name="maintenance",
        start=start + datetime.timedelta(weeks=12),
        end=start + datetime.timedelta(weeks=52),
        now=now,
    )


def _not_started(
    spec: Any, patient: Patient, clinician: Any, first_day: datetime.date, now: datetime.datetime
) -> None:
    """Screened two weeks after the diary began; on prednisolone while baricitinib is arranged."""
    day = first_day + datetime.timedelta(days=spec.joined + 14)
    _growth(spec, patient, clinician, day, 0, now)
    _steroids(spec, patient, clinician, first_day, None, now)
    _visit(spec, patient, clinician, day, spec.severity, now)
    _past_appointment(spec, patient, clinician, day, _purpose(spec, -4), now)


def _growth(
    spec: Any,
    patient: Patient,
    clinician: Any,
    day: datetime.date,
    weeks: int,
    now: datetime.datetime,
) -> None:
    age = (day - spec.born).days / 365.25
    services.add_measurement(
        patient=patient,
        user=clinician,
        kind="weight",
        date=day,
        value=_one_place(8 + 3 * age + weeks / 16),
        now=now,
    )
    services.add_measurement(
        patient=patient,
        user=clinician,
        kind="height",
        date=day,
        value=_one_place(77 + 6 * age),
        now=now,
    )


def _visit(
    spec: Any,
    patient: Patient,
    clinician: Any,
    day: datetime.date,
    level: float,
    now: datetime.datetime,
) -> None:
    """The PGA the clinician scored at a visit, in step with the diary's level."""
    services.add_pga(
        patient=patient,
        user=clinician,
        date=day,
        score=(Decimal(str(level * 2.6)) * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2,
        now=now,
    )


def _past_appointment(
    spec: Any,
    patient: Patient,
    clinician: Any,
    day: datetime.date,
    purpose: str,
    now: datetime.datetime,
) -> None:
    services.add_appointment(
        patient=patient,
        user=clinician,
        starts_at=_at(patient, day, 9 + _index(spec) % 4),
        clinician=clinician,
        purpose=purpose,
        now=now,
    )


def _steroids(
    spec: Any,
    patient: Patient,
    clinician: Any,
    first_day: datetime.date,
    start: datetime.date | None,
    now: datetime.datetime,
) -> None:
    """Prednisolone at about 0.4 mg/kg/day from the first diary day, tapered by a quarter every
    4 weeks on treatment for patients who respond well (below 0.15 mg/kg/day by week 20: the
    steroid response); the others stay on their dose. Some patients take none."""
    if not spec.steroids:
        return
    first_day = first_day + datetime.timedelta(days=spec.joined)
    age = (first_day - spec.born).days / 365.25
    dose = Decimal(round((8 + 3 * age) * 0.4 * 2) / 2)
    services.add_steroid_dose(
        patient=patient,
        user=clinician,
        drug="prednisolone",
        mg_per_day=dose,
        from_date=first_day,
        now=now,
    )
    if start is None or spec.response < 0.5:
        return
    for step in range(1, 5):
        day = start + datetime.timedelta(weeks=2 + 4 * step)
        if day > now.date():
            break
        dose = max(Decimal("1"), (dose * Decimal("0.75") * 2).quantize(Decimal(1)) / 2)
        services.add_steroid_dose(
            patient=patient,
            user=clinician,
            drug="prednisolone",
            mg_per_day=dose,
            from_date=day,
            now=now,
        )


def _next_visit(spec: Any, patient: Patient, clinician: Any, now: datetime.datetime) -> None:
    index = _index(spec)
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    day = now.astimezone(zone).date() + datetime.timedelta(days=1 + (index - 1) // 3 * 6)
    services.add_appointment(
        patient=patient,
        user=clinician,
        starts_at=_at(patient, day, 9 + index % 4),
        clinician=clinician,
        purpose=in_clinic_language(spec, "Review"),
        now=now,
    )


def _index(spec: Any) -> int:
    return int(spec.reference[-2:])


def _purpose(spec: Any, weeks: int) -> str:
    if weeks in (-4, 0):
        return in_clinic_language(spec, "Screening visit" if weeks < 0 else "Treatment start")
    return f"{weeks}週目の診察" if demo_language(spec) == "ja" else f"Week {weeks} review"


def _at(patient: Patient, day: datetime.date, hour: int) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    return datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=zone)


def _one_place(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
