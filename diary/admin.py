"""The Django admin is for superusers only; clinics use the product's own pages.

Diary entries, versions and scores are shown read-only: they are append-only records.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from diary import daily_scores
from diary.models import (
    ApiToken,
    CarerLink,
    DiaryEntry,
    EntryVersion,
    InstrumentDefinition,
    ItemScore,
    Patient,
    PatientIdentity,
    User,
)


def _superuser_only(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]


@admin.register(User)
class IFNUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Preferences", {"fields": ("language",)}))


class PatientIdentityInline(admin.StackedInline):
    # Its history keeps who, when and which fields, not the values (diary.audit.history).
    model = PatientIdentity
    can_delete = False  # erasure is the clinic admin's data-rights page


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "clinic", "disease", "time_zone", "is_active")
    list_filter = ("clinic", "disease", "is_active")
    search_fields = ("reference",)
    readonly_fields = ("erased_at",)
    inlines = [PatientIdentityInline]

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "disease" in form.changed_data:
            daily_scores.rebuild([obj.pk])  # the entries are now read under another diary


@admin.register(CarerLink)
class CarerLinkAdmin(SimpleHistoryAdmin):
    list_display = ("carer", "patient", "relationship")


@admin.register(InstrumentDefinition)
class InstrumentDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ("disease", "version", "clinic", "created_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemScoreInline(admin.TabularInline):
    model = ItemScore
    extra = 0
    can_delete = False
    readonly_fields = ("item_code", "score")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnlyAdmin):
    list_display = ("patient", "date", "timeliness", "created_at")
    list_filter = ("timeliness",)


@admin.register(EntryVersion)
class EntryVersionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "number", "entered_by", "entered_by_role", "source", "received_at")
    inlines = [ItemScoreInline]


# DRF's token app stays installed only for migration history; its tokens are never read.
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Site admins may end a token (delete); tokens are issued only by the token endpoint."""

    list_display = ("user", "name", "created", "last_used_at", "expiry")
    fields = ("user", "name", "created", "last_used_at", "expiry", "verified_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
