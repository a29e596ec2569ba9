"""The contenders of the overhead benchmark, each set up the way its documentation tells a user to.

Every instrumented contender gets the same span pipeline: a ``TracerProvider`` the app sets as
the global one, with a span processor (simple by default, batch on request) into a
`CountingExporter`, which drops spans after counting them, so spans cost what finishing and
handing them over costs and never pile up. Metrics and logs are left as a user without a
meter or logger provider has them (the API's no-op ones).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

from counting_exporter import CountingExporter

CONTENDERS = ("bare", "sightline", "openinference", "openllmetry")
"""``bare`` is the uninstrumented client everything is measured against."""

PROCESSORS = ("simple", "batch")

SIGHTLINE_SETUPS = ("join", "own")
"""``join``: the app sets the provider up and ``init(exporter="none")`` joins it (adding its span
stamper to the app's processors); ``own``: ``init(exporter=<the exporter>)`` builds a provider of
its own, which batches into that exporter (so the others then need ``--processor batch``)."""


@dataclass
class Recorder:
    """Where a contender's spans end up, and how to push out any still held by a batch processor."""

    exporter: CountingExporter
    flush: Callable[[], None]


def set_up(contender: str, content: bool, processor: str = "simple", sightline_setup: str = "join") -> Recorder:
    """Instruments the installed ``openai`` package for `contender`, content capture on or off."""
    if contender not in CONTENDERS:
        raise ValueError(f"contender must be one of {', '.join(CONTENDERS)}, got {contender!r}")
    if processor not in PROCESSORS:
        raise ValueError(f"processor must be one of {', '.join(PROCESSORS)}, got {processor!r}")
    if sightline_setup not in SIGHTLINE_SETUPS:
        raise ValueError(f"sightline setup must be one of {', '.join(SIGHTLINE_SETUPS)}, got {sightline_setup!r}")
    if sightline_setup == "own" and processor != "batch":
        raise ValueError("sightline.init(exporter=<SpanExporter>) batches: with its own provider, use the batch processor for all")
    exporter = CountingExporter()
    if contender == "bare":
        return Recorder(exporter, lambda: None)
    if contender == "sightline" and sightline_setup == "own":
        return _sightline_own_provider(exporter, content)

    provider = TracerProvider()
    provider.add_span_processor(_processor(processor, exporter))
    trace.set_tracer_provider(provider)
    recorder = Recorder(exporter, lambda: _flushed(provider.force_flush()))
    if contender == "sightline":
        import sightline

        handle = sightline.init(service_name="overhead-bench", exporter="none", capture_content=content)
        if handle.owns_provider or "openai" not in handle.instrumented:
            raise RuntimeError("sightline did not join the app's tracer provider and patch openai")
    elif contender == "openinference":
        from openinference.instrumentation import TraceConfig
        from openinference.instrumentation.openai import OpenAIInstrumentor

        config = TraceConfig(hide_inputs=not content, hide_outputs=not content)
        OpenAIInstrumentor().instrument(tracer_provider=provider, config=config)
    else:
        # OpenLLMetry reads its content switch from the environment at every call.
        os.environ["TRACELOOP_TRACE_CONTENT"] = "true" if content else "false"
        from opentelemetry.instrumentation.openai import OpenAIInstrumentor as OpenLLMetryInstrumentor

        OpenLLMetryInstrumentor().instrument(tracer_provider=provider)
    return recorder


def _sightline_own_provider(exporter: CountingExporter, content: bool) -> Recorder:
    import sightline

    handle = sightline.init(service_name="overhead-bench", exporter=exporter, capture_content=content)
    if not handle.owns_provider or "openai" not in handle.instrumented:
        raise RuntimeError("sightline did not set up its own tracer provider and patch openai")

    def flush() -> None:
        handle.flush()  # raises when spans were not delivered

    return Recorder(exporter, flush)


def _processor(kind: str, exporter: CountingExporter) -> SpanProcessor:
    return SimpleSpanProcessor(exporter) if kind == "simple" else BatchSpanProcessor(exporter)


def _flushed(done: bool) -> None:
    if not done:
        raise RuntimeError("the span processor did not flush in time")
