"""What every clinician view shares: the staff gate, the scoped look-ups it uses, and the
date widget and reason form of several pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clinicians.scope import administered_clinics
from diary.access import is_clinic_staff, patient_for, role_for
from diary.audit import ROLE_CARER
from diary.models import Patient

View = Callable[..., HttpResponse]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


def staff_required(view: View) -> View:
    """Anonymous visitors sign in first; signed-in people who are not clinic staff get 404."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_clinic_staff(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def staff_patient(request: HttpRequest, patient_id: Any) -> Patient:
    """The patient, if it belongs to one of the user's clinics (a carer link is not enough)."""
    patient = patient_for(request.user, patient_id)
    if role_for(request.user, patient) == ROLE_CARER:
        raise Http404("No such patient.")
    return patient


def language() -> str:
    return translation.get_language() or "en"


def nav(request: HttpRequest, section: str) -> dict[str, Any]:
    """The clinic navigation: which section is current and whether admin pages exist."""
    return {
        "clinic_section": section,
        "admin_clinics": list(administered_clinics(request.user)),
    }
