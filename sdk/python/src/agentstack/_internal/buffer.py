"""A thread-safe, fixed-capacity buffer that drops the oldest item when full."""

from __future__ import annotations

import collections
import threading
from typing import Deque, Generic, List, TypeVar

T = TypeVar("T")


class RingBuffer(Generic[T]):
    """Bounded FIFO: a producer never blocks and memory never grows past ``capacity``.

    When the buffer is full, :meth:`add` evicts the oldest item and counts it in
    :attr:`dropped`, so a dead collector costs a bounded amount of memory and
    the loss is visible.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, int(capacity))
        self._items: Deque[T] = collections.deque(maxlen=self.capacity)
        self._lock = threading.Lock()
        self.dropped = 0

    def add(self, item: T) -> int:
        """Appends ``item``; returns the new length."""
        with self._lock:
            if len(self._items) == self.capacity:
                self.dropped += 1
            self._items.append(item)
            return len(self._items)

    def drain(self, limit: int = 0) -> List[T]:
        """Removes and returns the oldest ``limit`` items (all of them when ``limit`` is 0)."""
        with self._lock:
            if limit <= 0 or limit >= len(self._items):
                items = list(self._items)
                self._items.clear()
                return items
            return [self._items.popleft() for _ in range(limit)]

    def peek(self, n: int) -> List[T]:
        with self._lock:
            return list(self._items)[: max(0, n)]

    def __len__(self) -> int:
        return len(self._items)
