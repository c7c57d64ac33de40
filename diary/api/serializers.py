"""Input and output serializers of the diary API, kept apart (STYLE.md).

Input serializers are allow-lists: a field they do not name (``received_at``, ``entered_by``,
``timeliness``, ``version`` ...) is refused with a 400 naming it, so a client can never set
what the server records. Output serializers only read.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

import scoring
from diary import two_factor
from diary.api.fields import (
    DayField,
    NumberField,
    OffsetDateTimeField,
    ScoresField,
    TextField,
)
from diary.api.problems import entry_url
from diary.models import NOTES_MAX_LENGTH, Disease, Role, Source, Timeliness
from diary.services import Submission

REASON_MAX_LENGTH = 1000
# Each quantity is defined once, so requests and answers document the same number.
TEMPERATURE_C = {"max_digits": 3, "decimal_places": 1, "min_value": 30, "max_value": 45}
SLEEP_HOURS = {"max_digits": 4, "decimal_places": 2, "min_value": 0, "max_value": 24}
DDS_STATUSES = [status.value for status in scoring.Status]


class StrictInputSerializer(serializers.Serializer):
    """Refuses any field it does not declare."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name[:60]: ["This field cannot be set."] for name in unknown[:20]}
                )
        return super().to_internal_value(data)


# --- entries: input --------------------------------------------------------------------------


class _EntryContentInput(StrictInputSerializer):
    temperature_c = NumberField(
        **TEMPERATURE_C,
        required=False,
        allow_null=True,
        help_text="Highest temperature of the day in °C (one decimal); sets the fever score "
        "when fever is left blank.",
    )
    sleep_hours = NumberField(
        **SLEEP_HOURS,
        required=False,
        allow_null=True,
        help_text="AGS diaries only: longest uninterrupted sleep in hours; sets the sleep score "
        "when sleep is left blank.",
    )
    notes = TextField(
        max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    captured_at = OffsetDateTimeField(
        required=False,
        allow_null=True,
        help_text="When the carer saved it on the device, with the device's UTC offset.",
    )
    source = serializers.ChoiceField(
        choices=Source.choices,
        required=False,
        default=Source.API,
        help_text="api (default), web or offline (the phone's offline queue); paper is for "
        "clinic staff transcribing a paper diary, with a reason.",
    )
    reason = TextField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")

    def submission(self, day: datetime.date) -> Submission:
        data = self.validated_data
        return Submission(
            date=day,
            scores=data["scores"],
            temperature_c=data.get("temperature_c"),
            sleep_hours=data.get("sleep_hours"),
            notes=data.get("notes", ""),
            captured_at=data.get("captured_at"),
        )


class EntryInputSerializer(_EntryContentInput):
    """A new diary entry. ``date`` is the diary day in the patient's time zone."""

    date = DayField()
    scores = ScoresField()


class CorrectionInputSerializer(_EntryContentInput):
    """A correction: the complete new content of the entry (items left out are not assessed).

    ``reason`` is required once the day's cut-off has passed; before it the version is recorded
    as a "same-day edit".
    """

    scores = ScoresField()


# --- entries: output -------------------------------------------------------------------------


class EntryVersionSerializer(serializers.Serializer):
    """One version of a diary entry: its content and who recorded it, when, how and why."""

    id = serializers.IntegerField(source="entry_id", help_text="The entry's id.")
    url = serializers.SerializerMethodField()
    patient = serializers.IntegerField(source="patient_id")
    date = serializers.DateField(source="entry.date")
    timeliness = serializers.ChoiceField(choices=Timeliness.choices, source="entry.timeliness")
    version = serializers.IntegerField(source="number", help_text="1 for the first submission.")
    scores = serializers.SerializerMethodField()
    temperature_c = serializers.DecimalField(
        **TEMPERATURE_C, coerce_to_string=False, allow_null=True
    )
    sleep_hours = serializers.DecimalField(**SLEEP_HOURS, coerce_to_string=False, allow_null=True)
    notes = serializers.CharField()
    captured_at = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField(help_text="Server receipt time (UTC).")
    entered_by = serializers.SerializerMethodField()
    entered_by_role = serializers.ChoiceField(choices=Role.choices)
    source = serializers.ChoiceField(choices=Source.choices)
    instrument_version = serializers.IntegerField()
    reason = serializers.CharField()

    def get_url(self, version: Any) -> str:
        return entry_url(self.context.get("request"), version.entry_id)

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "integer",
                "minimum": 0,
                "maximum": 4,
                "nullable": True,
            },
        }
    )
    def get_scores(self, version: Any) -> dict[str, int | None]:
        return {row.item_code: row.score for row in version.scores.all()}

    @extend_schema_field(
        {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "Capture time on the device, with the offset it was sent with.",
        }
    )
    def get_captured_at(self, version: Any) -> str | None:
        if version.captured_at is None:
            return None
        minutes = version.captured_offset_minutes or 0
        zone = datetime.timezone(datetime.timedelta(minutes=minutes))
        return version.captured_at.astimezone(zone).isoformat()

    @extend_schema_field(serializers.CharField(help_text="Name (or username) of the author."))
    def get_entered_by(self, version: Any) -> str:
        return str(version.entered_by)


class EntryCreatedSerializer(EntryVersionSerializer):
    replayed = serializers.SerializerMethodField(
        help_text="True when this answers a repeat of an earlier request (same Idempotency-Key)."
    )

    def get_replayed(self, version: Any) -> bool:
        return bool(self.context.get("replayed"))


class EntryHistorySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.pk")
    patient = serializers.IntegerField(source="entry.patient_id")
    date = serializers.DateField(source="entry.date")
    versions = EntryVersionSerializer(many=True, help_text="Every version, oldest first.")


# --- patients --------------------------------------------------------------------------------


class LatestDdsSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The patient's current diary day.")
    dds = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=DDS_STATUSES, source="score.status")

    @extend_schema_field(
        serializers.DecimalField(
            max_digits=4,
            decimal_places=3,
            coerce_to_string=False,
            allow_null=True,
            help_text="7-day DDS truncated to 3 decimals; null when insufficient.",
        )
    )
    def get_dds(self, latest: Any) -> Any:
        return dds_figure(latest.score)


def dds_figure(score: scoring.Score) -> Any:
    """The DDS as shown: truncated to 3 decimals (``scoring.round_score``), or ``None``."""
    return None if score.value is None else scoring.round_score(score.value)


class PatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="Pseudonymous reference, e.g. GOS-0012.")
    display_name = serializers.CharField()
    disease = serializers.ChoiceField(choices=Disease.choices)
    time_zone = serializers.CharField(help_text="IANA time zone of the diary days.")
    latest = serializers.SerializerMethodField()

    @extend_schema_field(LatestDdsSerializer)
    def get_latest(self, patient: Any) -> Any:
        return LatestDdsSerializer(self.context["latest"][patient.pk]).data


class InstrumentItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    anchors = serializers.ListField(
        child=serializers.CharField(), help_text="Words for the scores 0, 1, 2, 3 and 4."
    )


class InstrumentSerializer(serializers.Serializer):
    disease = serializers.ChoiceField(choices=Disease.choices)
    version = serializers.IntegerField()
    control_threshold = serializers.SerializerMethodField()
    remission_threshold = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    @extend_schema_field(serializers.FloatField())
    def get_control_threshold(self, instrument: scoring.Instrument) -> float:
        return float(instrument.control_threshold)

    @extend_schema_field(serializers.FloatField())
    def get_remission_threshold(self, instrument: scoring.Instrument) -> float:
        return float(instrument.remission_threshold)

    @extend_schema_field(InstrumentItemSerializer(many=True))
    def get_items(self, instrument: scoring.Instrument) -> list[dict[str, Any]]:
        language = self.context.get("language", "en")
        return [
            {
                "code": item.code,
                "label": item.label_in(language),
                "anchors": list(item.anchors_in(language)),
            }
            for item in instrument.items
        ]


class PatientDetailSerializer(PatientSerializer):
    diary_day = serializers.SerializerMethodField()
    instrument = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DateField(
            help_text="The day a new entry is for by default (last night's day until the cut-off)."
        )
    )
    def get_diary_day(self, patient: Any) -> str:
        return self.context["latest"][patient.pk].date.isoformat()

    @extend_schema_field(InstrumentSerializer)
    def get_instrument(self, patient: Any) -> Any:
        return InstrumentSerializer(self.context["instrument"], context=self.context).data


# --- DDS -------------------------------------------------------------------------------------


class DdsDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    dds = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=DDS_STATUSES, source="score.status")
    observed = serializers.IntegerField(source="score.observed")
    expected = serializers.IntegerField(source="score.expected")
    partial = serializers.BooleanField(source="score.partial")
    missing_items = serializers.ListField(
        child=serializers.CharField(), source="score.missing_items"
    )
    instrument_version = serializers.IntegerField(source="instrument.version")

    @extend_schema_field(
        serializers.DecimalField(
            max_digits=4,
            decimal_places=3,
            coerce_to_string=False,
            allow_null=True,
            help_text="7-day DDS over the day and the 6 before it, truncated to 3 decimals; "
            "status is judged on the exact value.",
        )
    )
    def get_dds(self, day: Any) -> Any:
        return dds_figure(day.score)


class DdsSeriesSerializer(serializers.Serializer):
    """Reads a mapping with ``patient``, ``from``, ``to`` and ``days``."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "patient": serializers.IntegerField(),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "days": DdsDaySerializer(many=True, help_text="One row per day, oldest first."),
        }


# --- tokens ----------------------------------------------------------------------------------


class TokenInputSerializer(StrictInputSerializer):
    username = TextField(max_length=150)
    password = TextField(max_length=1024, trim_whitespace=False)
    otp = TextField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="One-time code (authenticator app or recovery code); required for clinic "
        "staff and for anyone who has turned on two-factor sign-in.",
    )
    name = TextField(
        max_length=64,
        required=False,
        help_text='This device or app, as the account page will list it (e.g. "Mum\'s phone"); '
        "the User-Agent header when left out.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        # django-axes counts failures on the Django request (and answers a locked-out name).
        user = authenticate(
            getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError("These sign-in details are not right.")
        if not two_factor.must_use_two_factor(user):
            return {"user": user, "verified": False, "name": attrs.get("name")}
        if not attrs.get("otp"):
            raise serializers.ValidationError({"otp": ["This account needs its two-factor code."]})
        check = two_factor.check_code(user, attrs["otp"])
        if check.wait:
            raise serializers.ValidationError(
                {"otp": [f"Too many wrong codes: wait {check.wait} seconds, then try again."]}
            )
        if check.device is None:
            raise serializers.ValidationError({"otp": ["This code is not right or was used."]})
        return {"user": user, "verified": True, "name": attrs.get("name")}


class TokenSerializer(serializers.Serializer):
    """A new token: its key, shown only this once, and what the account page lists."""

    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    name = serializers.CharField(help_text="The device or app this token is for.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(help_text="The token answers 401 from then on.")
