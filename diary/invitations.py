"""Carer invitations: a clinic invites a carer by email; the link lets them set a password.

The token is 32 random bytes, sent only in the email; the database keeps its SHA-256. An
invitation works once, until it expires (``CARER_INVITATION_DAYS``, default 7). Accepting is a
conditional update (``... WHERE accepted_at IS NULL``), so two taps on the link, or two tabs,
create one account and one link.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diary.access import role_for
from diary.audit import ROLE_CARER, ROLE_CLINIC_ADMIN, audit_context
from diary.models import CarerInvitation, CarerLink, Patient, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accept_invitation", args=[token])


def create_invitation(
    *,
    patient: Patient,
    email: str,
    relationship: str,
    invited_by: Any,
    language: str = "en",
    now: datetime.datetime | None = None,
) -> tuple[CarerInvitation, str]:
    """Store an invitation and email its link; returns the invitation and the raw token.

    Only a clinic admin of the patient's clinic may invite (anyone else: ``PermissionDenied``).
    """
    if role_for(invited_by, patient) != ROLE_CLINIC_ADMIN:
        raise PermissionDenied("Only the clinic's admins invite carers.")
    if relationship not in CarerLink.Relationship.values:
        raise ValidationError({"relationship": _("Unknown relationship.")})
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = CarerInvitation.objects.create(
            patient=patient,
            email=User.objects.normalize_email(email),
            relationship=relationship,
            language=language,
            token_hash=_hash(token),
            expires_at=now + datetime.timedelta(days=settings.CARER_INVITATION_DAYS),
            invited_by=invited_by,
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, token))
    return invitation, token


def send_invitation_email(invitation: CarerInvitation, token: str) -> None:
    """The invitation email, in the language the clinic chose for the carer."""
    with translation.override(invitation.language):
        context = {
            "link": invitation_link(token),
            "clinic": invitation.patient.clinic.name,
            "expires_at": invitation.expires_at,
            "days": settings.CARER_INVITATION_DAYS,
        }
        subject = render_to_string("diary/emails/invitation_subject.txt", context).strip()
        text = render_to_string("diary/emails/invitation_body.txt", context)
        html = render_to_string("diary/emails/invitation_body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


def open_invitation(token: str, now: datetime.datetime | None = None) -> CarerInvitation | None:
    """The invitation ``token`` opens, if it is neither used nor expired."""
    now = now or timezone.now()
    return (
        CarerInvitation.objects.select_related("patient", "patient__clinic")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=now)
        .first()
    )


def accept_as_new_carer(
    *, invitation: CarerInvitation, username: str, password: str
) -> User | None:
    """Create the carer's account and their link to the patient; ``None`` if already used."""
    with transaction.atomic():
        user = User.objects.create(
            username=username,
            email=invitation.email,
            language=invitation.language,
            password=make_password(password),
        )
        if not _link(invitation, user):
            transaction.set_rollback(True)
            return None
    return user


def accept_as_existing_user(*, invitation: CarerInvitation, user: Any) -> bool:
    """Add the patient to a signed-in user's diary; ``False`` if the invitation was used."""
    with transaction.atomic():
        return _link(invitation, user)


def _link(invitation: CarerInvitation, user: Any) -> bool:
    now = timezone.now()
    claimed = CarerInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        return False
    with audit_context(user=user, role=ROLE_CARER, reason="accepted a clinic invitation"):
        CarerLink.objects.get_or_create(
            carer=user,
            patient=invitation.patient,
            defaults={"relationship": invitation.relationship},
        )
    return True
