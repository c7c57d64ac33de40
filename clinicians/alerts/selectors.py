"""Reads of clinic records, scoped through ``diary.access`` like everything else.

Alerts are for clinic staff: a user sees the alerts of in-scope patients of the clinics they
belong to (a clinician who is also a carer does not see alerts through the carer link).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from clinicians.alerts.models import Alert
from diary.access import patients_for
from diary.clinics import ClinicMembership


def alerts_for(user: Any) -> QuerySet[Alert]:
    """Every alert ``user`` may see and act on, newest first."""
    if user is None or not user.is_authenticated:
        return Alert.objects.none()
    clinics = ClinicMembership.objects.filter(user_id=user.pk).values("clinic_id")
    return Alert.objects.filter(
        patient__in=patients_for(user), patient__clinic_id__in=clinics
    ).order_by("-opened_at", "-pk")


def alert_for(user: Any, alert_id: Any) -> Alert:
    """The alert ``alert_id`` if ``user`` may act on it; ``Http404`` otherwise."""
    try:
        pk = int(alert_id)
    except (TypeError, ValueError):
        raise Http404("No such alert.") from None
    if not 0 < pk < 2**63:
        raise Http404("No such alert.")
    alert = alerts_for(user).select_related("patient").filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def alert_list(user: Any, status: str | None = None) -> QuerySet[Alert]:
    """The alerts ``user`` sees, optionally of one status, with what the list shows."""
    alerts = alerts_for(user).select_related("patient", "acknowledged_by", "resolved_by")
    if status:
        alerts = alerts.filter(status=status)
    return alerts
