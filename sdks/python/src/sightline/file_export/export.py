"""The JSON file export: spans collected as they end, written as one document per flush."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timezone
from typing import Optional, Set

from .collector import FileCollector
from .document import export_document
from .output import output_path, read_document, write_document


class FileExport:
    """Collects finished spans (give :attr:`collector` to a span processor) and writes them.

    >>> export = FileExport("runs/")
    >>> provider.add_span_processor(SimpleSpanProcessor(export.collector))  # doctest: +SKIP
    >>> export.write()  # doctest: +SKIP
    '/app/runs/conv-42.json'
    """

    def __init__(self, target: Optional[str]) -> None:
        """`target` is the configured path (``out`` / ``SIGHTLINE_OUT``): a file, or a directory
        when it ends in ``/`` or exists; None for the working directory."""
        self.collector = FileCollector()
        self._target = target
        # Files this process wrote: writing one again adds to it rather than replacing it.
        self._written: Set[str] = set()
        # One write at a time, so two flushes to one file cannot each miss the other's spans.
        self._lock = threading.Lock()

    def write(self, file: Optional[str] = None) -> Optional[str]:
        """Writes what was captured since the last write to `file` (else the configured target)
        and returns the path.

        With nothing captured, writes only when a file was asked for (and returns None
        otherwise). A file written earlier by this process keeps its spans: the new ones are
        added. When the write fails the spans are kept for the next one and the error raised.
        """
        with self._lock:
            spans = self.collector.take()
            if not spans and file is None:
                return None
            try:
                now = datetime.now(timezone.utc)
                doc = export_document(spans, now)
                path = output_path(file if file is not None else self._target, doc, os.getcwd())
                earlier = read_document(path) if path in self._written else None
                if earlier is not None:
                    doc = export_document(spans, now, earlier)
                write_document(path, doc)
                self._written.add(path)
                return path
            except BaseException:
                self.collector.put_back(spans)
                raise
