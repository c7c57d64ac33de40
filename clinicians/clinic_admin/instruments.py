"""A clinic's diary: the threshold profile it adopts and its own instrument versions.

A change is always a new instrument version (entries keep the version they were captured with,
SPEC §1), checked, written in one transaction and audited like every clinic admin change.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import scoring
from clinicians.clinic_admin.services import audit_as_admin, check_admin
from diary.clinics import Clinic, ThresholdProfile
from diary.instruments import instrument_version
from diary.models import Disease, InstrumentDefinition

GENERIC_ANCHORS = {
    "en": ("none", "mild", "moderate", "severe", "very severe"),
    "ja": ("なし", "軽い", "中くらい", "強い", "とても強い"),
}


def clinic_instrument(clinic: Clinic, disease: str) -> scoring.Instrument:
    """The instrument a new entry of ``disease`` at ``clinic`` is captured with."""
    version = (
        InstrumentDefinition.objects.filter(clinic=clinic, disease=disease)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        return scoring.instrument_for(disease)
    return instrument_version(disease, version)


def set_threshold_profile(*, clinic: Clinic, admin: Any, profile: str) -> list[int]:
    """Adopt a threshold profile: a new instrument version for each disease whose control
    threshold changes. Returns the new version numbers."""
    check_admin(admin, clinic)
    if profile not in ThresholdProfile.values:
        raise ValidationError({"profile": _("Unknown threshold profile.")})
    created = []
    with audit_as_admin(admin, f"threshold profile {profile}"), transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=clinic.pk).update(threshold_profile=profile)
        clinic.threshold_profile = profile
        for disease in Disease.values:
            base = clinic_instrument(clinic, disease)
            if base.control_threshold == scoring.THRESHOLD_PROFILES[profile][disease]:
                continue
            version = _next_version(disease)
            derived = scoring.derive_instrument(base, version=version, threshold_profile=profile)
            _store(clinic, derived)
            created.append(version)
    return created


def create_instrument_version(
    *,
    clinic: Clinic,
    admin: Any,
    disease: str,
    reason: str,
    control_threshold: Fraction | None = None,
    fever_bounds: Sequence[Decimal] | None = None,
    sleep_bounds: Sequence[Decimal] | None = None,
    extra_item: scoring.Item | None = None,
) -> scoring.Instrument:
    """Store a clinic override of ``disease``'s diary as the next instrument version."""
    check_admin(admin, clinic)
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why the diary changes.")})
    base = clinic_instrument(clinic, disease)
    if control_threshold == base.control_threshold:
        control_threshold = None
    with audit_as_admin(admin, reason.strip()), transaction.atomic():
        try:
            fever = None if fever_bounds is None else scoring.FeverBands(tuple(fever_bounds))
            sleep = None if sleep_bounds is None else scoring.SleepBands(tuple(sleep_bounds))
            instrument = scoring.derive_instrument(
                base,
                version=_next_version(disease),
                control_threshold=control_threshold,
                fever_bands=fever,
                sleep_bands=sleep,
                extra_items=() if extra_item is None else (extra_item,),
            )
        except ValueError as error:
            raise ValidationError(str(error)) from None
        _store(clinic, instrument)
    return instrument


def generic_item(code: str, label_en: str, label_ja: str = "") -> scoring.Item:
    """An extra diary item with the generic 0-4 anchors (none … very severe)."""
    labels = {"en": label_en.strip()}
    anchors = {"en": GENERIC_ANCHORS["en"]}
    if label_ja.strip():
        labels["ja"] = label_ja.strip()
        anchors["ja"] = GENERIC_ANCHORS["ja"]
    try:
        return scoring.Item(code=code.strip(), labels=labels, anchors=anchors)
    except ValueError as error:
        raise ValidationError({"code": str(error)}) from None


def _next_version(disease: str) -> int:
    # Versions are numbered per disease across all clinics; the unique constraint on
    # (disease, version) turns a concurrent duplicate into an error rather than a shared number.
    builtin = max(i.version for i in scoring.BUILTIN_INSTRUMENTS[disease])
    stored = (
        InstrumentDefinition.objects.select_for_update()
        .filter(disease=disease)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return max(builtin, stored or 0) + 1


def _store(clinic: Clinic, instrument: scoring.Instrument) -> InstrumentDefinition:
    try:
        with transaction.atomic():
            return InstrumentDefinition.objects.create(
                disease=instrument.disease,
                version=instrument.version,
                clinic=clinic,
                definition=instrument.to_dict(),
            )
    except IntegrityError:
        raise ValidationError(_("Another diary change was saved at the same time.")) from None
