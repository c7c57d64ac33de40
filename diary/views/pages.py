"""What the carer's pages show: the context each template needs, built from the selectors.

Kept apart from the views so each view stays "validate, call, render". Words here are
translated for the reader; charts and the offline script get them already translated.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import scoring
from diary import carer_selectors, wording
from diary.access import patients_for
from diary.charts.carer import CarerChart, ChartWords, dds_chart
from diary.days import DayRules
from diary.forms import CorrectionForm, DiaryForm
from diary.instruments import current_instrument
from diary.models import CarerLink, DiaryEntry, Patient, Timeliness
from diary.selectors import instrument_of


@dataclass(frozen=True)
class SavedRow:
    label: str
    score: int | None
    anchor: str


@dataclass(frozen=True)
class OtherDay:
    date: datetime.date
    saved: bool
    late: bool
    current: bool


def language() -> str:
    return translation.get_language() or "en"


def base_context(request: HttpRequest, patient: Patient, section: str) -> dict[str, Any]:
    """What every carer page has: the patient, the child switcher and the section's name."""
    patients = list(patients_for(request.user).order_by("identity__display_name", "pk"))
    is_carer = CarerLink.objects.filter(carer_id=request.user.pk, patient=patient).exists()
    return {"patient": patient, "patients": patients, "section": section, "is_carer": is_carer}


def day_context(
    request: HttpRequest,
    patient: Patient,
    day: datetime.date,
    *,
    form: DiaryForm | None = None,
    today: bool = False,
) -> dict[str, Any]:
    now = timezone.now()
    rules = DayRules.for_patient(patient)
    instrument = current_instrument(patient)
    saved = carer_selectors.saved_entry(patient, day)
    locked = rules.is_locked(day, now)
    if form is None and saved is None and not locked:
        form = blank_form(instrument, day, rules.local_date(now))
    week = carer_selectors.trend(patient, day)
    return {
        **base_context(request, patient, "diary"),
        "day": day,
        "today_page": today,
        "saved": saved,
        "saved_rows": saved_rows(patient, saved),
        "form": form,
        "rollover_form": blank_form(instrument, day, day) if today and saved else None,
        "late": shows_late(rules, day, now, saved.entry.timeliness if saved else None),
        "locked": locked,
        "last_night": day < rules.local_date(now) and rules.is_on_time(day, now),
        "week": week,
        "week_chart": week_chart(week),
        "other_days": other_days(patient, rules, day, now),
        "offline": offline_config(request, patient, rules, instrument, day, today),
    }


def blank_form(
    instrument: scoring.Instrument, day: datetime.date, today: datetime.date
) -> DiaryForm:
    initial = DiaryForm.initial_for(day)
    return DiaryForm(initial=initial, instrument=instrument, language=language(), today=today)


def saved_rows(patient: Patient, saved: carer_selectors.SavedEntry | None) -> list[SavedRow]:
    """A saved entry's items in diary order, with the words of the chosen score."""
    if saved is None:
        return []
    instrument = instrument_of(patient, saved.version.instrument_version)
    rows = []
    for item in instrument.items:
        score = saved.scores.get(item.code)
        anchor = "" if score is None else item.anchors_in(language())[score]
        rows.append(SavedRow(item.label_in(language()), score, anchor))
    return rows


def other_days(
    patient: Patient, rules: DayRules, current: datetime.date, now: datetime.datetime
) -> list[OtherDay]:
    """The days still open to the carer, newest first, marked saved or late."""
    return [
        OtherDay(
            day, timeliness is not None, shows_late(rules, day, now, timeliness), day == current
        )
        for day, timeliness in carer_selectors.open_days_with_entries(patient, now)
    ]


def shows_late(
    rules: DayRules, day: datetime.date, now: datetime.datetime, timeliness: str | None
) -> bool:
    """The "late" tag: a saved day carries the timeliness stored when it was received (a day
    saved on time stays on time after its cut-off); an empty day is late if entered now."""
    if timeliness is not None:
        return timeliness == Timeliness.LATE
    return not rules.is_on_time(day, now)


