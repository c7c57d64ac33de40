"""The cohort report of one clinic: per-patient visits (``visits``) aggregated per disease group.

Every aggregate is computed from exactly the ``PatientVisits`` that ``/periods/`` serves, by
:func:`patient_visits_of`, so a script can recompute each cell from the API. Means and sample
variances are exact fractions; the SD (a square root) becomes a float only at the edge.
Corticosteroid rows count only the patients on a corticosteroid at baseline.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

import scoring
from clinicians.cohort.models import MAINTENANCE_WEEK
from clinicians.cohort.plan import PERIODS, WEEK, visit_plan, weekly_range
from clinicians.cohort.reads import CohortDays, Pair, cohort_days
from clinicians.cohort.settings import primary_weeks
from clinicians.cohort.visits import Options, PatientVisits, VisitRow, patient_visits
from clinicians.records.selectors import ClinicalRecords, clinical_records
from clinicians.scope import staff_clinics
from diary.access import patients_for
from diary.clinics import Clinic
from diary.days import DayRules
from diary.models import Patient

ONE_DAY = datetime.timedelta(days=1)

# measure → (value field, change field); every field is a VisitRow attribute.
MEASURES = {
    "dds": ("dds", "dds_change"),
    "days_below_proportion": ("days_below_proportion", "days_below_proportion_change"),
    "pga": ("pga", "pga_change"),
    "steroid_mg_per_kg": ("steroid_mg_per_kg", "steroid_change"),
}


@dataclass(frozen=True)
class Visited:
    """Patients' visits, with the stored scores they were read from (for the chart)."""

    visits: dict[int, PatientVisits]
    days: dict[int, CohortDays]


def patient_visits_of(
    patients: Sequence[Patient],
    options: Options,
    now: datetime.datetime | None = None,
    *,
    figure: bool = False,
    among: QuerySet[Patient] | None = None,
) -> Visited:
    """Each patient's visits, read in a fixed number of queries. Patients of one clinic, with
    ``select_related("clinic")``. With ``figure``, also the weekly values Figure 2 draws;
    ``among``: patients that include them, read by a join (``clinical_records``)."""
    now = now or timezone.now()
    patients = list(patients)
    if not patients:
        return Visited({}, {})
    records = clinical_records((p.pk for p in patients), among)
    weeks = primary_weeks(patients[0].clinic_id)
    today = {p.pk: DayRules.for_patient(p).offered_day(now) for p in patients}
    plans = {p.pk: visit_plan(records[p.pk], today[p.pk], weeks[p.disease]) for p in patients}
    started = [p for p in patients if plans[p.pk]]
    weekly = {p.pk: weekly_range(_start(records[p.pk]), today[p.pk]) for p in started if figure}
    days: dict[int, CohortDays] = {}
    if started:
        threshold = options.control_threshold
        days = cohort_days(started, plans, weekly, locf=options.locf, threshold=threshold)
    visits = {
        p.pk: patient_visits(
            p.pk,
            p.reference,
            p.disease,
            days=days.get(p.pk),
            records=records[p.pk],
            plan=plans[p.pk],
            today=today[p.pk],
            primary_week=weeks[p.disease],
            options=options,
        )
        for p in patients
    }
    return Visited(visits, days)


def _start(records: ClinicalRecords) -> datetime.date:
    assert records.treatment_start is not None  # a plan has visits only after a start
    return records.treatment_start


def member_clinics(user: Any) -> QuerySet[Clinic]:
    """The clinics ``user`` belongs to, by name."""
    return staff_clinics(user).order_by("name", "pk")


