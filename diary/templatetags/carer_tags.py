"""Template filters of the carer's pages (days and scores in the reader's language)."""

import datetime
from fractions import Fraction

from django import template
from django.utils.html import json_script

from diary import wording

register = template.Library()


@register.filter
def long_day(day: datetime.date) -> str:
    return wording.long_day(day)


@register.filter
def short_day(day: datetime.date) -> str:
    return wording.short_day(day)


@register.filter
def carer_status(status: object) -> str:
    return wording.status_words(str(getattr(status, "value", status)))


@register.filter
def score(value: Fraction | None) -> str:
    return wording.score_text(value)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key)


@register.simple_tag
def queue_words() -> str:
    """The offline queue's words in the reader's language, for the page's script."""
    return json_script(wording.queue_words(), "queue-words")
