"""The background worker and the read-ahead keep order, bound their queues, and hand errors over."""

from __future__ import annotations

import itertools
import sys
import threading
import time

import cv2
import pytest

from tongue_mirror.io.workers import BackgroundWorker, ReadAhead, opencv_threads, switch_interval


def test_items_are_consumed_in_order_and_close_drains():
    seen: list[int] = []
    with BackgroundWorker(seen.append, max_queue=2) as worker:
        for i in range(100):
            worker.submit(i)
    assert seen == list(range(100))


def test_a_slow_consumer_blocks_the_producer_instead_of_queueing_everything():
    gate = threading.Event()
    started = threading.Event()
    consumed: list[int] = []

    def consume(i: int) -> None:
        started.set()
        gate.wait(5)
        consumed.append(i)

    worker = BackgroundWorker(consume, max_queue=2)
    worker.submit(0)
    started.wait(5)
    worker.submit(1)
    worker.submit(2)
    blocked = threading.Thread(target=worker.submit, args=(3,))
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive()  # queue full: the fourth item waits
    gate.set()
    blocked.join(5)
    worker.close()
    assert consumed == [0, 1, 2, 3]


def test_consumer_errors_reach_the_producer():
    def consume(i: int) -> None:
        if i == 3:
            raise OSError("disk full")

    worker = BackgroundWorker(consume, max_queue=1)
    with pytest.raises(OSError, match="disk full"):
        for i in range(50):
            worker.submit(i)
        worker.close()


def test_bad_queue_size():
    with pytest.raises(ValueError):
        BackgroundWorker(print, max_queue=0)


def test_flush_waits_for_everything_submitted():
    seen: list[int] = []
    worker = BackgroundWorker(seen.append, max_queue=3)
    for i in range(10):
        worker.submit(i)
    worker.flush()
    assert seen == list(range(10))
    worker.close()


def test_try_submit_never_waits_and_says_when_it_did_not_queue():
    gate = threading.Event()
    started = threading.Event()

    def consume(_: int) -> None:
        started.set()
        gate.wait(5)

    worker = BackgroundWorker(consume, max_queue=1)
    assert worker.try_submit(0)
    started.wait(5)
    assert worker.try_submit(1)  # the queue holds one while the first is consumed
    assert not worker.try_submit(2)
    assert worker.pending == 2
    gate.set()
    worker.close()
    assert worker.pending == 0


@pytest.mark.skipif(not hasattr(threading, "get_native_id") or sys.platform != "linux",
                    reason="per-thread nice is a Linux feature")
def test_a_nice_worker_runs_at_lower_priority_than_its_producer():
    import os

    seen: list[int] = []
    with BackgroundWorker(lambda _: seen.append(os.getpriority(os.PRIO_PROCESS,
                                                               threading.get_native_id())),
                          nice=7) as worker:
        worker.submit(0)
    assert seen[0] == min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + 7)


def test_read_ahead_yields_every_item_in_order():
    with ReadAhead(iter(range(500)), max_queue=3) as reader:
        assert list(reader) == list(range(500))


def test_read_ahead_reads_while_the_consumer_works():
    read: list[int] = []

    def items():
        for i in range(3):
            read.append(i)
            yield i

    with ReadAhead(items(), max_queue=4) as reader:
        it = iter(reader)
        assert next(it) == 0
        deadline = time.monotonic() + 5
        while len(read) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert read == [0, 1, 2]  # the rest was read before the consumer asked for it
        assert list(it) == [1, 2]


def test_read_ahead_raises_the_readers_error_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise OSError("disk gone")

    got: list[int] = []
    with ReadAhead(items(), max_queue=1) as reader, pytest.raises(OSError, match="disk gone"):
        for item in reader:
            got.append(item)
    assert got == [1, 2]


def test_closing_a_read_ahead_early_stops_its_reader():
    read = itertools.count()

    def endless():
        while True:
            yield next(read)

    reader = ReadAhead(endless(), max_queue=2, name="endless")
    assert next(iter(reader)) == 0  # the reader now waits for room
    reader.close()
    assert not any(t.name == "endless" for t in threading.enumerate())
    stopped_at = next(read)
    time.sleep(0.1)
    assert next(read) == stopped_at + 1  # nothing read after close


def test_read_ahead_bad_queue_size_and_nice():
    with pytest.raises(ValueError):
        ReadAhead(iter(()), max_queue=0)
    with pytest.raises(ValueError, match="nice"):
        ReadAhead(iter(()), nice=20)


@pytest.mark.skipif(not hasattr(threading, "get_native_id") or sys.platform != "linux",
                    reason="per-thread nice is a Linux feature")
def test_a_nice_reader_runs_at_lower_priority_than_its_consumer():
    import os

    def priorities():
        yield os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    with ReadAhead(priorities(), nice=5) as reader:
        seen = list(reader)
    assert seen == [min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + 5)]


def test_switch_interval_is_set_inside_and_restored_after_even_on_error():
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), switch_interval(0.0002):
        assert sys.getswitchinterval() == pytest.approx(0.0002)
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == before
    with pytest.raises(ValueError), switch_interval(0.0):
        pass


def test_opencv_threads_are_set_inside_and_restored_after_even_on_error():
    before = cv2.getNumThreads()
    with pytest.raises(RuntimeError), opencv_threads(1):
        assert cv2.getNumThreads() == 1
        raise RuntimeError("boom")
    assert cv2.getNumThreads() == before
    with pytest.raises(ValueError), opencv_threads(0):
        pass
