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
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring
from diary.access import role_for
from diary.audit import ROLE_CARER, ROLE_CLINIC_ADMIN, ROLE_CLINICIAN
from diary.daily_scores import record_changed_days
from diary.days import DayRules
from diary.instruments import current_instrument
from diary.models import (
    NOTES_MAX_LENGTH,
    DiaryEntry,
    EntryVersion,
    ItemScore,
    Patient,
    Role,
    Source,
    Timeliness,
)

SAME_DAY_EDIT_REASON = "same-day edit"
# How far a device's clock may run ahead of the server's before a capture time "after" its
# receipt is refused rather than believed (docs/api.md).
CAPTURE_CLOCK_SKEW = datetime.timedelta(minutes=5)


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
    role = _entry_role(user, patient)
    instrument = current_instrument(patient)
    values = _validated_values(instrument, submission)
    _check_capture_time(submission.captured_at, now)
    fingerprint = _fingerprint(submission.date, values, submission.captured_at)
    try:
        timeliness = _check_day(patient, submission.date, role, source, reason, now)
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
    role = _entry_role(user, patient)
    rules = DayRules.for_patient(patient)
    reason = reason.strip()
    _check_source(role, source, reason)
    if role == Role.CARER and rules.is_locked(entry.date, now):
        raise ValidationError({"date": _("This day is locked; ask the care team to correct it.")})
    if not reason:
        if not rules.is_on_time(entry.date, now):
            raise ValidationError({"reason": "A reason is required to correct a past day."})
        reason = SAME_DAY_EDIT_REASON
    instrument = current_instrument(patient)
    values = _validated_values(instrument, submission)
    _check_capture_time(submission.captured_at, now)
    fingerprint = ""
    if idempotency_key is not None:
        fingerprint = _fingerprint(entry.date, {**values, "reason": reason}, submission.captured_at)
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


def _entry_role(user: Any, patient: Patient) -> str:
    role = role_for(user, patient)
    return Role.CLINICIAN if role in (ROLE_CLINICIAN, ROLE_CLINIC_ADMIN) else ROLE_CARER


def _check_day(
    patient: Patient,
    day: datetime.date,
    role: str,
    source: str,
    reason: str,
    now: datetime.datetime,
) -> str:
    rules = DayRules.for_patient(patient)
    if rules.is_future(day, now):
        raise ValidationError({"date": _("This day has not started yet.")})
    if day < patient.date_of_birth:
        raise ValidationError({"date": _("This day is before the patient's date of birth.")})
    _check_source(role, source, reason)
    if source == Source.PAPER:
        return Timeliness.TRANSCRIBED
    if rules.is_locked(day, now):
        raise ValidationError(
            {"date": _("This day is locked; the care team can transcribe a paper diary for it.")}
        )
    return Timeliness.ON_TIME if rules.is_on_time(day, now) else Timeliness.LATE


def _check_source(role: str, source: str, reason: str) -> None:
    """Carers write from the web, the offline queue or the API; only clinic staff transcribe."""
    if source not in Source.values:
        raise ValidationError(
            {
                "source": _("Source must be one of %(sources)s.")
                % {"sources": ", ".join(Source.values)}
            }
        )
    if source == Source.PAPER:
        if role != Role.CLINICIAN:
            raise ValidationError({"source": _("Only clinic staff may transcribe paper diaries.")})
        if not reason.strip():
            raise ValidationError(
                {"reason": _("A reason is required to transcribe a paper diary.")}
            )


def _check_capture_time(
    captured_at: datetime.datetime | None, received_at: datetime.datetime
) -> None:
    """A capture time later than the receipt, beyond the device clock's allowed lead, is false."""
    if captured_at is not None and captured_at - received_at > CAPTURE_CLOCK_SKEW:
        minutes = int(CAPTURE_CLOCK_SKEW.total_seconds() // 60)
        raise ValidationError(
            {
                "captured_at": _(
                    "This is more than %(minutes)s minutes after the server received it; check "
                    "the device's clock."
                )
                % {"minutes": minutes}
            }
        )


def _validated_values(instrument: scoring.Instrument, submission: Submission) -> dict[str, Any]:
    """Check every field against the instrument; derive fever and sleep scores from raw values."""
    errors: dict[str, str] = {}
    if not isinstance(submission.scores, Mapping):
        raise ValidationError(
            {"scores": _("Scores must be an object of item code to 0–4 or null.")}
        )
    scores: dict[str, int | None] = dict.fromkeys(instrument.item_codes)
    for code, value in submission.scores.items():
        if code not in scores:
            errors[f"scores.{code}"] = _("Unknown item %(code)r for this diary.") % {"code": code}
        elif value is not None and (type(value) is not int or not 0 <= value <= 4):
            errors[f"scores.{code}"] = _("A score is a whole number from 0 to 4, or null.")
        else:
            scores[code] = value
    temperature = _decimal(submission.temperature_c, "temperature_c", errors, places=1)
    sleep = _decimal(submission.sleep_hours, "sleep_hours", errors, places=2)
    if temperature is not None and not errors:
        try:
            fever = instrument.fever_score(temperature)
        except ValueError as error:
            errors["temperature_c"] = str(error)
        else:
            if "fever" in scores and scores["fever"] is None:
                scores["fever"] = fever
    if sleep is not None and not errors:
        if instrument.sleep_bands is None:
            errors["sleep_hours"] = _("Sleep hours are not part of this diary.")
        else:
            try:
                derived = instrument.sleep_score(sleep)
            except ValueError as error:
                errors["sleep_hours"] = str(error)
            else:
                if scores.get("sleep") is None:
                    scores["sleep"] = derived
    notes = submission.notes or ""
    if not isinstance(notes, str):
        errors["notes"] = _("Notes must be text.")
    elif len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = _("Notes are limited to %(n)s characters.") % {"n": NOTES_MAX_LENGTH}
    elif "\x00" in notes:
        errors["notes"] = _("Notes must not contain NUL characters.")
    if errors:
        raise ValidationError(errors)
    return {"scores": scores, "temperature_c": temperature, "sleep_hours": sleep, "notes": notes}


def _decimal(value: Any, field: str, errors: dict[str, str], *, places: int) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = _("Must be a number.")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = _("Must be a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Must be a finite number.")
        return None
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        errors[field] = _("Give at most %(places)s decimal place(s).") % {"places": places}
        return None
    return number


def _fingerprint(
    day: datetime.date, values: Mapping[str, Any], captured_at: datetime.datetime | None
) -> str:
    canonical = {
        "date": day.isoformat(),
        "scores": values["scores"],
        "temperature_c": None if values["temperature_c"] is None else str(values["temperature_c"]),
        "sleep_hours": None if values["sleep_hours"] is None else str(values["sleep_hours"]),
        "notes": values["notes"],
        "captured_at": captured_at.isoformat() if captured_at else None,
    }
    if "reason" in values:  # corrections: the reason is part of what is being recorded
        canonical["reason"] = values["reason"]
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


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
    version = _version_row(**fields)
    version.save(force_insert=True)
    ItemScore.objects.bulk_create(_item_rows(version, fields["values"]))
    return version


def _version_row(
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


def _item_rows(version: EntryVersion, values: Mapping[str, Any]) -> list[ItemScore]:
    return [
        ItemScore(version=version, item_code=code, score=score)
        for code, score in values["scores"].items()
    ]
