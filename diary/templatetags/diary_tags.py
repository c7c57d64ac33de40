"""Words for scores. A status is described, never turned into a label for the patient."""

from babel.dates import get_timezone_location
from django import template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_WORDS = {
    "insufficient": _("not enough data"),
    "remission": _("in the remission range"),
    "controlled": _("below the control threshold"),
    "active": _("at or above the control threshold"),
}


@register.filter
def status_words(status: object) -> str:
    code = str(getattr(status, "value", status))
    return str(STATUS_WORDS.get(code, code))


@register.filter
def zone_place(zone: object) -> str:
    """A time zone as the place readers know it, in their language: Asia/Tokyo is 東京 or Tokyo
    (CLDR's names, through Babel); a zone without a city, such as UTC, keeps its name."""
    name = str(getattr(zone, "key", zone))
    language = translation.to_locale(translation.get_language() or "en")
    try:
        return get_timezone_location(name, locale=language, return_city=True)
    except LookupError:
        return name
