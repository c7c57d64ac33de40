"""How the carer's pages say days and scores, in the reader's language.

Date formats are translatable strings, so Japanese reads 11月18日(火) where English reads
Tuesday 18 November. A status is described, never turned into a label for the child, and a week
without enough entries says so instead of showing a number the rules do not support.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from babel.dates import get_timezone_location
from django.utils import dateformat, translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

import scoring

CARER_STATUS_WORDS = {
    "insufficient": _("not enough entries yet this week"),
    "remission": _("in the remission range"),
    "controlled": _("below the control threshold"),
    "active": _("at or above the control threshold"),
}


def long_day(day: datetime.date) -> str:
    """'Tuesday 18 November' (English), '11月18日(火)' (Japanese)."""
    return dateformat.format(day, pgettext("long date format", "l j F"))


def short_day(day: datetime.date) -> str:
    """'Tue 18 Nov' (English), '11/18(火)' (Japanese)."""
    return dateformat.format(day, pgettext("short date format", "D j M"))


def weekday_letter(day: datetime.date) -> str:
    """'Tue' (English), '火' (Japanese): the chart's axis."""
    return dateformat.format(day, "D")


def status_words(status: scoring.Status | str) -> str:
    return str(CARER_STATUS_WORDS.get(str(status), str(status)))


def score_text(value: Fraction | None) -> str:
    """A DDS for display: three decimals, truncated (never rounded across a threshold)."""
    return "" if value is None else str(scoring.round_score(value))


def queue_words() -> dict[str, str]:
    """What the offline queue says on the page, translated now for the page's script."""
    return {
        "waiting": gettext("Saved on this phone, waiting to send"),
        "sent": gettext("Sent"),
        "signin": gettext("Sign in again to send it."),
        "conflict": gettext(
            "Not sent: this day already has an entry. Open it to check or correct it."
        ),
        "rejected": gettext("Not sent: the diary could not accept this entry."),
        "open": gettext("Open"),
        "dismiss": gettext("Dismiss"),
        "fever": gettext("Fever from the temperature"),
        "sleep": gettext("Sleep from the hours"),
        "correctOffline": gettext(
            "You are offline. A correction needs a connection; please try again when you are "
            "back online."
        ),
        "staleDay": gettext("This page was loaded earlier; it now shows the diary for"),
        "checkAnswer": gettext("Please check this answer."),
        "offlineNow": gettext(
            "You are offline. You can still fill in the diary: it is kept on this phone and "
            "sent when the connection is back."
        ),
        "waitingTag": gettext("waiting to send"),
    }


def zone_place(zone: object) -> str:
    """A time zone as the place readers know it, in their language: Asia/Tokyo is 東京 or Tokyo
    (CLDR's names, through Babel); a zone without a city, such as UTC, keeps its name."""
    name = str(getattr(zone, "key", zone))
    language = translation.to_locale(translation.get_language() or "en")
    try:
        return str(get_timezone_location(name, locale=language, return_city=True))
    except LookupError:
        return name
