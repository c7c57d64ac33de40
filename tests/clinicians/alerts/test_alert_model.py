import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinicians.alerts.models import Alert

DAY = datetime.date(2026, 11, 18)


def _alert(patient, **kwargs):
    fields = {
        "patient": patient,
        "rule": "above_threshold",
        "audience": "care_team",
        "diary_date": DAY,
        "reason": "7-day DDS at or above the control threshold",
        "opened_at": timezone.now(),
    }
    return Alert.objects.create(**(fields | kwargs))


def test_the_same_condition_cannot_open_a_second_alert_while_one_is_open(cast):
    _alert(cast.patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        _alert(cast.patient, diary_date=DAY + datetime.timedelta(days=1))


def test_an_acknowledged_alert_still_blocks_a_second_one(cast):
    _alert(cast.patient, status="acknowledged", acknowledged_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        _alert(cast.patient)


def test_after_resolution_the_condition_may_open_a_new_alert(cast):
    _alert(cast.patient, status="resolved", resolved_at=timezone.now())
    _alert(cast.patient)
    _alert(cast.patient, rule="marked_rise")
    assert Alert.objects.count() == 3


def test_an_acknowledged_alert_needs_its_time(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        _alert(cast.patient, status="acknowledged")
