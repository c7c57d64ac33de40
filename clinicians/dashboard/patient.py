"""The patient page: DDS trend, heat map, corticosteroids, PGA, growth, periods, alerts, entries.

Everything comes from a fixed number of queries: the diary days of the whole range (plus what
the period table reaches back to), the clinical records, the alerts, and the entries of the
range with every version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import scoring
from clinicians.alerts.models import Alert
from clinicians.dashboard.periods import PeriodRow, earliest_day, period_table
from clinicians.dashboard.scores import PatientDays, patient_days
from clinicians.dashboard.summary import Note, carer_notes
from clinicians.records.selectors import ClinicalRecords, clinical_records
from diary.days import DayRules
from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient
from diary.selectors import DayDDS

RANGES = {"4w": 28, "3m": 91, "1y": 365, "all": None}
RANGE_LABELS = {"4w": _("4 weeks"), "3m": _("3 months"), "1y": _("1 year"), "all": _("All")}
HEAT_MAP_MAX_DAYS = 365
ENTRIES_SHOWN = 60
MIN_ALL_DAYS = 28


@dataclass(frozen=True)
class EntryRow:
    entry: DiaryEntry
    versions: list[EntryVersion]  # oldest first

    @property
    def latest(self) -> EntryVersion:
        return self.versions[-1]


@dataclass
class Review:
    patient: Patient
    range_key: str
    start: datetime.date
    today: datetime.date
    instrument: scoring.Instrument
    series: list[DayDDS]
    days: PatientDays
    records: ClinicalRecords
    periods: list[PeriodRow]
    alerts: list[Alert]
    entries: list[EntryRow]
    entries_total: int
    notes: list[Note]
    heat_start: datetime.date

    @property
    def latest(self) -> DayDDS:
        return self.series[-1]

    def heat_items(self, language: str) -> list[tuple[str, str]]:
        """The current instrument's items, then any item only older entries have."""
        items = [(i.code, i.label_in(language)) for i in self.instrument.items]
        known = {code for code, _ in items}
        for stored in self.days.days.values():
            for code in stored.scores:
                if code not in known:
                    known.add(code)
                    items.append((code, code.replace("_", " ")))
        return items

    def steroid_points(self) -> list[tuple[datetime.date, Fraction | None]]:
        """mg/kg/day at the range start and wherever a dose or a weight changes it."""
        changes = {self.start}
        for dose in self.records.doses:
            changes.add(dose.from_date)
            if dose.to_date is not None:
                changes.add(dose.to_date + datetime.timedelta(days=1))
        changes.update(self.records.weights)
        return [
            (day, self.records.steroid_on(day).mg_per_kg)
            for day in sorted(changes)
            if self.start <= day <= self.today
        ]


def range_start(key: str, today: datetime.date, first_entry: datetime.date | None) -> datetime.date:
    days = RANGES[key]
    if days is None:
        earliest = first_entry or today
        return min(earliest, today - datetime.timedelta(days=MIN_ALL_DAYS - 1))
    return today - datetime.timedelta(days=days - 1)


def review(
    patient: Patient, range_key: str, now: datetime.datetime | None = None, language: str = "en"
) -> Review:
    """Everything the patient page shows for ``range_key`` (a key of ``RANGES``)."""
    now = now or timezone.now()
    range_key = range_key if range_key in RANGES else "3m"
    today = DayRules.for_patient(patient).offered_day(now)
    records = clinical_records([patient.pk])[patient.pk]
    first_entry = (
        DiaryEntry.objects.filter(patient=patient).order_by("date").values_list("date", flat=True)
    ).first()
    start = range_start(range_key, today, first_entry)
    load_from = min(start - datetime.timedelta(days=6), earliest_day(records, today))
    days = patient_days([patient], load_from, today)[patient.pk]
    entries, total = _entries(patient, start, today)
    return Review(
        patient=patient,
        range_key=range_key,
        start=start,
        today=today,
        instrument=days.current,
        series=days.series(start, today),
        days=days,
        records=records,
        periods=period_table(days, records, today),
        alerts=_alerts(patient),
        entries=entries,
        entries_total=total,
        notes=carer_notes([patient.pk], start)[patient.pk],
        heat_start=max(start, today - datetime.timedelta(days=HEAT_MAP_MAX_DAYS - 1)),
    )


def _alerts(patient: Patient) -> list[Alert]:
    """Open first, then acknowledged, then the 20 most recent resolved alerts."""
    order = Case(
        When(status=Alert.Status.OPEN, then=Value(0)),
        When(status=Alert.Status.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    alerts = (
        Alert.objects.filter(patient=patient)
        .select_related("acknowledged_by", "resolved_by")
        .annotate(order=order)
        .order_by("order", "-opened_at", "-pk")
    )
    unresolved = [a for a in alerts if a.status != Alert.Status.RESOLVED]
    resolved = [a for a in alerts if a.status == Alert.Status.RESOLVED][:20]
    return unresolved + resolved


def _entries(
    patient: Patient, start: datetime.date, end: datetime.date
) -> tuple[list[EntryRow], int]:
    """The newest entries of the range (at most ``ENTRIES_SHOWN``) with all their versions.

    Each version carries ``item_scores``, its (item code, score) pairs in the order they were
    stored: read as plain rows, the scores of 60 entries cost a fraction of the model
    instances a ``prefetch_related`` would build.
    """
    in_range = DiaryEntry.objects.filter(patient=patient, date__gte=start, date__lte=end)
    total = in_range.count()
    entries = list(in_range.order_by("-date")[:ENTRIES_SHOWN])
    if not entries:
        return [], total
    # The entries shown are the patient's days from the oldest shown to ``end`` (one entry a
    # day): their versions and scores are read by that range, through the entries' index.
    oldest = entries[-1].date
    versions: dict[int, list[EntryVersion]] = {entry.pk: [] for entry in entries}
    by_id: dict[int, EntryVersion] = {}
    for version in (
        EntryVersion.objects.filter(
            entry__patient_id=patient.pk, entry__date__gte=oldest, entry__date__lte=end
        )
        .select_related("entered_by")
        .order_by("entry_id", "number")
    ):
        version.item_scores = []  # type: ignore[attr-defined]
        versions[version.entry_id].append(version)
        by_id[version.pk] = version
    scores = ItemScore.objects.filter(
        version__entry__patient_id=patient.pk,
        version__entry__date__gte=oldest,
        version__entry__date__lte=end,
    )
    for version_id, code, score in scores.order_by("pk").values_list(
        "version_id", "item_code", "score"
    ):
        by_id[version_id].item_scores.append((code, score))  # type: ignore[attr-defined]
    rows = []
    for entry in entries:
        for version in versions[entry.pk]:
            version.entry = entry
        if versions[entry.pk]:
            rows.append(EntryRow(entry, versions[entry.pk]))
    return rows, total
