"""CSV exports of diaries (columns documented in docs/exports.md).

Two shapes: one row per entry version (every submission and correction, with who, when, why
and how) or one row per day (the latest scores, the daily score, the 7-day DDS and the
corticosteroid dose with the steroid response, including days without an entry). Item scores
are one column per item code (``item_<code>``) over the union of the exported patients'
instruments.

Spreadsheet-safe: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (or with ``'``, so the rule can be undone unambiguously) gets a leading ``'``, so a
spreadsheet shows it as text instead of running it as a formula. :func:`unescape_cell` undoes
it when reading the file back.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import scoring
from clinicians.dashboard.scores import PatientDays, patient_days
from clinicians.records.selectors import SteroidVersusBaseline, clinical_records
from diary.instruments import current_instruments, instrument_versions
from diary.models import EntryVersion, ItemScore, Patient
from diary.selectors import DayDDS, latest_versions

BATCH = 50
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
VERSION_COLUMNS = [
    "patient_reference",
    "disease",
    "date",
    "entry_id",
    "version",
    "is_latest",
    "timeliness",
    "source",
    "entered_by",
    "entered_by_role",
    "captured_at",
    "received_at",
    "instrument_version",
    "reason",
    "temperature_c",
    "sleep_hours",
    "notes",
]
DAY_COLUMNS = [
    "patient_reference",
    "disease",
    "date",
    "has_entry",
    "instrument_version",
    "items_scored",
    "daily_score",
    "dds_7d",
    "dds_status",
    "dds_observed",
    "dds_expected",
    "dds_partial",
    "dds_missing_items",
    "control_threshold",
    "steroid_prednisone_mg_per_day",
    "steroid_mg_per_kg_per_day",
    "steroid_response",
]


def safe_cell(value: object) -> str:
    """``value`` as CSV text, neutralised against formula injection."""
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_STARTS):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo :func:`safe_cell` (for reading an export back)."""
    if text.startswith("'") and text[1:].startswith(DANGEROUS_STARTS):
        return text[1:]
    return text


def item_columns(
    patients: Sequence[Patient], versions: Iterable[tuple[str, int]] = ()
) -> list[str]:
    """``item_<code>`` for every item of the patients' instruments, in diary order."""
    codes: dict[str, None] = {}
    instruments = current_instruments(patients)
    for patient in patients:
        for code in instruments[patient.pk].item_codes:
            codes[code] = None
    used = instrument_versions(versions)
    for key in sorted(used):
        for code in used[key].item_codes:
            codes[code] = None
    return [f"item_{code}" for code in codes]


def _rows_to_text(header: list[str], rows: Iterable[dict[str, object]]) -> Iterator[str]:
    """CSV text in chunks: the header, then about 200 rows at a time."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _used_versions(patients: Sequence[Patient]) -> set[tuple[str, int]]:
    return set(
        EntryVersion.objects.filter(patient__in=[p.pk for p in patients])
        .values_list("patient__disease", "instrument_version")
        .distinct()
        .order_by()
    )


def _batches(patients: Sequence[Patient]) -> Iterator[list[Patient]]:
    """Patients in groups, so a whole clinic's export never sits in memory at once."""
    for index in range(0, len(patients), BATCH):
        yield list(patients[index : index + BATCH])


def version_rows(patients: Sequence[Patient]) -> Iterator[str]:
    """One CSV row per entry version of ``patients`` (oldest day first), as text chunks."""
    items = item_columns(patients, _used_versions(patients))

    def rows() -> Iterator[dict[str, object]]:
        for batch in _batches(patients):
            yield from _version_batch(batch, items)

    return _rows_to_text(VERSION_COLUMNS + items, rows())


