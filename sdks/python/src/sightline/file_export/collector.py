"""Holds finished spans until the next file write takes them."""

from __future__ import annotations

import os
import threading
import weakref
from typing import List, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from ..safe import report_once

MAX_PENDING_SPANS = 200_000
"""Spans kept for the file export at most; beyond it the oldest are dropped (with one warning)
rather than memory growing without end."""


class FileCollector(SpanExporter):
    """A span exporter that keeps what it is given until :meth:`take`.

    Safe to call from any thread: span processors export from the threads spans end on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: List[ReadableSpan] = []
        _forget_in_forked_children(self)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with self._lock:
            self._pending.extend(spans)
            overflow = len(self._pending) - MAX_PENDING_SPANS
            if overflow > 0:
                del self._pending[:overflow]
        if overflow > 0:
            report_once(
                "sightline: file export",
                RuntimeError(
                    f"more than {MAX_PENDING_SPANS} spans since the last flush; "
                    "the oldest were dropped — call flush() more often"
                ),
            )
        return SpanExportResult.SUCCESS

    def take(self) -> List[ReadableSpan]:
        """The spans since the last call, in the order they ended."""
        with self._lock:
            spans, self._pending = self._pending, []
        return spans

    def put_back(self, spans: Sequence[ReadableSpan]) -> None:
        """Puts spans back (a write failed), ahead of any that came since."""
        with self._lock:
            self._pending = [*spans, *self._pending]

    def after_fork(self) -> None:
        """In a forked child: the spans held are the parent's to write, not the child's."""
        self._lock = threading.Lock()
        self._pending = []

    def shutdown(self) -> None:
        """Nothing to release: the spans stay until taken."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is in flight: spans are held as soon as they are exported."""
        return True


def _forget_in_forked_children(collector: FileCollector) -> None:
    """A forked child (a pre-fork server's worker) starts with none of its parent's pending spans,
    so each span is written once, by the process that recorded it."""
    register = getattr(os, "register_at_fork", None)
    if register is None:
        return
    held = weakref.ref(collector)

    def child() -> None:
        found = held()
        if found is not None:
            found.after_fork()

    register(after_in_child=child)
