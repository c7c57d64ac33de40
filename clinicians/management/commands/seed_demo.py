import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from clinicians.management.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Create (or top up) the demo clinics, staff, carers, patients and six months of diaries. "
        "Sets a fresh random password on every demo account and prints the logins."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--json", action="store_true", help="Print the demo accounts as JSON, nothing else."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed()
        if options["json"]:
            self.stdout.write(json.dumps([asdict(a) for a in accounts], indent=2))
            return
        self.stdout.write(
            "Demo logins (passwords are new on every run; staff add the key to an "
            "authenticator app for the two-factor code):"
        )
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            scope = ", ".join(account.patients) if account.patients else "Django admin only"
            self.stdout.write(
                f"  {account.username:<{width}}  {account.password}  "
                f"{account.role:<12} {account.clinic or '':<4} {scope}"
            )
            if account.totp_secret:
                self.stdout.write(f"  {'':<{width}}  two-factor key: {account.totp_secret}")
