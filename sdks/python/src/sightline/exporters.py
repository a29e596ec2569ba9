"""The exporter the configuration names, and its processor.

Network exports are batched (a slow collector never delays the app's calls); console, memory
and file exports are immediate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter

from .config import ResolvedConfig
from .delivery import DeliveryWatch
from .file_export import FileExport
from .memory_exporter import MemoryExporter


@dataclass(frozen=True)
class ExportPipeline:
    exporter: Optional[SpanExporter]
    processor: Optional[SpanProcessor]
    delivery: Optional[DeliveryWatch] = None
    """Network and custom exporters: what was not delivered."""
    memory: Optional[MemoryExporter] = None
    """The memory exporter, when that is where spans go."""
    file: Optional[FileExport] = None
    """The JSON file export, when that is where spans go."""


class _Simple(SimpleSpanProcessor):
    stopped = False
    """Shut down (by `shutdown()`, or by the app's provider that this one joined)."""

    def shutdown(self) -> None:
        self.stopped = True
        super().shutdown()


class _Batch(BatchSpanProcessor):
    stopped = False

    def shutdown(self) -> None:
        self.stopped = True
        super().shutdown()  # type: ignore[no-untyped-call]


def export_pipeline(config: ResolvedConfig) -> ExportPipeline:
    chosen = config.exporter
    if chosen == "none":
        return ExportPipeline(None, None)
    if isinstance(chosen, SpanExporter):
        return _batched(chosen, type(chosen).__name__, config)
    if chosen == "memory":
        memory = MemoryExporter()
        return ExportPipeline(memory, _Simple(memory), memory=memory)
    if chosen == "file":
        file = FileExport(config.out)
        return ExportPipeline(file.collector, _Simple(file.collector), file=file)
    if chosen == "console":
        console = ConsoleSpanExporter()
        return ExportPipeline(console, _Simple(console))
    if chosen == "otlp-grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        exporter: SpanExporter = GrpcExporter(
            endpoint=config.url,
            # A scheme says it; without one, OTEL_EXPORTER_OTLP_INSECURE does, as for any OTLP exporter.
            insecure=True if config.url.startswith("http://") else False if config.url.startswith("https://") else None,
            headers=tuple(config.headers.items()) or None,
            timeout=config.export_timeout,
        )
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

        exporter = HttpExporter(endpoint=config.url, headers=dict(config.headers), timeout=config.export_timeout)
    return _batched(exporter, config.url, config)


def _batched(exporter: SpanExporter, target: str, config: ResolvedConfig) -> ExportPipeline:
    watch = DeliveryWatch(exporter, target)
    processor = _Batch(watch, export_timeout_millis=config.export_timeout * 1000 + 1000)
    return ExportPipeline(exporter, processor, delivery=watch)
