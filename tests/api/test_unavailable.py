"""A database that cannot be reached answers 503 with Retry-After, not 500 (bench/drills.py runs
the real thing: PostgreSQL refusing connections behind gunicorn)."""

import json

from django.db import OperationalError
from django.test import RequestFactory

from diary.api import problems


def _answer(path):
    request = RequestFactory().post(path)
    try:
        raise OperationalError("too many connections for role")
    except OperationalError:
        # Django calls handler500 inside its except block, with the exception at hand.
        return problems.server_error(request)


def test_the_api_answers_503_problem_details_with_retry_after():
    response = _answer("/api/v1/patients/1/entries/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 503


def test_a_page_answers_503_with_retry_after():
    response = _answer("/clinic/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_any_other_error_is_still_a_500():
    request = RequestFactory().get("/api/v1/patients/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = problems.server_error(request)
    assert response.status_code == 500
