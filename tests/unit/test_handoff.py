"""The producer/consumer hand-off: order, bound, flush, and no deadlock after an interrupt."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from tongue_mirror.io.handoff import Handoff

_STOP = object()


def drain(handoff: Handoff, out: list) -> threading.Thread:
    """A consumer thread that collects items until the stop marker."""
    def run() -> None:
        while True:
            item = handoff.get()
            handoff.task_done()
            if item is _STOP:
                return
            out.append(item)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_items_arrive_in_order_and_flush_waits_for_them():
    h = Handoff(3)
    got: list = []
    consumer = drain(h, got)
    for i in range(200):
        h.put(i)
    h.wait_done(consumer)
    assert got == list(range(200))
    h.put_now(_STOP)
    consumer.join(timeout=2)
    assert not consumer.is_alive()


def test_put_waits_while_full_and_put_now_does_not():
    h = Handoff(2)
    h.put(1)
    h.put(2)
    h.put_now(3)  # a stop marker never waits
    assert len(h) == 3
    done = threading.Event()

    def producer() -> None:
        h.put(4)
        done.set()

    threading.Thread(target=producer, daemon=True).start()
    time.sleep(0.15)
    assert not done.is_set()  # still full
    assert [h.get(), h.get()] == [1, 2]
    assert done.wait(1.0)
    assert [h.get(), h.get()] == [3, 4]


def test_wait_done_returns_when_the_consumer_is_gone():
    h = Handoff(2)
    h.put(1)
    dead = threading.Thread(target=lambda: None)
    dead.start()
    dead.join()
    h.wait_done(dead)  # would wait for ever without the liveness check


def test_bad_size_is_refused():
    with pytest.raises(ValueError):
        Handoff(0)


def _interrupt_at_line(n: int):
    """A tracer that raises KeyboardInterrupt at the n-th line executed inside Handoff.put."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_name not in ("put", "put_now", "_signal"):
            return tracer
        if event == "line":
            count += 1
            if count == n:
                raise KeyboardInterrupt
        return tracer

    return tracer


def test_an_interrupt_anywhere_in_put_never_deadlocks_the_close():
    """Ctrl-C lands between any two lines of put(); the stop marker still gets through."""
    for n in range(1, 12):
        h = Handoff(2)
        got: list = []
        consumer = drain(h, got)
        h.put("a")
        sys.settrace(_interrupt_at_line(n))
        try:
            h.put("b")
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        h.put_now(_STOP)
        consumer.join(timeout=2.0)
        assert not consumer.is_alive(), f"deadlocked after an interrupt at line {n}"
        assert got[0] == "a" and set(got) <= {"a", "b"}
