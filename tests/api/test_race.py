"""Fifty phones send the same day at once (PostgreSQL): exactly one entry, no 5xx.

Every thread has its own database connection and its own client; a barrier releases them
together. Real PostgreSQL, never a mock: the unique constraints decide the race.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from diary.days import DayRules
from diary.models import DiaryEntry, EntryVersion
from tests.conftest import api_token

THREADS = 50


def race(cast, keys):
    token = api_token(cast.carer)
    day = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    url = f"/api/v1/patients/{cast.patient.pk}/entries/"
    body = {"date": day.isoformat(), "scores": {"fever": 2, "rash": 1}}
    barrier = threading.Barrier(len(keys))
    statuses: list[int] = []

    def send(key):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait(timeout=30)
            response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(keys)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_fifty_retries_with_one_key_make_one_entry(cast, postgres):
    statuses = race(cast, [str(uuid.uuid4())] * THREADS)
    assert set(statuses) <= {200, 201, 409}
    assert statuses.count(201) == 1
    assert DiaryEntry.objects.count() == 1 and EntryVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_phones_with_their_own_keys_make_one_entry(cast, postgres):
    statuses = race(cast, [str(uuid.uuid4()) for _ in range(THREADS)])
    assert set(statuses) <= {200, 201, 409}
    assert statuses.count(201) == 1 and statuses.count(409) == THREADS - 1
    assert DiaryEntry.objects.count() == 1 and EntryVersion.objects.count() == 1
