"""Evaluate patients' diary days with ``scoring.evaluate_alerts`` and store the alerts.

The diaries are read through ``diary.selectors.versioned_days`` and ``current_instruments``,
the reads the stored 7-day DDS is computed from, one query each per batch, and each window is
scored with the instrument ``scoring.window_version`` names, as the stored DDS is, so an alert
agrees with the DDS a clinician sees. Each patient is evaluated with their clinic's alert rules
in force for the night of the day evaluated (``clinicians.alerts.rules``). Every evaluated
(patient, day) gets a ``PatientEvaluation`` row, so a day is evaluated once however often the
night is run. Alerts
are inserted only where no unresolved alert of the same rule exists; the database's partial
unique constraint settles a race with another worker. Nothing here sends anything.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

import scoring
from clinicians.alerts.models import Alert
from clinicians.alerts.rules import rules_in_force
from clinicians.nightly.models import PatientEvaluation
from clinicians.nightly.reads import diary_start, temperatures_on
from diary.audit import ROLE_SYSTEM, audit_context
from diary.days import ONE_DAY
from diary.instruments import current_instruments
from diary.models import Patient
from diary.selectors import (
    WINDOW_SPAN,
    StoredDay,
    versioned_days,
    versioned_series,
    window_instrument,
)

logger = logging.getLogger(__name__)

ORIGIN = "nightly"
# evaluate_alerts reads the 14 diary days up to the day evaluated, no more.
LOOKBACK = datetime.timedelta(days=13)
GAP_REMINDER = scoring.AlertRule.DIARY_GAP_REMINDER
GAP_RULES = {scoring.AlertRule.DIARY_GAP_REMINDER, scoring.AlertRule.DIARY_GAP}
UNRESOLVED = [Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]

Findings = Mapping[int, tuple[scoring.AlertFinding, ...]]


@dataclass(frozen=True)
class BatchResult:
    evaluated: int
    alerts_opened: int


def evaluate_patients(
    patient_ids: Sequence[int], day: datetime.date, *, now: datetime.datetime
) -> BatchResult:
    """Evaluate ``day`` for each active patient in ``patient_ids`` not yet evaluated for it."""
    patients = _to_evaluate(patient_ids, day)
    if not patients:
        return BatchResult(0, 0)
    findings = find_alerts(patients, day)
    patients = [patient for patient in patients if patient.pk in findings]
    if not patients:
        return BatchResult(0, 0)
    try:
        with transaction.atomic(), audit_context(role=ROLE_SYSTEM, origin=ORIGIN):
            return _store(patients, day, findings, now)
    except IntegrityError:
        # Another worker evaluated some of these patients, or opened one of these alerts from
        # another day's evaluation, at the same moment: store each patient on its own.
        logger.info("nightly: batch race on %s, storing patient by patient", day.isoformat())
        return _store_one_by_one(patients, day, findings, now)


def find_alerts(patients: Sequence[Patient], day: datetime.date) -> Findings:
    """The rules that fire for each patient on ``day``, from four queries for the batch."""
    ids = [patient.pk for patient in patients]
    current = current_instruments(patients)
    stored = versioned_days(ids, day - LOOKBACK, day)
    temperatures = temperatures_on(ids, day)
    rules = rules_in_force({patient.clinic_id for patient in patients}, day)
    findings = {}
    for patient in patients:
        days = stored.get(patient.pk, {})
        instrument = window_instrument(
            patient.disease, current[patient.pk], days, day - WINDOW_SPAN, day
        )
        try:
            findings[patient.pk] = scoring.evaluate_alerts(
                instrument,
                scoring.read_under(instrument, {d: s.scores for d, s in days.items()}),
                day,
                temperatures={day: temperatures.get(patient.pk)},
                previous_status=_previous_status(
                    patient, current[patient.pk], days, day, instrument
                ),
                diary_start=diary_start(patient),
                settings=rules[patient.clinic_id],
            )
        except ValueError as error:
            # Data the rules refuse: this patient stays unevaluated (the night stays
            # incomplete and the health check says so); the rest of the batch goes on.
            logger.error(
                "nightly: patient %s not evaluated for %s (%s)",
                patient.pk,
                day.isoformat(),
                type(error).__name__,
            )
    return findings


def _previous_status(
    patient: Patient,
    current: scoring.Instrument,
    days: Mapping[datetime.date, StoredDay],
    day: datetime.date,
    instrument: scoring.Instrument,
) -> scoring.Status | None:
    """The day before's status when a different version scores it, else None (computed by
    ``evaluate_alerts`` with the same instrument)."""
    before = day - ONE_DAY
    governing = window_instrument(patient.disease, current, days, before - WINDOW_SPAN, before)
    if governing.version == instrument.version:
        return None
    [dds] = versioned_series(patient.disease, current, days, before, before)
    return dds.score.status


def _to_evaluate(patient_ids: Sequence[int], day: datetime.date) -> list[Patient]:
    done = PatientEvaluation.objects.filter(patient_id__in=list(patient_ids), date=day)
    return list(
        Patient.objects.filter(pk__in=list(patient_ids), is_active=True)
        .exclude(pk__in=done.values("patient_id"))
        .only("pk", "clinic_id", "disease", "time_zone", "created_at")
        .order_by("pk")
    )


def _store(
    patients: Sequence[Patient],
    day: datetime.date,
    findings: Findings,
    now: datetime.datetime,
) -> BatchResult:
    ids = [patient.pk for patient in patients]
    PatientEvaluation.objects.bulk_create(
        PatientEvaluation(patient_id=pk, date=day, evaluated_at=now, findings=len(findings[pk]))
        for pk in ids
    )
    unresolved = set(
        Alert.objects.filter(patient_id__in=ids, status__in=UNRESOLVED).values_list(
            "patient_id", "rule"
        )
    )
    alerts = [
        _alert(pk, finding, day, now)
        for pk in ids
        for finding in findings[pk]
        if (pk, str(finding.rule)) not in unresolved
    ]
    bulk_create_with_history(
        alerts,
        Alert,
        default_date=now,
        default_change_reason="opened by the nightly evaluation",
        custom_historical_attrs={"history_role": ROLE_SYSTEM, "history_origin": ORIGIN},
    )
    _close_cleared_gap_reminders(ids, day, findings, now)
    return BatchResult(len(ids), len(alerts))


def _store_one_by_one(
    patients: Sequence[Patient],
    day: datetime.date,
    findings: Findings,
    now: datetime.datetime,
) -> BatchResult:
    evaluated = opened = 0
    for patient in patients:
        pk = patient.pk
        try:
            with transaction.atomic(), audit_context(role=ROLE_SYSTEM, origin=ORIGIN):
                PatientEvaluation.objects.create(
                    patient_id=pk, date=day, evaluated_at=now, findings=len(findings[pk])
                )
                opened += sum(_open_alert(pk, finding, day, now) for finding in findings[pk])
                _close_cleared_gap_reminders([pk], day, findings, now)
        except IntegrityError:
            continue  # this patient's day was evaluated by someone else
        evaluated += 1
    return BatchResult(evaluated, opened)


def _open_alert(
    patient_id: int, finding: scoring.AlertFinding, day: datetime.date, now: datetime.datetime
) -> bool:
    try:
        with transaction.atomic():
            _alert(patient_id, finding, day, now).save()
    except IntegrityError:
        return False  # the same condition is already open
    return True


def _alert(
    patient_id: int, finding: scoring.AlertFinding, day: datetime.date, now: datetime.datetime
) -> Alert:
    return Alert(
        patient_id=patient_id,
        rule=str(finding.rule),
        audience=str(finding.audience),
        diary_date=day,
        reason=finding.reason,
        details=dict(finding.details),
        opened_at=now,
    )


def _close_cleared_gap_reminders(
    patient_ids: Iterable[int], day: datetime.date, findings: Findings, now: datetime.datetime
) -> None:
    """Resolve carers' diary-gap reminders once entries arrive again.

    Nobody on the care team handles an alert addressed to carers, so the nightly job resolves
    it when the gap has closed; the next gap can then remind the carers again. Alerts for the
    care team are resolved by clinicians only.
    """
    cleared = [pk for pk in patient_ids if not any(f.rule in GAP_RULES for f in findings[pk])]
    stale = Alert.objects.filter(
        patient_id__in=cleared, rule=GAP_REMINDER, status__in=UNRESOLVED, diary_date__lte=day
    )
    for alert in stale:
        alert.status = Alert.Status.RESOLVED
        alert.resolved_at = now
        alert.resolution_note = f"Diary entries resumed (evaluation of {day.isoformat()})."
        alert.save(update_fields=["status", "resolved_at", "resolution_note"])
