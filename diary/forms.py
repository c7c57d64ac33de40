"""The carer's forms: one diary day (new or corrected), reminder settings, invitation acceptance.

The diary form is built from the patient's instrument, so its fields are that instrument's
items. It only parses what the browser sent; the clinical rules (score range, bands, day rules,
idempotency) are the service's, whose field-keyed errors are put back on the form's fields.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

import scoring
from diary import wording
from diary.models import NOTES_MAX_LENGTH, User
from diary.services import Submission

NOT_ASSESSED = "na"
DAY_LABEL = pgettext_lazy("the diary day a form is for", "Day")
SCORE_CHOICES = [(str(n), str(n)) for n in range(5)] + [(NOT_ASSESSED, NOT_ASSESSED)]
# One message for every way a number can be refused (range, digits, not a number): it says
# what to type, and the error summary puts the question's own words in front of it.
TEMPERATURE_ERROR = _("Type a temperature from 30 to 45 °C, for example 38.5.")
SLEEP_ERROR = _("Type a number of hours from 0 to 24, for example 6.5.")
NUMBER_ERROR_CODES = (
    "invalid",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
)


def number_errors(message: Any) -> dict[str, Any]:
    return dict.fromkeys(NUMBER_ERROR_CODES, message)


@dataclass(frozen=True)
class Choice:
    value: str
    number: str
    anchor: str
    checked: bool


@dataclass(frozen=True)
class ItemRow:
    """One item as the template draws it: a group of large 0–4 choices plus "not assessed"."""

    code: str
    name: str
    label: str
    choices: list[Choice]
    not_assessed_checked: bool
    errors: list[str]


@dataclass(frozen=True)
class ErrorLine:
    """One line of the error summary: the question as the carer sees it, and what was wrong.

    ``target`` is the id of the control the line leads to ("" for the whole entry)."""

    target: str
    label: str
    message: str


def score_field(code: str) -> str:
    return f"score_{code}"


def control_id(name: str) -> str:
    """The id of a field's control on the page (a score's is its group of choices)."""
    return f"item-{name.removeprefix('score_')}" if name.startswith("score_") else f"id_{name}"


class DiaryForm(forms.Form):
    """One diary day. ``date`` and ``idempotency_key`` travel as hidden fields."""

    date = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    temperature_c = forms.DecimalField(
        label=_("Or type the highest temperature today (°C)"),
        required=False,
        min_value=Decimal("30"),
        max_value=Decimal("45"),
        decimal_places=1,
        max_digits=3,
        error_messages=number_errors(TEMPERATURE_ERROR),
    )
    sleep_hours = forms.DecimalField(
        label=_("Or type the longest sleep without waking (hours)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("24"),
        decimal_places=2,
        max_digits=4,
        error_messages=number_errors(SLEEP_ERROR),
    )
    notes = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        instrument: scoring.Instrument,
        language: str,
        today: datetime.date | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        day = self._day()
        if today is not None and day is not None and day != today:
            # "today" would be wrong on a past day's form: name the day instead.
            self.fields["temperature_c"].label = _(
                "Or type the highest temperature on %(day)s (°C)"
            ) % {"day": wording.short_day(day)}
        for item in instrument.items:
            self.fields[score_field(item.code)] = forms.ChoiceField(
                label=item.label_in(language), choices=SCORE_CHOICES, required=False
            )
        if instrument.sleep_bands is None:
            del self.fields["sleep_hours"]

    def _day(self) -> datetime.date | None:
        """The day this form is for, from the posted or the initial data."""
        raw = self.data.get("date") if self.is_bound else self.initial.get("date")
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            return None

    def item_rows(self) -> list[ItemRow]:
        """The instrument's items, in order, with the choice currently selected."""
        rows = []
        for item in self.instrument.items:
            name = score_field(item.code)
            selected = str(self[name].value() or "")
            anchors = item.anchors_in(self.language)
            choices = [Choice(str(n), str(n), anchors[n], selected == str(n)) for n in range(5)]
            rows.append(
                ItemRow(
                    code=item.code,
                    name=name,
                    label=item.label_in(self.language),
                    choices=choices,
                    not_assessed_checked=selected == NOT_ASSESSED,
                    errors=list(self.errors.get(name, [])),
                )
            )
        return rows

    def submission(self) -> Submission:
        """The validated form as the service's input (``is_valid()`` must have passed)."""
        data = self.cleaned_data
        scores = {}
        for item in self.instrument.items:
            raw = data.get(score_field(item.code)) or NOT_ASSESSED
            scores[item.code] = None if raw == NOT_ASSESSED else int(raw)
        return Submission(
            date=data["date"],
            scores=scores,
            temperature_c=data.get("temperature_c"),
            sleep_hours=data.get("sleep_hours"),
            notes=data.get("notes", ""),
        )

    def error_summary(self) -> list[ErrorLine]:
        """Every refused answer in page order, named by its question as the page shows it."""
        lines = [ErrorLine("", "", str(message)) for message in self.non_field_errors()]
        for name in self._page_order():
            field = self.fields[name]
            for message in self.errors.get(name, []):
                if isinstance(field.widget, forms.HiddenInput):
                    label = DAY_LABEL if name == "date" else ""
                    lines.append(ErrorLine("", str(label), str(message)))
                else:
                    lines.append(ErrorLine(control_id(name), str(field.label), str(message)))
        return lines

    def _page_order(self) -> list[str]:
        names = ["date", "idempotency_key"]
        for item in self.instrument.items:
            names.append(score_field(item.code))
            names += {"fever": ["temperature_c"], "sleep": ["sleep_hours"]}.get(item.code, [])
        names += ["notes", "reason"]
        return [name for name in names if name in self.fields]

    def key(self) -> uuid.UUID | None:
        return self.cleaned_data.get("idempotency_key")

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's field-keyed messages on the matching fields."""
        for field, messages in error.message_dict.items():
            name = score_field(field.split(".", 1)[1]) if field.startswith("scores.") else field
            self.add_error(name if name in self.fields else None, messages)

    @classmethod
    def initial_for(
        cls, day: datetime.date, scores: dict[str, int | None] | None = None, **values: Any
    ) -> dict[str, Any]:
        """Initial data for ``day``, optionally filled from a saved version's values."""
        initial: dict[str, Any] = {"date": day.isoformat(), "idempotency_key": uuid.uuid4()}
        for code, score in (scores or {}).items():
            initial[score_field(code)] = NOT_ASSESSED if score is None else str(score)
        initial.update({name: value for name, value in values.items() if value is not None})
        return initial


class CorrectionForm(DiaryForm):
    """A correction of a saved day; a reason is asked for (and required once the day is late)."""

    reason = forms.CharField(label=_("Reason for the correction"), required=False, max_length=500)

    def __init__(self, *args: Any, reason_required: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].label = (
            _("Reason for the correction (required)")
            if reason_required
            else _("Reason for the correction (optional)")
        )
        del self.fields["idempotency_key"]


class ReminderForm(forms.Form):
    """The carer's evening reminder for one patient."""

    reminders_enabled = forms.BooleanField(
        label=_("Email me a reminder in the evening if the diary is not filled in"),
        required=False,
    )
    reminder_time = forms.TimeField(
        label=_("Reminder time"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class AcceptInvitationForm(forms.Form):
    """A new carer chooses a username and password (Django's password validators apply)."""

    username = UsernameField(label=_("Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; please choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(username=data.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
