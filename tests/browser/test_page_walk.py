"""The accessibility walk (``tests/browser/page_walk.py``) reaches every page URL: a new page
fails here until it is walked or named in ``NOT_PAGES``."""

from tests.browser import page_walk
from tests.test_page_matrix import PAGES


def test_every_page_url_is_walked_or_is_not_a_page():
    assert set(PAGES) - page_walk.NOT_PAGES == page_walk.walked_names()
    assert not page_walk.NOT_PAGES - set(PAGES)  # no stale names
