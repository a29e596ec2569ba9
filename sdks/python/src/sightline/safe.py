"""Instrumentation must never break the app.

A failure inside the SDK is logged once per kind (so a broken hook does not flood the log) and
the app's call proceeds. Configuration problems the SDK worked around are warned about once.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("sightline")

_lock = threading.Lock()
_reported: set[str] = set()
_warned: set[str] = set()


def report_once(where: str, err: BaseException) -> None:
    """Logs an SDK failure once per `where`; the call it happened in proceeds uninstrumented."""
    with _lock:
        if where in _reported:
            return
        _reported.add(where)
    logger.warning("%s: %s (reported once; the call proceeds uninstrumented)", where, err)


def warn_once(message: str) -> None:
    """A configuration problem the SDK worked around, warned about once per process."""
    with _lock:
        if message in _warned:
            return
        _warned.add(message)
    logger.warning("sightline: %s", message)
