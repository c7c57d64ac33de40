"""``/api/v1/clinics/``, ``/api/v1/clinics/{id}/cohort/`` and ``/api/v1/patients/{id}/periods/``.

Numbers are JSON numbers (the exact values as doubles, not rounded: the pages round), ``null``
where there is no value. The cohort's every cell is an aggregate of the rows ``/periods/``
returns for the clinic's patients with the same ``locf`` and ``threshold``.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from clinicians.audit.access_log import record_access
from clinicians.cohort.plan import PERIODS
from clinicians.cohort.report import clinic_for, cohort, member_clinics, patient_visits_of
from clinicians.cohort.visits import THRESHOLDS, Options
from diary.access import is_clinic_staff, patient_for
from diary.api.base import ApiView, QuerySerializer
from diary.api.problems import READ_PROBLEMS, problems


def _number(help_text: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class CohortQuerySerializer(QuerySerializer):
    locf = serializers.ChoiceField(
        choices=["0", "1"],
        required=False,
        default="0",
        help_text="1: a missing post-baseline DDS or PGA takes the last post-baseline value "
        "(last observation carried forward), marked in carried_forward.",
    )
    threshold = serializers.ChoiceField(
        choices=list(THRESHOLDS),
        required=False,
        default="profile",
        help_text="The control threshold for days below and below-threshold counts: profile "
        "(the clinic's threshold profile, per instrument) or uniform (0.5, the 2023 trial).",
    )
    period = serializers.ChoiceField(
        choices=list(PERIODS), required=False, help_text="Only this period's rows."
    )


def _query(request: Request) -> tuple[Options, str | None]:
    query = CohortQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return Options(locf=data["locf"] == "1", threshold=data["threshold"]), data.get("period")


class PeriodRowSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIODS))
    week = serializers.IntegerField(
        allow_null=True, help_text="Weeks since treatment start; null for pre-treatment."
    )
    visit_date = serializers.DateField(allow_null=True, help_text="Treatment start + week × 7.")
    reached = serializers.BooleanField(help_text="false: the visit is still to come (no values).")
    dds = _number("7-day DDS on the day before the visit (pre-treatment: the whole period).")
    dds_day = serializers.DateField(allow_null=True, help_text="The day the DDS is of.")
    dds_change = _number("DDS minus the baseline DDS.")
    control_threshold = _number("The threshold used (see the threshold parameter).")
    below_threshold = serializers.BooleanField(allow_null=True)
    in_remission_range = serializers.BooleanField(allow_null=True, help_text="DDS below 0.15.")
    days_below_proportion = _number(
        "Days with a daily score below the threshold ÷ days with a daily score: pre-treatment "
        "over the period, baseline over the 28 days before start, primary since start, "
        "maintenance since the primary visit."
    )
    days_below_proportion_change = _number()
    pga = _number("Physician's global assessment 0-10 within 14 days of the visit (nearest).")
    pga_date = serializers.DateField(allow_null=True)
    pga_change = _number()
    steroid_mg_per_kg = _number("Systemic corticosteroid, prednisone equivalent, mg/kg/day.")
    steroid_change = _number("mg/kg/day minus the baseline mg/kg/day.")
    steroid_percent_change = _number()
    steroid_response = serializers.BooleanField(
        allow_null=True, help_text="Below 0.15 mg/kg/day or at least 50% lower than at baseline."
    )
    carried_forward = serializers.ListField(
        child=serializers.ChoiceField(choices=["dds", "pga"]),
        help_text="The values of this row carried forward (LOCF).",
    )


class PeriodsSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="patient_id")
    reference = serializers.CharField()
    disease = serializers.CharField()
    treatment_start = serializers.DateField(
        allow_null=True, help_text="null: not started (no rows)."
    )
    primary_week = serializers.IntegerField()
    on_steroids_at_baseline = serializers.BooleanField()
    locf = serializers.BooleanField()
    threshold = serializers.ChoiceField(choices=list(THRESHOLDS))
    rows = PeriodRowSerializer(many=True)


class ClinicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="reference_prefix")
    name = serializers.CharField()


class CohortRowSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(
        choices=["dds", "days_below_proportion", "pga", "steroid_mg_per_kg"]
    )
    period = serializers.ChoiceField(choices=list(PERIODS))
    week = serializers.IntegerField(allow_null=True)
    n = serializers.IntegerField(source="observed.n")
    mean = _number()
    sd = _number("Sample SD; null when n < 2.")
    change_n = serializers.IntegerField(source="change.n")
    change_mean = _number()
    change_sd = _number()
    carried_forward = serializers.IntegerField(help_text="Values in n carried forward (LOCF).")
    below_threshold = serializers.IntegerField(allow_null=True, help_text="dds only.")
    in_remission_range = serializers.IntegerField(allow_null=True, help_text="dds only.")
    percent_change_n = serializers.IntegerField(allow_null=True, help_text="steroid only.")
    percent_change_mean = _number("steroid only.")
    percent_change_sd = _number("steroid only.")
    responders = serializers.IntegerField(
        allow_null=True, help_text="steroid only: patients meeting the response criterion."
    )

    def to_representation(self, row: Any) -> dict[str, Any]:
        return super().to_representation(_CellView(row))


class _CellView:
    """A ``CohortRow`` with its summaries spread into the flat fields of the API."""

    def __init__(self, row: Any) -> None:
        self.measure, self.period, self.week = row.measure, row.period, row.week
        self.observed, self.change = row.observed, row.change
        self.mean, self.sd = row.observed.mean, row.observed.sd
        self.change_mean, self.change_sd = row.change.mean, row.change.sd
        self.carried_forward = row.carried_forward
        self.below_threshold = row.below_threshold
        self.in_remission_range = row.in_remission_range
        percent = row.percent_change
        self.percent_change_n = None if percent is None else percent.n
        self.percent_change_mean = None if percent is None else percent.mean
        self.percent_change_sd = None if percent is None else percent.sd
        self.responders = row.responders


class NotStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="patient_id")
    reference = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    disease = serializers.CharField()
    primary_week = serializers.IntegerField()
    patients = serializers.IntegerField(help_text="Patients with a treatment start.")
    not_started = NotStartedSerializer(many=True, help_text="Patients with no treatment start.")
    control_thresholds = serializers.ListField(child=serializers.FloatField())
    rows = CohortRowSerializer(many=True)


class CohortSerializer(serializers.Serializer):
    clinic = serializers.IntegerField()
    locf = serializers.BooleanField()
    threshold = serializers.ChoiceField(choices=list(THRESHOLDS))
    groups = GroupSerializer(many=True)


class PatientPeriodsApi(ApiView):
    """A patient's values at the cohort visits; outside the caller's scope, 404."""

    @extend_schema(
        operation_id="patients_periods_retrieve",
        summary="The patient's pre-treatment, baseline, primary and maintenance values",
        description="Visits count from the patient's own treatment start: week 0, the clinic's "
        "primary week for the disease (20 CANDLE/other, 32 SAVI and AGS unless the clinic "
        "chose otherwise) and week 52. Changes are from the baseline (the pre-treatment "
        "period when one is recorded, else week 0). Numbers are exact values as JSON numbers.",
        parameters=[CohortQuerySerializer],
        responses={200: PeriodsSerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_for(request.user, patient_id)
        options, period = _query(request)
        visits = patient_visits_of([patient], options).visits[patient.pk]
        rows = [r for r in visits.rows if period in (None, r.period)]
        data = {"patient_id": visits.patient_id, "reference": visits.reference}
        data |= {"disease": visits.disease, "treatment_start": visits.treatment_start}
        data |= {"primary_week": visits.primary_week, "rows": rows}
        data |= {"on_steroids_at_baseline": visits.on_steroids_at_baseline}
        data |= {"locf": options.locf, "threshold": options.threshold}
        return Response(PeriodsSerializer(data).data)


class ClinicListApi(ApiView):
    """The clinics the caller belongs to (clinic staff only)."""

    @extend_schema(
        operation_id="clinics_list",
        summary="The caller's clinics",
        responses={200: ClinicSerializer(many=True), **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request) -> Response:
        if not is_clinic_staff(request.user):
            raise exceptions.PermissionDenied("Clinics are for clinic staff.")
        return Response(ClinicSerializer(member_clinics(request.user), many=True).data)


class ClinicCohortApi(ApiView):
    """The clinic's cohort report; a clinic the caller does not belong to answers 404."""

    @extend_schema(
        operation_id="clinics_cohort_retrieve",
        summary="The clinic's cohort per disease group: n, mean and SD per measure and period",
        description="Each cell aggregates the rows /patients/{id}/periods/ returns for the "
        "clinic's patients with the same parameters; corticosteroid rows count only patients "
        "on a corticosteroid at baseline. Patients without a treatment start are listed in "
        "not_started.",
        parameters=[CohortQuerySerializer],
        responses={200: CohortSerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, clinic_id: int) -> Response:
        clinic = clinic_for(request.user, clinic_id)
        options, period = _query(request)
        report = cohort(request.user, clinic, options)
        record_access(user=request.user, patient_ids=report.patient_ids, what="api_cohort")
        groups = [
            {
                "disease": g.disease,
                "primary_week": g.primary_week,
                "patients": len(g.patients),
                "not_started": g.not_started,
                "control_thresholds": g.control_thresholds,
                "rows": [r for r in g.rows if period in (None, r.period)],
            }
            for g in report.groups
        ]
        data = {"clinic": clinic.pk, "locf": options.locf, "threshold": options.threshold}
        return Response(CohortSerializer({**data, "groups": groups}).data)


urlpatterns = [
    path("clinics/", ClinicListApi.as_view(), name="api-clinic-list"),
    path("clinics/<int:clinic_id>/cohort/", ClinicCohortApi.as_view(), name="api-clinic-cohort"),
    path(
        "patients/<int:patient_id>/periods/",
        PatientPeriodsApi.as_view(),
        name="api-patient-periods",
    ),
]
