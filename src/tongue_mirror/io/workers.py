"""Runs one consumer (or one reader) on its own thread behind a bounded queue, so stages overlap."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import cv2

from tongue_mirror.io.handoff import POLL_S, Handoff

T = TypeVar("T")
V = TypeVar("V")
_STOP = object()
_END = object()


class BackgroundWorker(Generic[T]):
    """`submit(item)` hands items to `consume` on a worker thread, in order; `close()` drains it.

    The queue is bounded, so a slow consumer slows the producer instead of piling up memory.
    An exception in the consumer is re-raised in the producer at the next submit or at close.
    `nice` > 0 lowers the worker thread's CPU priority (Linux; elsewhere ignored), so work that
    can wait (encoding a replay) yields the cores to the live loop.
    """

    def __init__(self, consume: Callable[[T], None], max_queue: int = 4,
                 name: str = "background", nice: int = 0) -> None:
        _check_queue_and_nice(max_queue, nice)
        self._consume = consume
        self._nice = nice
        self._queue = Handoff(max_queue)  # Ctrl-C in submit() must not deadlock close()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        if self._nice:
            lower_thread_priority(self._nice)
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

    def try_submit(self, item: T) -> bool:
        """Queues one item unless the queue is full; False = not queued (the caller never waits)."""
        if self._closed:
            raise RuntimeError("worker is closed")
        self._raise_pending()
        if len(self._queue) >= self._queue.maxsize:
            return False
        self._queue.put_now(item)
        return True

    @property
    def pending(self) -> int:
        """Items submitted and not yet consumed (queued or in progress)."""
        return self._queue.unfinished

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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(BaseException):  # the original exception wins
            self.close()


class _Failed:
    """The reader's exception, queued after the items read before it."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """Iterates `items` on a worker thread, up to `max_queue` ahead of the loop that consumes them.

    So reading (decoding a video file) overlaps the consumer's work. Items keep their order; an
    exception in the reader is raised in the consumer after the items read before it. `close()`
    (also on leaving the with-block) stops the reader early, e.g. after Ctrl-C, and waits for it.
    `nice` > 0 lowers the reader thread's CPU priority, as BackgroundWorker's does.
    """

    def __init__(self, items: Iterable[T], max_queue: int = 4, name: str = "read-ahead",
                 nice: int = 0) -> None:
        _check_queue_and_nice(max_queue, nice)
        self._items = items
        self._nice = nice
        self._queue = Handoff(max_queue)
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._nice:
            lower_thread_priority(self._nice)
        try:
            for item in self._items:
                if self._stop:
                    return
                self._queue.put(item)
        except BaseException as exc:  # handed to the consumer thread
            self._queue.put_now(_Failed(exc))
            return
        self._queue.put_now(_END)

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def close(self) -> None:
        """Stops the reader after the item it is reading and waits for its thread to end."""
        self._stop = True
        while self._thread.is_alive():
            self._queue.drop_all()  # a reader waiting for room reads on, then sees the stop
            self._thread.join(POLL_S)

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _check_queue_and_nice(max_queue: int, nice: int) -> None:
    if max_queue < 1:
        raise ValueError("max_queue must be >= 1")
    if not 0 <= nice <= 19:
        raise ValueError("nice must be in 0..19")


def lower_thread_priority(nice: int) -> None:
    """Raises the calling thread's nice value by `nice` (Linux threads have their own)."""
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return
    with contextlib.suppress(OSError):
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + nice))


def switch_interval(seconds: float) -> contextlib.AbstractContextManager[None]:
    """Sets how long a Python thread may keep the GIL while another waits, restored on exit.

    A thread that released the GIL for native work (MediaPipe's landmarker, OpenCV) waits up to
    this long to take it back from a thread running Python: CPython's default, 5 ms, is half a
    landmarker frame, paid at every release while the analysis runs beside it.
    """
    if not seconds > 0:
        raise ValueError("switch interval must be > 0")
    return _set_for_block(sys.getswitchinterval, sys.setswitchinterval, seconds)


def opencv_threads(count: int) -> contextlib.AbstractContextManager[None]:
    """Sets how many threads OpenCV's own calls may use, restored on exit.

    When the pipeline's threads already fill the cores, OpenCV splitting a resize across its
    pool only adds hand-overs and its workers' waiting: the same pictures (row splits compute
    each row alike) for more CPU. 1 = every call on the calling thread.
    """
    if count < 1:
        raise ValueError("OpenCV threads must be >= 1")
    return _set_for_block(cv2.getNumThreads, cv2.setNumThreads, count)


@contextlib.contextmanager
def _set_for_block(get: Callable[[], V], put: Callable[[V], object], value: V) -> Iterator[None]:
    """A process-wide setting changed for a block and put back after it, even on error."""
    before = get()
    put(value)
    try:
        yield
    finally:
        put(before)
