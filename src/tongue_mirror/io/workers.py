"""Runs one consumer on its own thread behind a bounded queue, so drawing overlaps analysis."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from tongue_mirror.io.handoff import Handoff

T = TypeVar("T")
_STOP = object()


class BackgroundWorker(Generic[T]):
    """`submit(item)` hands items to `consume` on a worker thread, in order; `close()` drains it.

    The queue is bounded, so a slow consumer slows the producer instead of piling up memory.
    An exception in the consumer is re-raised in the producer at the next submit or at close.
    """

    def __init__(self, consume: Callable[[T], None], max_queue: int = 4,
                 name: str = "background") -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be >= 1")
        self._consume = consume
        self._queue = Handoff(max_queue)  # Ctrl-C in submit() must not deadlock close()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None:  # after an error, keep draining: never block the producer
                    self._consume(item)
            except BaseException as exc:  # handed to the producer thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, item: T) -> None:
        """Queues one item (blocks while the queue is full)."""
        if self._closed:
            raise RuntimeError("worker is closed")
        self._raise_pending()
        self._queue.put(item)

    def flush(self) -> None:
        """Waits until every item submitted so far has been consumed."""
        if not self._closed:
            self._queue.wait_done(self._thread)
        self._raise_pending()

    def close(self) -> None:
        """Waits for every queued item to be consumed; re-raises a consumer error."""
        if not self._closed:
            self._closed = True
            self._queue.put_now(_STOP)
            self._thread.join()
        self._raise_pending()

    def __enter__(self) -> BackgroundWorker[T]:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(BaseException):  # the original exception wins
            self.close()
