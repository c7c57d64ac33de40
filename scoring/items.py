"""A diary item: one symptom scored daily 0-4, with its carer-facing text in each language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

Anchors = tuple[str, str, str, str, str]
"""Five plain-language anchors, for the scores 0, 1, 2, 3 and 4 in that order."""

LANGUAGES = ("en", "ja")
"""Languages the built-in instruments carry; English is the fallback for any other."""

MIN_SCORE = 0
MAX_SCORE = 4

_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text, got {value!r}")
    return value


@dataclass(frozen=True)
class Item:
    """One diary item (``code`` such as ``"fever"``), scored 0 none … 4 very severe, or blank.

    ``labels`` maps a language code to the item's label; ``anchors`` maps a language code to the
    five anchors of scores 0-4. Both must include English.
    """

    code: str
    labels: Mapping[str, str]
    anchors: Mapping[str, Anchors]

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _CODE.fullmatch(self.code):
            raise ValueError(f"item code must be lower_snake_case text, got {self.code!r}")
        if "en" not in self.labels or "en" not in self.anchors:
            raise ValueError(f"item {self.code!r} needs an English label and English anchors")
        labels = {lang: _text(text, f"{self.code} label") for lang, text in self.labels.items()}
        anchors = {lang: self._five(lang, words) for lang, words in self.anchors.items()}
        object.__setattr__(self, "labels", MappingProxyType(labels))
        object.__setattr__(self, "anchors", MappingProxyType(anchors))

    def _five(self, lang: str, words: object) -> Anchors:
        if isinstance(words, str) or not isinstance(words, tuple | list) or len(words) != 5:
            raise ValueError(f"item {self.code!r} needs five {lang} anchors, got {words!r}")
        a0, a1, a2, a3, a4 = (_text(word, f"{self.code} anchor") for word in words)
        return (a0, a1, a2, a3, a4)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.labels.items()))))

    @property
    def label(self) -> str:
        """The English label."""
        return self.labels["en"]

    def label_in(self, lang: str) -> str:
        """Return the label in ``lang``, or the English label when that language is missing."""
        return self.labels.get(lang, self.labels["en"])

    def anchors_in(self, lang: str) -> Anchors:
        """Return the anchors of scores 0-4 in ``lang``, falling back to English."""
        return self.anchors.get(lang, self.anchors["en"])

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict that :meth:`from_dict` turns back into this item."""
        return {
            "code": self.code,
            "labels": dict(self.labels),
            "anchors": {lang: list(words) for lang, words in self.anchors.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        """Build an item from :meth:`to_dict` output; ``ValueError`` on a malformed dict."""
        check_keys(data, {"code", "labels", "anchors"}, what="item")
        labels, anchors = data["labels"], data["anchors"]
        if not isinstance(labels, Mapping) or not isinstance(anchors, Mapping):
            raise ValueError(f"item labels and anchors must be mappings, got {data!r}")
        return cls(code=data["code"], labels=labels, anchors=anchors)


def check_keys(data: Mapping[str, Any], required: set[str], *, what: str) -> None:
    """Raise ``ValueError`` unless ``data`` is a mapping with exactly the ``required`` keys."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a mapping, got {type(data).__name__}")
    missing, unknown = required - data.keys(), data.keys() - required
    if missing or unknown:
        raise ValueError(f"{what}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
