"""Writes to the diary. Every accepted value goes through ``submit_entry`` or ``correct_entry``
(or ``diary.entry_batches.submit_entries``, which stores many days with these same checks).

Both validate everything before writing anything, write in one transaction (with the stored
7-day DDS the entry changes, ``diary.daily_scores``), and record who, in which role, from which
source, when (client capture and server receipt) and why.
``submit_entry`` is idempotent per (patient, Idempotency-Key): a replay of the same body
returns the original entry, a different body under the same key is refused, and two racing
submissions for the same day leave exactly one entry (the database decides, not the code).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring
from diary.daily_scores import record_changed_days
from diary.days import DayRules
from diary.instruments import current_instrument
from diary.models import (
    DiaryEntry,
    EntryVersion,
    ItemScore,
    Patient,
    Role,
)
from diary.submission_checks import (
    check_capture_time,
    check_day,
    check_source,
    entry_role,
    request_fingerprint,
    validated_values,
)

SAME_DAY_EDIT_REASON = "same-day edit"


class EntryExists(Exception):
    """A different submission already created the entry for this day (HTTP 409)."""

    def __init__(self, entry: DiaryEntry) -> None:
        super().__init__(f"Entry {entry.pk} already exists for this day.")
        self.entry = entry


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was already used with a different body (HTTP 422)."""


@dataclass(frozen=True)
class Submission:
    """What a carer or clinician sends for one day (already parsed, not yet validated)."""

    date: datetime.date
    scores: Mapping[str, Any]
    temperature_c: Any = None
    sleep_hours: Any = None
    notes: str = ""
    captured_at: datetime.datetime | None = None


@dataclass(frozen=True)
class SubmitResult:
    entry: DiaryEntry
    version: EntryVersion
    replayed: bool


