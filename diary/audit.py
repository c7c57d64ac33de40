"""The audit trail: who changed clinical data, in which role, when, what and why.

Mutable clinical records are tracked by django-simple-history (one ``Historical*`` table per
model, written on every save and delete, from a view, the admin, a shell or a command). This
module supplies what the library does not know by itself: the acting user and role outside a
request, the origin of the change, and the reason. Services wrap their writes in
``audit_context``; anything that writes without it (the admin, a management command) is still
recorded, with the request's user.

The origin is set in one place, ``_default_origin``: inside a request it is the page or API
operation the request resolved to (``page:clinic:admin_patient_edit``, ``api:alert-acknowledge``),
in a management command ``command:<name>``; only work no person started says ``system``. A
caller passes ``origin`` only for such work (``nightly``, ``command:seed_demo``).

Diary entries, their versions and item scores are append-only by design and carry their own
who/when/why columns; on PostgreSQL a trigger refuses UPDATE and DELETE on them and on every
history table (see ``protect_tables``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

ROLE_CARER = "carer"
ROLE_CLINICIAN = "clinician"
ROLE_CLINIC_ADMIN = "clinic_admin"
ROLE_SITE_ADMIN = "site_admin"
ROLE_SYSTEM = "system"
ORIGIN_SYSTEM = "system"
ORIGIN_MAX_LENGTH = 60


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None
    role: str
    reason: str
    origin: str


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


@contextmanager
def audit_context(
    *, user: Any = None, role: str, reason: str = "", origin: str = ""
) -> Iterator[None]:
    """Attribute tracked writes inside the block to ``user`` acting as ``role``, for ``reason``."""
    user_id = getattr(user, "pk", None)
    token = _current.set(AuditContext(user_id, role, reason, origin or _default_origin()))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> AuditContext | None:
    return _current.get()


def _default_origin() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        return _request_origin(request)
    # Outside a request, a person writes only through a management command.
    argv = sys.argv
    if len(argv) >= 2 and argv[0].endswith("manage.py"):
        return f"command:{argv[1]}"
    return ORIGIN_SYSTEM


def _request_origin(request: Any) -> str:
    """The page or API operation ``request`` resolved to, as the audit trail names it.

    ``page:<url name>`` or ``api:<url name>``: the names the URL configuration gives each page
    and API operation. The Django admin (a generic model editor) and a request not resolved
    to a view keep ``web:<path>``, which names the model and object.
    """
    from diary.security import API_PREFIX  # not at import: models import this module

    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name or "admin" in match.namespaces:
        return f"web:{request.path[:50]}"
    if request.path.startswith(API_PREFIX):
        return f"api:{match.url_name.removeprefix('api-')}"[:ORIGIN_MAX_LENGTH]
    return f"page:{match.view_name}"[:ORIGIN_MAX_LENGTH]


class AuditFields(models.Model):
    """Columns added to every history table next to simple-history's own."""

    history_role = models.CharField(max_length=20, blank=True)
    history_origin = models.CharField(max_length=ORIGIN_MAX_LENGTH, blank=True)

    class Meta:
        abstract = True


def _history_user(instance: Any, request: Any = None, **kwargs: Any) -> Any:
    from django.contrib.auth import get_user_model

    context = current()
    if context is not None and context.user_id is not None:
        return get_user_model().objects.filter(pk=context.user_id).first()
    explicit = getattr(instance, "_history_user", None)
    if explicit is not None:
        return explicit
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


class UnrecordedValues(models.Model):
    """For a model whose values must not be kept: which of them a change touched.

    The tracked model names them with ``changed_fields()`` and ``remember_saved()``.
    """

    history_changed_fields = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


def history(*, unrecorded: Sequence[str] = (), table_name: str | None = None) -> HistoricalRecords:
    """The ``HistoricalRecords`` field every tracked model uses.

    Fields named in ``unrecorded`` (direct identifiers) are left out of the history table: a
    row then says who changed them, when and why, and which ones (``history_changed_fields``),
    but not the values, so that erasing the live row erases them everywhere. ``table_name``
    keeps a model's history table where it was when the model moved between apps.
    """
    return HistoricalRecords(
        table_name=table_name,
        bases=[AuditFields, UnrecordedValues] if unrecorded else [AuditFields],
        get_user=_history_user,
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["password", *unrecorded],
    )


def _fill_audit_fields(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    context = current()
    if context is not None:
        history_instance.history_role = context.role
        history_instance.history_origin = context.origin
        if not history_instance.history_change_reason:
            history_instance.history_change_reason = context.reason
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        user = getattr(request, "user", None)
        is_admin = bool(user and user.is_authenticated and user.is_superuser)
        history_instance.history_role = ROLE_SITE_ADMIN if is_admin else ""
    else:
        history_instance.history_role = ROLE_SYSTEM
    history_instance.history_origin = _default_origin()


def _name_unrecorded_changes(
    sender: Any, instance: Any, history_instance: Any, **kwargs: Any
) -> None:
    if isinstance(history_instance, UnrecordedValues):
        changed = [] if history_instance.history_type == "-" else instance.changed_fields()
        history_instance.history_changed_fields = " ".join(changed)
        instance.remember_saved()  # the next save of this instance compares with this one


def connect() -> None:
    pre_create_historical_record.connect(_fill_audit_fields, dispatch_uid="diary.audit.fill")
    pre_create_historical_record.connect(
        _name_unrecorded_changes, dispatch_uid="diary.audit.unrecorded"
    )


def protect_tables_sql(*tables: str) -> tuple[str, str]:
    """PostgreSQL SQL (forward, reverse) making ``tables`` append-only at the database."""
    function = """
CREATE OR REPLACE FUNCTION ifn_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'IFN Diary: % on % is refused: audit and diary records are append-only',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
    forward = [function]
    reverse = []
    for table in tables:
        forward.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ifn_refuse_change();"
        )
        reverse.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    return "\n".join(forward), "\n".join(reverse)


def protect_tables(*tables: str) -> Any:
    """A migration operation installing the append-only triggers on PostgreSQL.

    SQLite (the development default) has no such protection: there, only the application's
    own rules (no update or delete path, read-only admin) keep the records append-only.
    """
    from django.db import migrations

    forward_sql, reverse_sql = protect_tables_sql(*tables)

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward_sql, params=None)

    def reverse(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forward, reverse)