def week_chart(week: carer_selectors.Trend) -> CarerChart:
    return dds_chart(
        week.scores,
        week.instrument,
        has_entry=week.has_entry,
        axis_label=lambda _index, day: wording.weekday_letter(day),
        words=_chart_words(_("7-day score this week"), _describe(week)),
        chart_id="week",
    )


def history_chart(weeks: carer_selectors.Trend) -> CarerChart:
    last = len(weeks.scores) - 1
    return dds_chart(
        weeks.scores,
        weeks.instrument,
        has_entry=weeks.has_entry,
        axis_label=lambda index, day: wording.short_day(day) if (last - index) % 7 == 0 else "",
        words=_chart_words(
            _("7-day score over the last four weeks"),
            _("Each day's 7-day score; the list below gives every day in words."),
        ),
        chart_id="weeks",
    )


def _chart_words(title: str, description: str) -> ChartWords:
    return ChartWords(
        title=title,
        description=description,
        control=_("control threshold"),
        remission=_("remission range"),
    )


def _describe(week: carer_selectors.Trend) -> str:
    parts = []
    for score in week.scores:
        if not week.has_entry(score.end):
            said = _("no entry")
        elif score.value is None:
            said = _("not enough entries yet")
        else:
            said = wording.score_text(score.value)
        parts.append(f"{wording.short_day(score.end)}: {said}")
    return "; ".join(parts)


def history_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    now = timezone.now()
    rules = DayRules.for_patient(patient)
    weeks, rows = carer_selectors.history(patient, rules.local_date(now))
    return {
        **base_context(request, patient, "history"),
        "rows": rows,
        "chart": history_chart(weeks),
        "latest": weeks.latest,
        "open_days": set(rules.open_days(now)),
    }


def correction_form(request: HttpRequest, patient: Patient, entry: DiaryEntry) -> CorrectionForm:
    """The correction form, bound to the POST or filled with the latest saved version."""
    rules = DayRules.for_patient(patient)
    now = timezone.now()
    options = {
        "instrument": current_instrument(patient),
        "language": language(),
        "reason_required": not rules.is_on_time(entry.date, now),
        "today": rules.local_date(now),
    }
    if request.method == "POST":
        return CorrectionForm(request.POST, **options)
    saved = carer_selectors.saved_entry(patient, entry.date)
    version = saved.version if saved else None
    initial = CorrectionForm.initial_for(
        entry.date,
        saved.scores if saved else None,
        temperature_c=getattr(version, "temperature_c", None),
        sleep_hours=getattr(version, "sleep_hours", None),
        notes=getattr(version, "notes", None),
    )
    return CorrectionForm(initial=initial, **options)


def correction_context(
    request: HttpRequest, patient: Patient, entry: DiaryEntry, form: CorrectionForm
) -> dict[str, Any]:
    now = timezone.now()
    rules = DayRules.for_patient(patient)
    return {
        **base_context(request, patient, "diary"),
        "day": entry.date,
        "entry": entry,
        "form": form,
        "locked": rules.is_locked(entry.date, now),
        "late": not rules.is_on_time(entry.date, now),
        "offline": offline_config(
            request, patient, rules, current_instrument(patient), entry.date, False
        ),
    }


def offline_config(
    request: HttpRequest,
    patient: Patient,
    rules: DayRules,
    instrument: scoring.Instrument,
    day: datetime.date,
    today: bool,
) -> dict[str, Any]:
    """What the page's script needs to save offline and to roll a cached page to a new day."""
    sleep = instrument.sleep_bands
    return {
        "user": request.user.pk,
        "patient": patient.pk,
        "day": day.isoformat(),
        "todayPage": today,
        "timeZone": patient.time_zone,
        "cutoff": rules.cutoff.strftime("%H:%M"),
        "lang": language(),
        "api": f"/api/v1/patients/{patient.pk}/entries/",
        "dayUrl": reverse("diary_day", args=[patient.pk, "0000-00-00"]),
        "fever": [str(bound) for bound in instrument.fever_bands.bounds],
        "sleep": None if sleep is None else [str(bound) for bound in sleep.bounds],
    }


def reminder_initial(link: CarerLink) -> dict[str, Any]:
    return {"reminders_enabled": link.reminders_enabled, "reminder_time": link.reminder_time}