def submit_entry(
    *,
    patient: Patient,
    user: Any,
    submission: Submission,
    source: str,
    idempotency_key: UUID | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> SubmitResult:
    """Create the diary entry for ``submission.date`` with its first version."""
    now = now or timezone.now()
    role = entry_role(user, patient)
    instrument = current_instrument(patient)
    values = validated_values(instrument, submission)
    check_capture_time(submission.captured_at, now)
    fingerprint = request_fingerprint(submission.date, values, submission.captured_at)
    try:
        timeliness = check_day(patient, submission.date, role, source, reason, now)
    except ValidationError:
        # A retry of an entry accepted earlier answers with it, even once its day is locked.
        replay = _replay(patient, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay
    # No lookups first: the database's unique constraints on (patient, day) and (patient,
    # key) decide, and only a refused insert reads what is already there (a replay or 409).
    try:
        with transaction.atomic():
            entry = DiaryEntry.objects.create(
                patient=patient, date=submission.date, timeliness=timeliness, created_at=now
            )
            version = _write_version(
                entry=entry,
                number=1,
                values=values,
                instrument=instrument,
                user=user,
                role=role,
                source=source,
                captured_at=submission.captured_at,
                received_at=now,
                reason=reason,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
            )
            record_changed_days(patient, [entry.date])
    except IntegrityError:
        # This key or this day is taken (a retry, a concurrent request, or another submission
        # for the day): report what is stored.
        if idempotency_key is not None:
            replay = _replay(patient, idempotency_key, fingerprint)
            if replay is not None:
                return replay
        existing = DiaryEntry.objects.filter(patient=patient, date=submission.date).first()
        if existing is None:
            raise
        raise EntryExists(existing) from None
    return SubmitResult(entry, version, replayed=False)


def correct_entry(
    *,
    entry: DiaryEntry,
    user: Any,
    submission: Submission,
    source: str,
    reason: str = "",
    idempotency_key: UUID | None = None,
    now: datetime.datetime | None = None,
) -> SubmitResult:
    """Record a corrected version of ``entry``; earlier versions stay as they are.

    With an ``idempotency_key``, a retry of the same correction (same key, same content and
    reason) returns the version the first attempt recorded instead of adding another; the key
    with other content, or a key already used for another entry, is refused.
    """
    now = now or timezone.now()
    patient = entry.patient
    role = entry_role(user, patient)
    rules = DayRules.for_patient(patient)
    reason = reason.strip()
    check_source(role, source, reason)
    if role == Role.CARER and rules.is_locked(entry.date, now):
        raise ValidationError({"date": _("This day is locked; ask the care team to correct it.")})
    if not reason:
        if not rules.is_on_time(entry.date, now):
            raise ValidationError({"reason": "A reason is required to correct a past day."})
        reason = SAME_DAY_EDIT_REASON
    instrument = current_instrument(patient)
    values = validated_values(instrument, submission)
    check_capture_time(submission.captured_at, now)
    fingerprint = ""
    if idempotency_key is not None:
        fingerprint = request_fingerprint(
            entry.date, {**values, "reason": reason}, submission.captured_at
        )
        replay = _correction_replay(entry, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    try:
        with transaction.atomic():
            # Lock the entry so two corrections at once get consecutive version numbers.
            DiaryEntry.objects.select_for_update().filter(pk=entry.pk).first()
            last = entry.versions.order_by("-number").values_list("number", flat=True).first()
            version = _write_version(
                entry=entry,
                number=(last or 0) + 1,
                values=values,
                instrument=instrument,
                user=user,
                role=role,
                source=source,
                captured_at=submission.captured_at,
                received_at=now,
                reason=reason,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
            )
            record_changed_days(patient, [entry.date])
    except IntegrityError:
        # A concurrent retry of the same correction won: answer with what it stored.
        replay = (
            None
            if idempotency_key is None
            else _correction_replay(entry, idempotency_key, fingerprint)
        )
        if replay is None:
            raise
        return replay
    return SubmitResult(entry, version, replayed=False)


def _correction_replay(entry: DiaryEntry, key: UUID, fingerprint: str) -> SubmitResult | None:
    replay = _replay(entry.patient, key, fingerprint)
    if replay is not None and replay.entry.pk != entry.pk:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for another entry.")
    return replay


def _replay(patient: Patient, key: UUID, fingerprint: str) -> SubmitResult | None:
    version = (
        EntryVersion.objects.select_related("entry")
        .filter(patient=patient, idempotency_key=key)
        .first()
    )
    if version is None:
        return None
    if version.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was already used with a different body.")
    return SubmitResult(version.entry, version, replayed=True)


def _write_version(**fields: Any) -> EntryVersion:
    """Store version ``number`` of ``entry`` and its item scores (inside the caller's
    transaction, so a refused row leaves none of them)."""
    version = version_row(**fields)
    version.save(force_insert=True)
    ItemScore.objects.bulk_create(item_rows(version, fields["values"]))
    return version


def version_row(
    *,
    entry: DiaryEntry,
    number: int,
    values: Mapping[str, Any],
    instrument: scoring.Instrument,
    user: Any,
    role: str,
    source: str,
    captured_at: datetime.datetime | None,
    received_at: datetime.datetime,
    reason: str,
    idempotency_key: UUID | None,
    fingerprint: str,
) -> EntryVersion:
    """Version ``number`` of ``entry``, not saved yet."""
    offset = captured_at.utcoffset() if captured_at and captured_at.tzinfo else None
    return EntryVersion(
        entry=entry,
        patient_id=entry.patient_id,
        number=number,
        temperature_c=values["temperature_c"],
        sleep_hours=values["sleep_hours"],
        notes=values["notes"],
        entered_by=user,
        entered_by_role=role,
        source=source,
        captured_at=captured_at,
        captured_offset_minutes=None if offset is None else int(offset.total_seconds() // 60),
        received_at=received_at,
        instrument_version=instrument.version,
        reason=reason,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )


def item_rows(version: EntryVersion, values: Mapping[str, Any]) -> list[ItemScore]:
    return [
        ItemScore(version=version, item_code=code, score=score)
        for code, score in values["scores"].items()
    ]
