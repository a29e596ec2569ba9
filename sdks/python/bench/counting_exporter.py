"""A span exporter that counts and drops what it is given, keeping only the last batch to look at."""

from __future__ import annotations

import json
import threading
from typing import Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult


class CountingExporter(SpanExporter):
    """Costs next to nothing per span, so a benchmark measures the instrumentation, not the export.

    ``take()`` returns how many spans arrived since the last take; it is safe against a batch
    processor exporting from its own thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._last: Sequence[ReadableSpan] = ()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with self._lock:
            self._count += len(spans)
            if spans:
                self._last = spans
        return SpanExportResult.SUCCESS

    def take(self) -> int:
        with self._lock:
            count, self._count = self._count, 0
        return count

    def last_recorded(self) -> str:
        """The attributes and events of the last span exported, as text: to see whether content was captured."""
        with self._lock:
            last = list(self._last[-1:])
        return json.dumps(
            [[s.name, dict(s.attributes or {}), [[e.name, dict(e.attributes or {})] for e in s.events]] for s in last],
            default=str,
            ensure_ascii=False,
        )

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
