"""Work a web process does once, at start, instead of in its first requests.

A new gunicorn process compiles each template, builds the URL resolver and loads the
translation catalogues the first time a request needs them: about 0.3 s, which the first
dashboard of every process used to pay (docs/performance.md). ``config/gunicorn.conf.py``
calls ``warm_up`` after loading the app, before the process takes requests. It touches
neither the database nor Redis.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> list[str]:
    """Compile every project template (kept by the cached loader), build the URL resolver and
    load each language's catalogue; returns the names of the templates compiled."""
    engine = engines["django"]
    names = []
    for folder in map(Path, engine.template_dirs):
        if not folder.is_relative_to(settings.BASE_DIR) or ".venv" in folder.parts:
            continue  # the project's own templates, not every installed app's
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
            name = path.relative_to(folder).as_posix()
            engine.get_template(name)
            names.append(name)
    get_resolver()._populate()
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Summary")
    return names
