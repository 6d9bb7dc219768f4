"""What a parse says while it works (a page read by OCR, in a long scan), brought to
the run's display as it happens.

Readers say it the ordinary way, through `logging` (logger "minsheng_etl…", level
INFO), knowing nothing of runs. In a worker process, a QueueHandler sends each
record, stamped with the name of the file being parsed, over a queue the run made;
a QueueListener thread in the run hands it on (logging.handlers: the standard way
across processes). Parsing in the run's own process, a handler does the same
directly.
"""
from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOGGER = "minsheng_etl"
Note = Callable[[str, str], None]  # (file name, what it says)

_current = ""  # the file this process is parsing


def parsing(name: str) -> None:
    """Say which file this process parses now (its notes carry the name)."""
    global _current
    _current = name


class _Stamp(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.source = _current
        return True


class _Relay(logging.Handler):
    def __init__(self, on_note: Note):
        super().__init__(logging.INFO)
        self.on_note = on_note

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.on_note(getattr(record, "source", ""), record.getMessage())
        except Exception:  # a display that fails must not stop the parse
            self.handleError(record)


def send_from_worker(queue) -> None:
    """In a worker process: its readers' notes go over `queue` to the run."""
    logger = logging.getLogger(LOGGER)
    handler = logging.handlers.QueueHandler(queue)
    handler.addFilter(_Stamp())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@contextmanager
def relayed(on_note: Note | None, queue=None) -> Iterator[None]:
    """While the block runs, notes reach `on_note`: from workers' `queue`, or (None)
    from parses in this process."""
    if on_note is None:
        yield
        return
    if queue is not None:
        listener = logging.handlers.QueueListener(queue, _Relay(on_note))
        listener.start()
        try:
            yield
        finally:
            listener.stop()
        return
    logger = logging.getLogger(LOGGER)
    handler, level = _Relay(on_note), logger.level
    handler.addFilter(_Stamp())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
