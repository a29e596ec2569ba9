"""What instrumentation reads at call time, so it follows `init()` and `shutdown()`."""

from __future__ import annotations

from typing import Callable

from opentelemetry.trace import Tracer

from ..content import ContentPolicy


class InstrumentRuntime:
    """The tracer, the content policy and whether recording is on — each asked for per call."""

    def __init__(self, tracer: Callable[[], Tracer], content: Callable[[], ContentPolicy], enabled: Callable[[], bool]) -> None:
        self.tracer = tracer
        self.content = content
        self.enabled = enabled
