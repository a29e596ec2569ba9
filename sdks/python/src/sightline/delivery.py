"""An exporter that remembers whether its spans were delivered, so `flush()` can say when they were not."""

from __future__ import annotations

import threading
from typing import Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from .safe import report_once


class DeliveryWatch(SpanExporter):
    """Passes spans to `inner`; counts those it failed to deliver (an exception counts as a failure, never escapes)."""

    def __init__(self, inner: SpanExporter, target: str) -> None:
        self.inner = inner
        self.target = target
        self._lock = threading.Lock()
        self._lost = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export(spans)
        except Exception as err:  # noqa: BLE001 - an exporter's failure must not reach the app
            report_once(f"sightline: exporting to {self.target}", err)
            result = SpanExportResult.FAILURE
        if result != SpanExportResult.SUCCESS:
            with self._lock:
                self._lost += len(spans)
        return result

    def take_lost(self) -> int:
        """Spans not delivered since the last call."""
        with self._lock:
            lost, self._lost = self._lost, 0
        return lost

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flush = getattr(self.inner, "force_flush", None)
        return bool(flush(timeout_millis)) if callable(flush) else True
