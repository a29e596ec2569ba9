"""Finished spans kept in memory, for tests."""

from __future__ import annotations

from typing import List

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class MemoryExporter(InMemorySpanExporter):
    """``spans`` in the order they ended; ``clear()`` to start over."""

    @property
    def spans(self) -> List[ReadableSpan]:
        return list(self.get_finished_spans())
