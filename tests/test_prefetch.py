"""The prefetch thread: order kept, errors raised in order, early stop."""
from __future__ import annotations

import threading

import pytest

from intake.prefetch import prefetched


def test_results_come_in_order_from_another_thread():
    threads = set()
    def produce(n):
        threads.add(threading.current_thread().name)
        return n * n
    assert list(prefetched(produce, range(20))) == [n * n for n in range(20)]
    assert threads == {"prefetch"}


def test_an_error_is_raised_after_the_results_before_it():
    def produce(n):
        if n == 3:
            raise ValueError("boom")
        return n
    got = []
    with pytest.raises(ValueError, match="boom"):
        for value in prefetched(produce, range(10)):
            got.append(value)
    assert got == [0, 1, 2]


def test_stopping_early_stops_the_producer():
    produced = []
    def produce(n):
        produced.append(n)
        return n
    for value in prefetched(produce, range(1000), ahead=1):
        if value == 2:
            break
    assert len(produced) <= 5
    assert not any(t.name == "prefetch" for t in threading.enumerate())
