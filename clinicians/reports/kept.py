"""What a web process keeps between requests: results keyed by everything they are computed from.

A key names its inputs completely (for diary data: the window's marks, see
``diary.selectors.window_marks``), so a kept value is never stale: changed inputs are a new
key, and the old entry ages out. Each ``Kept`` holds its last ``size`` values, shared by the
process's threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")

_EVERY: list[Kept[Any]] = []


class Kept(Generic[Value]):
    """The last ``size`` values by key, least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Value] = OrderedDict()
        self.lock = threading.Lock()
        _EVERY.append(self)

    def get(self, key: tuple[Any, ...]) -> Value | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: Value) -> None:
        with self.lock:
            self.entries[key] = value
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def forget_everything_kept() -> None:
    """Empty every ``Kept`` of the process (for a database whose ids start again, as a test's:
    production never reuses an id, so a key never names two contents there)."""
    for kept in _EVERY:
        kept.clear()
