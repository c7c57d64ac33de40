"""``/api/v1/alerts/``: the alerts of the caller's clinics, to acknowledge and resolve.

Alerts are for clinic staff. A carer asking for the list gets 403 (the list exists, it is not
for them); any alert id they name answers 404, as for a missing alert, since no alert is in a
carer's scope.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from clinicians.alerts import selectors, services
from clinicians.alerts.models import Alert
from diary.access import is_clinic_staff
from diary.api.base import ApiView, Page, PageQuerySerializer, QuerySerializer, page_of
from diary.api.fields import TextField
from diary.api.problems import READ_PROBLEMS, WRITE_PROBLEMS, Conflict, problems
from diary.api.serializers import StrictInputSerializer


class AlertQuerySerializer(QuerySerializer):
    status = serializers.ChoiceField(
        choices=Alert.Status.choices, required=False, help_text="Only alerts in this state."
    )


class AlertNoteInputSerializer(StrictInputSerializer):
    note = TextField(
        max_length=services.NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


@extend_schema_field(serializers.CharField(allow_null=True))
class _UserNameField(serializers.Field):
    def to_representation(self, user: Any) -> str:
        return str(user)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    patient_reference = serializers.CharField(source="patient.reference")
    rule = serializers.CharField(help_text="above_threshold, marked_rise, severe_symptom, ...")
    audience = serializers.ChoiceField(choices=Alert.Audience.choices)
    diary_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Alert.Status.choices)
    reason = serializers.CharField(
        help_text=(
            "Why the rule fired, for clinicians, with the clinic's rule values in force on the"
            ' night it opened, e.g. "(clinic rule: a rise of 0.6 or more over 7 days)".'
            " A later change of the clinic's rules never rewrites it."
        )
    )
    details = serializers.DictField(
        help_text=(
            "The figures behind the reason and the clinic's rule values it was opened with"
            " (delta, item_score_limit, temperature_limit_c, reminder_days, care_team_days);"
            ' fractions as "p/q" text.'
        )
    )
    opened_at = serializers.DateTimeField()
    acknowledged_by = _UserNameField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledgement_note = serializers.CharField()
    resolved_by = _UserNameField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_note = serializers.CharField()


class AlertListApi(ApiView):
    """The alerts of the caller's clinics."""

    @extend_schema(
        operation_id="alerts_list",
        summary="Alerts of the caller's clinics, newest first (clinic staff only)",
        parameters=[AlertQuerySerializer, PageQuerySerializer],
        responses={200: page_of(AlertSerializer, "AlertPage"), **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request) -> Response:
        if not is_clinic_staff(request.user):
            raise exceptions.PermissionDenied("Alerts are for clinic staff.")
        query = AlertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = selectors.alert_list(request.user, query.validated_data.get("status"))
        page = Page(request, alerts, self)
        return page.response(AlertSerializer(page.items, many=True).data)


class _AlertActionApi(ApiView):
    """One step of an alert's lifecycle; alerts outside the caller's clinics answer 404."""

    change: Any = None

    def post(self, request: Request, alert_id: int) -> Response:
        alert = selectors.alert_for(request.user, alert_id)
        data = AlertNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            alert = self.change(alert=alert, user=request.user, **data.validated_data)
        except services.AlertStateError as error:
            raise Conflict(str(error)) from None
        return Response(AlertSerializer(alert).data)


_ACTION_RESPONSES = {200: AlertSerializer, **problems(*WRITE_PROBLEMS, 409)}


@extend_schema_view(
    post=extend_schema(
        operation_id="alerts_acknowledge_create",
        summary="Acknowledge an open alert",
        request=AlertNoteInputSerializer,
        responses=_ACTION_RESPONSES,
    )
)
class AlertAcknowledgeApi(_AlertActionApi):
    change = staticmethod(services.acknowledge_alert)


@extend_schema_view(
    post=extend_schema(
        operation_id="alerts_resolve_create",
        summary="Resolve an open or acknowledged alert",
        request=AlertNoteInputSerializer,
        responses=_ACTION_RESPONSES,
    )
)
class AlertResolveApi(_AlertActionApi):
    change = staticmethod(services.resolve_alert)


urlpatterns = [
    path("alerts/", AlertListApi.as_view(), name="api-alert-list"),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        AlertAcknowledgeApi.as_view(),
        name="api-alert-acknowledge",
    ),
    path("alerts/<int:alert_id>/resolve/", AlertResolveApi.as_view(), name="api-alert-resolve"),
]