def _version_batch(patients: list[Patient], items: list[str]) -> Iterator[dict[str, object]]:
    by_id = {p.pk: p for p in patients}
    latest_ids = set(
        latest_versions().filter(patient_id__in=list(by_id)).values_list("pk", flat=True)
    )
    versions = (
        EntryVersion.objects.filter(patient_id__in=list(by_id))
        .select_related("entry", "entered_by")
        .order_by("patient__reference", "entry__date", "number")
    )
    scores: dict[int, dict[str, int | None]] = {}
    for version_id, code, score in (
        ItemScore.objects.filter(version__patient_id__in=list(by_id))
        .values_list("version_id", "item_code", "score")
        .order_by()
    ):
        scores.setdefault(version_id, {})[code] = score
    for v in versions:
        patient = by_id[v.patient_id]
        row: dict[str, object] = {
            "patient_reference": patient.reference,
            "disease": patient.disease,
            "date": v.entry.date.isoformat(),
            "entry_id": v.entry_id,
            "version": v.number,
            "is_latest": "yes" if v.pk in latest_ids else "no",
            "timeliness": v.entry.timeliness,
            "source": v.source,
            "entered_by": v.entered_by.username,
            "entered_by_role": v.entered_by_role,
            "captured_at": _local_iso(v),
            "received_at": v.received_at.astimezone(datetime.UTC).isoformat(),
            "instrument_version": v.instrument_version,
            "reason": v.reason,
            "temperature_c": v.temperature_c,
            "sleep_hours": v.sleep_hours,
            "notes": v.notes,
        }
        for column in items:
            row[column] = scores.get(v.pk, {}).get(column[5:])
        yield row


def _local_iso(version: EntryVersion) -> str:
    """The client's capture time with the client's own UTC offset, when it sent one."""
    if version.captured_at is None:
        return ""
    if version.captured_offset_minutes is None:
        return version.captured_at.astimezone(datetime.UTC).isoformat()
    zone = datetime.timezone(datetime.timedelta(minutes=version.captured_offset_minutes))
    return version.captured_at.astimezone(zone).isoformat()


def day_rows(
    patients: Sequence[Patient], start: datetime.date, end: datetime.date
) -> Iterator[str]:
    """One CSV row per patient and day of ``[start, end]``, as text chunks."""
    used = _used_versions(patients)
    items = item_columns(patients, used)
    own = instrument_versions(used)

    def rows() -> Iterator[dict[str, object]]:
        for batch in _batches(patients):
            loaded = patient_days(batch, start, end)
            records = clinical_records([p.pk for p in batch])
            for patient in batch:
                days = loaded[patient.pk]
                for dds in days.series(start, end):
                    steroid = records[patient.pk].steroid_versus_baseline(dds.date)
                    yield _day_row(patient, days, dds, items, own) | _steroid_cells(steroid)

    return _rows_to_text(DAY_COLUMNS + items, rows())


def _day_row(
    patient: Patient,
    days: PatientDays,
    dds: DayDDS,
    items: list[str],
    instruments: dict[tuple[str, int], scoring.Instrument],
) -> dict[str, object]:
    day, score, instrument = dds.date, dds.score, dds.instrument
    stored = days.days.get(day)
    daily = None
    if stored is not None:
        own = instruments[patient.disease, stored.instrument_version]
        known = {c: s for c, s in stored.scores.items() if c in own.index}
        daily = scoring.daily_score(own, known)
    row: dict[str, object] = {
        "patient_reference": patient.reference,
        "disease": patient.disease,
        "date": day.isoformat(),
        "has_entry": "yes" if stored is not None else "no",
        "instrument_version": "" if stored is None else stored.instrument_version,
        "items_scored": ""
        if stored is None
        else sum(1 for s in stored.scores.values() if s is not None),
        "daily_score": _number(daily),
        "dds_7d": _number(score.value),
        "dds_status": score.status.value,
        "dds_observed": score.observed,
        "dds_expected": score.expected,
        "dds_partial": "yes" if score.partial else "no",
        "dds_missing_items": " ".join(score.missing_items),
        "control_threshold": _number(instrument.control_threshold),
    }
    for column in items:
        row[column] = "" if stored is None else stored.scores.get(column[5:])
    return row


def _steroid_cells(steroid: SteroidVersusBaseline) -> dict[str, object]:
    """The day's dose, rounded for display only; the response is judged on the exact dose."""
    prednisone, per_kg = steroid.current.prednisone_mg, steroid.current.mg_per_kg
    return {
        "steroid_prednisone_mg_per_day": ""
        if prednisone is None
        else scoring.prednisone_mg_for_display(prednisone),
        "steroid_mg_per_kg_per_day": ""
        if per_kg is None
        else scoring.mg_per_kg_for_display(per_kg),
        "steroid_response": {None: "", True: "yes", False: "no"}[steroid.response],
    }


def _number(value: Fraction | None) -> str:
    """A score to three decimals, truncated like every displayed DDS (never rounded up)."""
    return "" if value is None else str(scoring.round_score(value))
