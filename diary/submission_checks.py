"""The checks every diary write makes before it writes anything (``diary.services`` and
``diary.entry_batches``): who may write the day, which source, the capture time, each value
against the instrument, and the fingerprint that makes a replay recognisable.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import scoring
from diary.access import role_for
from diary.audit import ROLE_CARER, ROLE_CLINIC_ADMIN, ROLE_CLINICIAN
from diary.days import DayRules
from diary.models import NOTES_MAX_LENGTH, Patient, Role, Source, Timeliness

if TYPE_CHECKING:
    from diary.services import Submission

# How far a device's clock may run ahead of the server's before a capture time "after" its
# receipt is refused rather than believed (docs/api.md).
CAPTURE_CLOCK_SKEW = datetime.timedelta(minutes=5)


def entry_role(user: Any, patient: Patient) -> str:
    role = role_for(user, patient)
    return Role.CLINICIAN if role in (ROLE_CLINICIAN, ROLE_CLINIC_ADMIN) else ROLE_CARER


def check_day(
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
    check_source(role, source, reason)
    if source == Source.PAPER:
        return Timeliness.TRANSCRIBED
    if rules.is_locked(day, now):
        raise ValidationError(
            {"date": _("This day is locked; the care team can transcribe a paper diary for it.")}
        )
    return Timeliness.ON_TIME if rules.is_on_time(day, now) else Timeliness.LATE


def check_source(role: str, source: str, reason: str) -> None:
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


def check_capture_time(
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


def validated_values(instrument: scoring.Instrument, submission: Submission) -> dict[str, Any]:
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


def request_fingerprint(
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
