"""A patient's audit trail as an inspector reads it: every change of every clinical record.

Sources, one query each whatever the number of records (so the page's query count is bounded):
the simple-history tables of the patient, their identity (which fields changed, never the
values), their carer links, alerts and clinical records
(treatment courses, measurements, steroid doses, PGA assessments, appointments, study
periods); the append-only diary versions with their item scores (each version is a change of
its entry, the previous version holds the old values); and, on PostgreSQL, the database's own
journal (``RawChange``) of row changes to those tables, origin ``database``.

Each event says who (user and role), when (UTC), what (model and object), the action
(created, changed, deleted), the old and new value of each changed field, the reason and the
origin. Events are merged and sorted by time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

from clinicians.alerts.models import Alert
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.models import CarerLink, EntryVersion, ItemScore, Patient, PatientIdentity, RawChange

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
RAW_ACTIONS = {"INSERT": "created", "UPDATE": "changed", "DELETE": "deleted"}
# Tracked models whose rows concern one patient through a ``patient`` foreign key.
PATIENT_MODELS: tuple[type[Model], ...] = (
    CarerLink,
    Alert,
    TreatmentCourse,
    Measurement,
    SteroidDose,
    PGAAssessment,
    Appointment,
    StudyPeriod,
)
RAW_PATIENT_TABLES = tuple(model._meta.db_table for model in (*PATIENT_MODELS, PatientIdentity))
# The identity's history says which fields changed, never their values.
NOT_RECORDED = "(not recorded)"
VERSION_FIELDS = ("temperature_c", "sleep_hours", "notes")
ORIGIN_DATABASE = "database"
COLUMNS = ["at", "user", "role", "origin", "model", "object", "action", "changes", "reason"]


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditEvent:
    at: datetime.datetime
    user: str
    role: str
    origin: str
    model: str
    object: str
    action: str
    reason: str
    changes: tuple[Change, ...] = field(default=())

    @property
    def at_iso(self) -> str:
        return self.at.astimezone(datetime.UTC).isoformat()

    @property
    def changes_text(self) -> str:
        return "; ".join(f"{c.field}: {c.old} → {c.new}" for c in self.changes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at_iso,
            "user": self.user,
            "role": self.role,
            "origin": self.origin,
            "model": self.model,
            "object": self.object,
            "action": self.action,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "reason": self.reason,
        }

    def as_row(self) -> dict[str, object]:
        return {**self.as_dict(), "changes": self.changes_text}


@dataclass(frozen=True)
class PatientAudit:
    patient: Patient
    events: list[AuditEvent]
    database_events: list[AuditEvent]

    @property
    def all_events(self) -> list[AuditEvent]:
        return _sorted([*self.events, *self.database_events])


def patient_audit(patient: Patient) -> PatientAudit:
    """Every recorded change concerning ``patient``, oldest first (a bounded number of queries)."""
    events: list[AuditEvent] = []
    events.extend(_history_events(Patient, Patient.history.filter(id=patient.pk)))
    events.extend(_identity_events(PatientIdentity.history.filter(patient_id=patient.pk)))
    for model in PATIENT_MODELS:
        events.extend(_history_events(model, model.history.filter(patient_id=patient.pk)))
    events.extend(_diary_events(patient))
    return PatientAudit(patient, _sorted(events), _sorted(_database_events(patient)))


def _sorted(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    return sorted(events, key=lambda event: event.at)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _history_events(model: type[Model], history: Any) -> list[AuditEvent]:
    rows = list(history.select_related("history_user").order_by("history_date", "history_id"))
    if not rows:
        return []
    fields = [f.attname for f in rows[0].tracked_fields]
    name = model._meta.verbose_name.capitalize()
    previous: dict[Any, Any] = {}
    events = []
    for row in rows:
        before = previous.get(row.id)
        action = ACTIONS.get(row.history_type, row.history_type)
        changes: list[Change] = []
        for attname in fields:
            new = "" if action == "deleted" else _text(getattr(row, attname))
            old = _text(getattr(before, attname)) if before is not None else ""
            if old != new:
                changes.append(Change(attname, old, new))
        previous[row.id] = row
        events.append(_history_event(row, name, changes))
    return events


def _identity_events(history: Any) -> list[AuditEvent]:
    rows = history.select_related("history_user").order_by("history_date", "history_id")
    name = PatientIdentity._meta.verbose_name.capitalize()
    events = []
    for row in rows:
        fields = row.history_changed_fields.split()
        changes = [Change(field, NOT_RECORDED, NOT_RECORDED) for field in fields]
        events.append(_history_event(row, name, changes))
    return events


def _history_event(row: Any, model_name: str, changes: Sequence[Change]) -> AuditEvent:
    user = row.history_user
    return AuditEvent(
        at=row.history_date,
        user=user.get_username() if user is not None else "",
        role=row.history_role,
        origin=row.history_origin,
        model=model_name,
        object=f"#{row.id}",
        action=ACTIONS.get(row.history_type, row.history_type),
        reason=row.history_change_reason or "",
        changes=tuple(changes),
    )


def _diary_events(patient: Patient) -> list[AuditEvent]:
    versions = list(
        EntryVersion.objects.filter(patient=patient)
        .select_related("entry", "entered_by")
        .order_by("entry_id", "number")
    )
    scores: dict[int, dict[str, str]] = defaultdict(dict)
    for version_id, code, score in ItemScore.objects.filter(version__patient=patient).values_list(
        "version_id", "item_code", "score"
    ):
        scores[version_id][f"item_{code}"] = _text(score)
    events = []
    previous: dict[int, dict[str, str]] = {}
    for version in versions:
        values = {name: _text(getattr(version, name)) for name in VERSION_FIELDS}
        values.update(scores[version.pk])
        before = previous.get(version.entry_id, {})
        changes = tuple(
            Change(name, before.get(name, ""), values.get(name, ""))
            for name in sorted(set(values) | set(before), key=_field_order)
            if before.get(name, "") != values.get(name, "")
        )
        previous[version.entry_id] = values
        events.append(
            AuditEvent(
                at=version.received_at,
                user=version.entered_by.get_username(),
                role=version.entered_by_role,
                origin=f"diary:{version.source}",
                model="Diary entry",
                object=f"{version.entry.date.isoformat()} v{version.number}",
                action="created" if version.number == 1 else "changed",
                reason=version.reason,
                changes=changes,
            )
        )
    return events


def _field_order(name: str) -> tuple[int, str]:
    return (0 if name.startswith("item_") else 1, name)


def _database_events(patient: Patient) -> list[AuditEvent]:
    pk = patient.pk
    concerning = (
        Q(table_name=Patient._meta.db_table) & (Q(old_row__id=pk) | Q(new_row__id=pk))
    ) | (
        Q(table_name__in=RAW_PATIENT_TABLES)
        & (Q(old_row__patient_id=pk) | Q(new_row__patient_id=pk))
    )
    events = []
    for change in RawChange.objects.filter(concerning).order_by("at", "id"):
        old = change.old_row or {}
        new = change.new_row or {}
        events.append(
            AuditEvent(
                at=change.at,
                user=change.db_user,
                role=ORIGIN_DATABASE,
                origin=ORIGIN_DATABASE,
                model=change.table_name,
                object=f"#{new.get('id', old.get('id', ''))}",
                action=RAW_ACTIONS.get(change.operation, change.operation.lower()),
                reason=f"txid {change.txid}" if change.txid is not None else "",
                changes=_row_changes(old, new),
            )
        )
    return events


def _row_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    names: Sequence[str] = sorted(set(old) | set(new))
    return tuple(
        Change(name, _text(old.get(name)), _text(new.get(name)))
        for name in names
        if _text(old.get(name)) != _text(new.get(name))
    )
