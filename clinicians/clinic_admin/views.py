"""Clinic admin pages: staff, patients, carer invitations, thresholds, the diary instrument, the
alert rules and the cohort report's primary visit weeks.

Only clinic admins of the clinic in the URL reach them (404 for everyone else, clinicians of the
same clinic included). Each form posts to its own URL; an invalid form shows the clinic page
again with its errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinicians.alerts import rules as alert_rules
from clinicians.base import ReasonForm, nav, staff_patient, staff_required
from clinicians.clinic_admin import forms, instruments, services
from clinicians.clinic_admin.selectors import clinic_overview, next_reference
from clinicians.cohort import settings as cohort_settings
from clinicians.scope import administered_clinic_for, administered_clinics
from diary.clinics import Clinic
from diary.invitations import create_invitation
from diary.models import Patient


@require_GET
@staff_required
def admin_home(request: HttpRequest) -> HttpResponse:
    clinics = list(administered_clinics(request.user))
    if not clinics:
        raise Http404("No clinic to administer.")
    if len(clinics) == 1:
        return redirect("clinic:admin_clinic", clinic_id=clinics[0].pk)
    return render(
        request, "clinicians/clinic_admin/home.html", {"clinics": clinics, **nav(request, "admin")}
    )


@require_GET
@staff_required
def clinic_page(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _clinic_page(request, clinic)


def _clinic_page(
    request: HttpRequest, clinic: Clinic, status: int = 200, **bound: Any
) -> HttpResponse:
    overview = clinic_overview(clinic)
    active = Patient.objects.filter(clinic=clinic, is_active=True).order_by("reference")
    page_forms = {
        "add_form": forms.AddMemberForm(),
        "new_form": forms.NewStaffForm(),
        "invite_form": forms.InvitationForm(patients=active),
        "threshold_form": forms.ThresholdForm(initial={"profile": clinic.threshold_profile}),
        "alert_rules_form": forms.AlertRulesForm(initial=alert_rules.chosen_values(clinic)),
        "cohort_weeks_form": forms.PrimaryWeeksForm(initial=cohort_settings.chosen_weeks(clinic)),
        "role_forms": forms.RoleForm(),
        "reason_form": ReasonForm(),
    }
    page_forms.update(bound)
    return render(
        request,
        "clinicians/clinic_admin/clinic.html",
        {
            "overview": overview,
            "clinic": clinic,
            "now": timezone.now(),
            "rule_changes": alert_rules.rule_changes(clinic),
            "week_changes": cohort_settings.week_changes(clinic),
            **page_forms,
            **nav(request, "admin"),
        },
        status=status,
    )


def _post(
    request: HttpRequest,
    clinic: Clinic,
    form: Any,
    form_name: str,
    action: Any,
    done: str,
) -> HttpResponse:
    """Validate ``form``, run ``action(form)``; on success go back to the clinic page."""
    if form.is_valid():
        try:
            action(form)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, done)
            return redirect("clinic:admin_clinic", clinic_id=clinic.pk)
    return _clinic_page(request, clinic, status=400, **{form_name: form})


@require_POST
@staff_required
def member_add(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _post(
        request,
        clinic,
        forms.AddMemberForm(request.POST),
        "add_form",
        lambda f: services.add_member(clinic=clinic, admin=request.user, **f.cleaned_data),
        _("Added to the clinic's staff."),
    )


@require_POST
@staff_required
def member_new(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _post(
        request,
        clinic,
        forms.NewStaffForm(request.POST),
        "new_form",
        lambda f: services.create_staff_account(
            clinic=clinic, admin=request.user, **f.cleaned_data
        ),
        _("Account created; a link to set a password has been emailed."),
    )


@require_POST
@staff_required
def member_role(request: HttpRequest, clinic_id: int, membership_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    membership = _membership(clinic, membership_id)
    return _post(
        request,
        clinic,
        forms.RoleForm(request.POST),
        "role_forms",
        lambda f: services.change_member_role(
            membership=membership, admin=request.user, **f.cleaned_data
        ),
        _("Role changed."),
    )


@require_POST
@staff_required
def member_remove(request: HttpRequest, clinic_id: int, membership_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    membership = _membership(clinic, membership_id)
    try:
        services.remove_member(membership=membership, admin=request.user)
        messages.success(request, _("Removed from the clinic's staff."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("clinic:admin_clinic", clinic_id=clinic.pk)


def _membership(clinic: Clinic, membership_id: int) -> Any:
    membership = clinic.memberships.select_related("clinic").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such staff member.")
    return membership


@sensitive_variables()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@staff_required
def patient_new(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    form = forms.PatientForm(
        request.POST or None,
        initial={"reference": next_reference(clinic), "time_zone": clinic.time_zone},
    )
    del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(
                clinic=clinic, admin=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{patient.reference} registered.")
            return redirect("clinic:admin_clinic", clinic_id=clinic.pk)
    return _patient_form(request, clinic, form, None)


@sensitive_variables()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@staff_required
def patient_edit(request: HttpRequest, clinic_id: int, patient_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    patient = _clinic_patient(request, clinic, patient_id)
    initial = {name: getattr(patient, name) for name in services.PATIENT_FIELDS}
    form = forms.PatientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.update_patient(patient=patient, admin=request.user, reason=reason, **data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Patient details saved."))
            return redirect("clinic:admin_clinic", clinic_id=clinic.pk)
    return _patient_form(request, clinic, form, patient)


def _patient_form(request: HttpRequest, clinic: Clinic, form: Any, patient: Any) -> HttpResponse:
    return render(
        request,
        "clinicians/clinic_admin/patient_form.html",
        {"clinic": clinic, "form": form, "edited": patient, **nav(request, "admin")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def patient_active(request: HttpRequest, clinic_id: int, patient_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    patient = _clinic_patient(request, clinic, patient_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to deactivate or reactivate a patient."))
    else:
        active = request.POST.get("active") == "1"
        services.set_patient_active(
            patient=patient, admin=request.user, active=active, **form.cleaned_data
        )
        messages.success(
            request, f"{patient.reference} {'reactivated' if active else 'deactivated'}."
        )
    return redirect("clinic:admin_clinic", clinic_id=clinic.pk)


def _clinic_patient(request: HttpRequest, clinic: Clinic, patient_id: int) -> Patient:
    patient = staff_patient(request, patient_id)
    if patient.clinic_id != clinic.pk:
        raise Http404("No such patient.")
    return patient


@require_POST
@staff_required
def invite(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    active = Patient.objects.filter(clinic=clinic, is_active=True)
    return _post(
        request,
        clinic,
        forms.InvitationForm(request.POST, patients=active),
        "invite_form",
        lambda f: create_invitation(invited_by=request.user, **f.cleaned_data),
        _("Invitation emailed."),
    )


@require_POST
@staff_required
def thresholds(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _post(
        request,
        clinic,
        forms.ThresholdForm(request.POST),
        "threshold_form",
        lambda f: instruments.set_threshold_profile(
            clinic=clinic, admin=request.user, **f.cleaned_data
        ),
        _("Threshold profile saved; diaries whose threshold changed have a new version."),
    )


@require_POST
@staff_required
def alert_rules_change(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _post(
        request,
        clinic,
        forms.AlertRulesForm(request.POST),
        "alert_rules_form",
        lambda f: services.set_alert_rules(
            clinic=clinic, admin=request.user, now=timezone.now(), **f.cleaned_data
        ),
        _("Alert rules saved; they apply from the next night."),
    )


@require_POST
@staff_required
def cohort_weeks(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    return _post(
        request,
        clinic,
        forms.PrimaryWeeksForm(request.POST),
        "cohort_weeks_form",
        lambda f: cohort_settings.set_primary_weeks(
            clinic=clinic, admin=request.user, **f.cleaned_data
        ),
        _("Primary visit weeks saved; the cohort report uses them from now on."),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def instrument(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = administered_clinic_for(request.user, clinic_id)
    form = forms.InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = _new_version(clinic, request.user, form)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{created.disease} diary version {created.version} saved.")
            return redirect("clinic:admin_clinic", clinic_id=clinic.pk)
    return render(
        request,
        "clinicians/clinic_admin/instrument.html",
        {
            "clinic": clinic,
            "form": form,
            "overview": clinic_overview(clinic),
            **nav(request, "admin"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _new_version(clinic: Clinic, admin: Any, form: forms.InstrumentForm) -> Any:
    data = form.cleaned_data
    extra = None
    if data.get("item_code"):
        extra = instruments.generic_item(
            data["item_code"], data["item_label_en"], data["item_label_ja"]
        )
    return instruments.create_instrument_version(
        clinic=clinic,
        admin=admin,
        disease=data["disease"],
        reason=data["reason"],
        control_threshold=form.threshold(),
        fever_bounds=data.get("fever_bands"),
        sleep_bounds=data.get("sleep_bands"),
        extra_item=extra,
    )


def _errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
