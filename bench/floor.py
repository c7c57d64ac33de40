"""The load test's floor: the least a diary submission could cost on this stack.

``POST /bench/floor/`` inserts one row with one SQL statement and answers 201, through the same
gunicorn, middleware and PostgreSQL as the real API, with no authentication, validation or
scoring. It exists only when ``BENCH_FLOOR=1`` (``config/urls.py``); production never routes it.
"""

from __future__ import annotations

import uuid

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_floor"
CREATE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, key uuid NOT NULL)"


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    """Insert one row and answer 201 with its id."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (key) VALUES (%s) RETURNING id", [uuid.uuid4()])  # noqa: S608
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
