"""A bounded one-producer, one-consumer hand-off that Ctrl-C can never deadlock.

`queue.Queue` guards its deque with a `threading.Condition`; a KeyboardInterrupt that lands in
the producer between acquiring that lock and entering its `with` block leaves the lock held for
ever (a known CPython hazard), and the consumer and the closing producer then wait on it
without end: we measured 1 hang in 60 Ctrl-Cs of a running recording. Here the items sit in a
`collections.deque`, whose `append`/`popleft` are single atomic C calls, and wake-ups go
through raw locks used as one-shot flags, always waited on with a timeout. An interrupted
producer can at worst lose a wake-up, which costs the other side one poll interval.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from typing import Any

POLL_S = 0.05  # longest a lost wake-up can delay the other side


def _signal(flag: threading.Lock) -> None:
    """Sets a flag (a released raw lock); setting it twice is harmless."""
    with contextlib.suppress(RuntimeError):  # already set
        flag.release()


def _new_flag() -> threading.Lock:
    """A raw lock held = flag clear; released = flag set."""
    flag = threading.Lock()
    flag.acquire()
    return flag


class Handoff:
    """FIFO of at most `maxsize` items from one producer thread to one consumer thread."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        self.maxsize = maxsize
        self._items: collections.deque[Any] = collections.deque()
        self._item_ready = _new_flag()
        self._space_free = _new_flag()
        self._put_count = 0  # written by the producer only
        self._done_count = 0  # written by the consumer only

    def __len__(self) -> int:
        return len(self._items)

    @property
    def unfinished(self) -> int:
        """Items put and not yet marked done (queued or being worked on)."""
        return self._put_count - self._done_count

    def put(self, item: Any) -> None:
        """Appends an item, first waiting while `maxsize` items are pending."""
        while len(self._items) >= self.maxsize:
            self._space_free.acquire(timeout=POLL_S)
        self.put_now(item)

    def put_now(self, item: Any) -> None:
        """Appends an item even when full (a stop marker must never wait)."""
        self._put_count += 1
        self._items.append(item)
        _signal(self._item_ready)

    def get(self) -> Any:
        """Takes the oldest item, waiting for one."""
        while True:
            try:
                item = self._items.popleft()
            except IndexError:
                self._item_ready.acquire(timeout=POLL_S)
                continue
            _signal(self._space_free)
            return item

    def drop_all(self) -> None:
        """The consumer gives up: queued items are dropped, a producer waiting for room goes on."""
        self._items.clear()
        _signal(self._space_free)

    def task_done(self) -> None:
        """The consumer has finished with the item it took last."""
        self._done_count += 1
        _signal(self._space_free)

    def wait_done(self, alive: threading.Thread | None = None) -> None:
        """Waits until every item put so far is done (or the consumer thread has ended)."""
        while self._done_count < self._put_count:
            if alive is not None and not alive.is_alive():
                return
            self._space_free.acquire(timeout=POLL_S)
