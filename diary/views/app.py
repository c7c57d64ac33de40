"""The installable app: the service worker (served from the site root so it covers every page)
and the web app manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The files a diary page needs besides itself; the service worker keeps them for offline use.
SHELL_ASSETS = ("css/app.css", "js/form-errors.js", "js/diary.js", "img/icon.svg")


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: the worker's code with the current asset URLs and a version that changes
    whenever the worker or an asset changes, so phones drop the old cache."""
    source = _read("js/sw.js")
    digest = hashlib.sha256(source.encode())
    for asset in SHELL_ASSETS:
        digest.update(_read(asset).encode())
    version = json.dumps(digest.hexdigest()[:12])
    assets = json.dumps([static(asset) for asset in SHELL_ASSETS])
    header = f"const VERSION = {version};\nconst ASSETS = {assets};\n"
    response = HttpResponse(header + source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest that lets a carer add the diary to the home screen."""
    data = {
        "name": _("IFN Diary"),
        "short_name": _("IFN Diary"),
        "description": _("The evening symptom diary for your child."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f8fa",
        "theme_color": "#0b6e6e",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def _read(asset: str) -> str:
    path = finders.find(asset)
    if not path:
        raise FileNotFoundError(asset)
    return Path(str(path)).read_text(encoding="utf-8")
