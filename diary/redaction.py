"""Keeps patient data and secrets out of log lines (no Django imports: logging loads it first).

Code logs ids and event names only; ``PatientDataLogFilter`` is the safety net for a message
that interpolates a form, a request body or a dict by mistake.
"""

from __future__ import annotations

import logging
import re

# Names of form fields, variables and log keys that may carry patient data or secrets.
SENSITIVE_NAMES = (
    "display_name",
    "date_of_birth",
    "notes",
    "note",
    "scores",
    "temperature_c",
    "sleep_hours",
    "reason",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "otp",
    "otp_token",
    "code",
    "token",
    "email",
)
_NAMES = "|".join(SENSITIVE_NAMES)
_KEY_VALUE = re.compile(
    rf"""(?P<key>["']?(?:{_NAMES})["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,&}}]+)""",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


class PatientDataLogFilter(logging.Filter):
    """Redacts ``key=value`` and ``"key": value`` pairs of sensitive names in log messages.

    Code logs ids and event names only; this is the safety net for a message that interpolates
    a form, a request body or a dict by mistake.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
