"""Overlapping slow I/O with the work on its results: a producer thread runs
ahead by a bounded number of items, so memory stays bounded too."""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_END = object()


def prefetched(produce: Callable[[T], R], items: Iterable[T], ahead: int = 1) -> Iterator[R]:
    """Yields produce(item) for each item, computed in a thread at most
    `ahead` results in advance. An error in `produce` is raised here, in
    order; stopping early stops the thread (after its current item)."""
    results: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()
    thread = threading.Thread(target=_work, args=(produce, items, results, stop),
                              name="prefetch", daemon=True)
    thread.start()
    try:
        while (got := results.get()) is not _END:
            if isinstance(got, _Failure):
                raise got.error
            yield got
    finally:
        stop.set()
        thread.join()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _work(produce: Callable, items: Iterable, results: queue.Queue, stop: threading.Event) -> None:
    try:
        for item in items:
            if stop.is_set() or not _put(results, produce(item), stop):
                return
    except BaseException as e:  # handed to the consumer, who raises it
        _put(results, _Failure(e), stop)
        return
    _put(results, _END, stop)


def _put(results: queue.Queue, value: object, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            results.put(value, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
