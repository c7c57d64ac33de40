"""The app talks to the database through Django's public API only (issue 18).

Private ORM machinery (compilers, insert queries, hand-set instance state or caches, forced
app-registry and resolver population) breaks silently on a Django upgrade and hides what a
request does from the next maintainer.
"""

import re

from django.conf import settings

PACKAGES = ("config", "diary", "clinicians", "scoring", "bench")
PRIVATE = re.compile(
    r"get_compiler|InsertQuery|get_related_populators|apply_converters|django\.db\.models\.sql"
    r"|\._state\b|_result_cache|_prefetch_done|_prefetched_objects_cache|\._populate\b"
)


def test_no_private_orm_api_in_the_app():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for package in PACKAGES
        for path in sorted((settings.BASE_DIR / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PRIVATE.search(line)
    ]
    assert not found, "\n".join(found)
