from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from diary.invitations import create_invitation, invitation_link
from diary.models import CarerLink, Language, Patient, User


class Command(BaseCommand):
    help = (
        "Invite a carer to a patient's diary: emails them a link (valid once, for "
        "CARER_INVITATION_DAYS days) to choose a username and password."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--patient", required=True, help="Patient reference, e.g. GOS-0012.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--relationship", required=True, choices=CarerLink.Relationship.values)
        parser.add_argument("--by", required=True, help="Username of a clinic admin.")
        parser.add_argument("--language", default="en", choices=Language.values)
        parser.add_argument(
            "--show-link", action="store_true", help="Also print the link (it is a credential)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        patient = Patient.objects.select_related("clinic").filter(reference=options["patient"])
        admin = User.objects.filter(username=options["by"], is_active=True).first()
        if not patient.exists() or admin is None:
            raise CommandError("No such patient or clinic admin.")
        try:
            invitation, token = create_invitation(
                patient=patient.get(),
                email=options["email"],
                relationship=options["relationship"],
                invited_by=admin,
                language=options["language"],
            )
        except (PermissionDenied, Http404) as error:
            raise CommandError(f"{admin} is not a clinic admin of this patient.") from error
        except ValidationError as error:
            raise CommandError(str(error)) from error
        expires = f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC"
        self.stdout.write(f"Invitation emailed to {invitation.email}; it expires {expires}.")
        if options["show_link"]:
            self.stdout.write(invitation_link(token))
