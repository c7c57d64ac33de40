"""Words for scores. A status is described, never turned into a label for the patient."""

from django import template
from django.utils.translation import gettext_lazy as _

from diary import wording

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
    return wording.zone_place(zone)