def clinic_for(user: Any, clinic_id: Any) -> Clinic:
    """The clinic ``clinic_id`` if ``user`` belongs to it; ``Http404`` otherwise."""
    try:
        pk = int(clinic_id)
    except (TypeError, ValueError):
        raise Http404("No such clinic.") from None
    clinic = staff_clinics(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if clinic is None:
        raise Http404("No such clinic.")
    return clinic


def clinic_patients(user: Any, clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's patients, through the scope choke point, by reference."""
    return (
        patients_for(user)
        .filter(clinic_id=clinic.pk)
        .select_related("clinic")
        .order_by("reference")
    )


# --- aggregates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """n, mean and sample variance of exact values; the SD is ``None`` when n < 2."""

    n: int
    mean: Fraction | None
    variance: Fraction | None

    @property
    def sd(self) -> float | None:
        return None if self.variance is None else math.sqrt(self.variance)


def summarise(values: Iterable[Fraction]) -> Summary:
    pairs = [v.as_integer_ratio() for v in values]
    n = len(pairs)
    if n == 0:
        return Summary(0, None, None)
    total = exact_sum(pairs)
    if n < 2:
        return Summary(n, total / n, None)
    # Σ(x - mean)² = Σx² - (Σx)²/n, still exact: no Fraction per value.
    squares = exact_sum([(p * p, q * q) for p, q in pairs])
    return Summary(n, total / n, (squares - total * total / n) / (n - 1))


def exact_sum(values: Sequence[Pair]) -> Fraction:
    """The sum of ``values`` (numerator, denominator), added over their common denominator:
    adding fractions one by one costs a gcd each, which a clinic's thousands make slow."""
    common = math.lcm(*(denominator for _, denominator in values))
    return Fraction(sum(n * (common // d) for n, d in values), common)


@dataclass(frozen=True)
class CohortRow:
    """One measure at one period over a disease group.

    ``carried_forward`` counts the values in ``observed`` that LOCF supplied. ``below_threshold``
    and ``in_remission_range`` (DDS only) count patients; ``percent_change`` and ``responders``
    are for the corticosteroid only.
    """

    measure: str
    period: str
    week: int | None
    observed: Summary
    change: Summary
    carried_forward: int
    below_threshold: int | None = None
    in_remission_range: int | None = None
    percent_change: Summary | None = None
    responders: int | None = None


@dataclass(frozen=True)
class Group:
    disease: str
    primary_week: int
    patients: list[PatientVisits]  # with a treatment start
    not_started: list[PatientVisits]
    rows: list[CohortRow]
    control_thresholds: list[Fraction]


@dataclass(frozen=True)
class Cohort:
    clinic: Clinic
    options: Options
    groups: list[Group]
    visited: Visited

    @property
    def patient_ids(self) -> list[int]:
        return list(self.visited.visits)


def cohort(
    user: Any,
    clinic: Clinic,
    options: Options,
    now: datetime.datetime | None = None,
    *,
    figure: bool = False,
) -> Cohort:
    """The clinic's cohort report for ``user`` (a member of ``clinic``), per disease group;
    with ``figure``, the weekly values of Figure 2 too (the page draws it; the API and CSV
    do not)."""
    patients = list(clinic_patients(user, clinic))
    among = Patient.objects.filter(clinic_id=clinic.pk)
    visited = patient_visits_of(patients, options, now, figure=figure, among=among)
    weeks = primary_weeks(clinic.pk)
    groups = []
    for disease in scoring.DISEASES:
        members = [visited.visits[p.pk] for p in patients if p.disease == disease]
        started = [v for v in members if v.treatment_start is not None]
        groups.append(
            Group(
                disease=disease,
                primary_week=weeks[disease],
                patients=started,
                not_started=[v for v in members if v.treatment_start is None],
                rows=group_rows(started, weeks[disease]),
                control_thresholds=_thresholds(started, visited.days, options),
            )
        )
    return Cohort(clinic, options, groups, visited)


def group_rows(patients: Sequence[PatientVisits], primary_week: int) -> list[CohortRow]:
    """Every measure at every period, from the patients' own rows."""
    weeks = {"pre_treatment": None, "baseline": 0, "primary": primary_week}
    weeks["maintenance"] = MAINTENANCE_WEEK
    rows = []
    for measure in MEASURES:
        included = patients
        if measure == "steroid_mg_per_kg":
            included = [p for p in patients if p.on_steroids_at_baseline]
        for period in PERIODS:
            found = [r for r in (p.row(period) for p in included) if r is not None]
            rows.append(_row(measure, period, weeks[period], found))
    return rows


def _row(measure: str, period: str, week: int | None, rows: list[VisitRow]) -> CohortRow:
    value_field, change_field = MEASURES[measure]
    values = [r for r in rows if getattr(r, value_field) is not None]
    extra: dict[str, Any] = {}
    if measure == "dds":
        extra["below_threshold"] = sum(1 for r in values if r.below_threshold)
        extra["in_remission_range"] = sum(1 for r in values if r.in_remission_range)
    if measure == "steroid_mg_per_kg":
        extra["percent_change"] = summarise(
            r.steroid_percent_change for r in rows if r.steroid_percent_change is not None
        )
        extra["responders"] = sum(1 for r in rows if r.steroid_response)
    return CohortRow(
        measure=measure,
        period=period,
        week=week,
        observed=summarise(getattr(r, value_field) for r in values),
        change=summarise(
            getattr(r, change_field) for r in rows if getattr(r, change_field) is not None
        ),
        carried_forward=sum(1 for r in values if measure in r.carried_forward),
        **extra,
    )


def _thresholds(
    patients: Sequence[PatientVisits], days: dict[int, CohortDays], options: Options
) -> list[Fraction]:
    """The control thresholds the group's current instruments use (usually one)."""
    found = {options.control_threshold(days[p.patient_id].current) for p in patients}
    return sorted(found)


# --- Figure 2: the 7-day DDS by week since treatment start -------------------------------------


_WEEKLY_OFFSETS = [week * WEEK - ONE_DAY for week in range(MAINTENANCE_WEEK + 1)]


def weekly_dds(visits: PatientVisits, days: CohortDays) -> list[Pair | None]:
    """The patient's 7-day DDS at each week 0-52 since treatment start (the day before each
    week's visit day) as stored (numerator, denominator), observed values only; ``None`` where
    there is none or not yet."""
    start = visits.treatment_start
    if start is None:
        return []
    return [days.weekly.get(start + offset) for offset in _WEEKLY_OFFSETS]


@dataclass(frozen=True)
class Mean:
    """n and mean of exact values (Figure 2 draws no spread, so none is computed)."""

    n: int
    mean: Fraction | None


def weekly_means(series: Iterable[Sequence[Pair | None]]) -> list[Mean]:
    """Per week, the mean of the patients' values that week."""
    columns: list[list[Pair]] = [[] for _ in range(MAINTENANCE_WEEK + 1)]
    for values in series:
        for week, value in enumerate(values):
            if value is not None:
                columns[week].append(value)
    return [Mean(len(c), exact_sum(c) / len(c) if c else None) for c in columns]
