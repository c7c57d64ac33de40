"""``config.warmup``: what a gunicorn process does before its first request."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.warmup import warm_up


def test_every_project_template_is_compiled_without_touching_the_database(db):
    folder = settings.BASE_DIR / "templates"
    expected = {
        path.relative_to(folder).as_posix()
        for pattern in ("*.html", "*.txt")
        for path in folder.rglob(pattern)
    }
    with CaptureQueriesContext(connection) as queries:
        compiled = warm_up()
    assert set(compiled) == expected and len(expected) > 40
    assert not queries.captured_queries
