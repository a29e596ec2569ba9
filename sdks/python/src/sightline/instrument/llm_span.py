"""The span of one model call, in the current OpenTelemetry GenAI conventions."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from ..content import ContentPolicy, prepare_value
from ..safe import report_once

GenAiMessage = Dict[str, Any]
"""One message in the OpenTelemetry GenAI shape: ``{"role": ..., "parts": [...], "finish_reason"?: ...}``."""
Part = Dict[str, Any]


@dataclass
class CallResult:
    """What a provider call's response says, in GenAI terms."""

    response_model: Optional[str] = None
    response_id: Optional[str] = None
    finish_reasons: List[str] = field(default_factory=list)
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    cache_read_tokens: Optional[int] = None
    cache_write_tokens: Optional[int] = None
    reasoning_tokens: Optional[int] = None
    output_messages: Optional[List[GenAiMessage]] = None


@dataclass
class CallStart:
    provider: str
    operation: str
    """chat, text_completion, generate_content or embeddings."""
    model: Optional[str]
    streaming: bool
    parameters: Dict[str, Any]
    """``gen_ai.request.*`` parameters already named; made for this call, the span takes it over."""
    input_messages: Optional[Callable[[], List[GenAiMessage]]] = None
    system_instructions: Optional[Callable[[], Optional[List[Part]]]] = None
    server_address: Optional[str] = None


_USAGE = (
    ("gen_ai.usage.input_tokens", "input_tokens"),
    ("gen_ai.usage.output_tokens", "output_tokens"),
    ("gen_ai.usage.cache_read.input_tokens", "cache_read_tokens"),
    ("gen_ai.usage.cache_creation.input_tokens", "cache_write_tokens"),
    ("gen_ai.usage.reasoning.output_tokens", "reasoning_tokens"),
)


class LlmSpan:
    """Every method swallows its own failures: recording must never disturb the call."""

    def __init__(self, tracer: Tracer, content: ContentPolicy, start: CallStart) -> None:
        self._content = content
        self._started = time.perf_counter()
        self._first_chunk_at: Optional[float] = None
        self._ended = False
        attributes = start.parameters
        attributes["gen_ai.operation.name"] = start.operation
        attributes["gen_ai.provider.name"] = start.provider
        if start.model:
            attributes["gen_ai.request.model"] = start.model
        if start.streaming:
            attributes["gen_ai.request.stream"] = True
        if start.server_address:
            attributes["server.address"] = start.server_address
        name = f"{start.operation} {start.model}" if start.model else start.operation
        self._span: Span = tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        if content.capture:
            try:
                system = start.system_instructions() if start.system_instructions else None
                if system:
                    self._span.set_attribute("gen_ai.system_instructions", prepare_value(content, system))
                if start.input_messages is not None:
                    self._span.set_attribute("gen_ai.input.messages", prepare_value(content, start.input_messages()))
            except Exception as err:  # noqa: BLE001 - recording must not disturb the call
                report_once("sightline: recording input messages", err)

    @property
    def captures_content(self) -> bool:
        """Whether this call's messages are recorded; streams need not gather them otherwise."""
        return self._content.capture

    @contextmanager
    def activated(self) -> Iterator[None]:
        """This span as the current one (so nested spans, e.g. HTTP, hang under it)."""
        with trace.use_span(self._span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
            yield

    def first_chunk(self) -> None:
        """The first content chunk of a stream arrived."""
        if self._first_chunk_at is None:
            self._first_chunk_at = time.perf_counter()

    def succeed(self, result: CallResult) -> None:
        if self._ended:
            return
        try:
            a: Dict[str, Any] = {}
            if result.response_model is not None:
                a["gen_ai.response.model"] = result.response_model
            if result.response_id is not None:
                a["gen_ai.response.id"] = result.response_id
            if result.finish_reasons:
                a["gen_ai.response.finish_reasons"] = list(result.finish_reasons)
            for key, name in _USAGE:
                value = getattr(result, name)
                if value is not None:
                    a[key] = value
            if self._first_chunk_at is not None:
                a["gen_ai.response.time_to_first_chunk"] = self._first_chunk_at - self._started
            if self._content.capture and result.output_messages is not None:
                a["gen_ai.output.messages"] = prepare_value(self._content, result.output_messages)
            self._span.set_attributes(a)
        except Exception as err:  # noqa: BLE001
            report_once("sightline: recording a response", err)
        self._end()

    def succeed_quietly(self) -> None:
        """Ends the span with what is known (the response could not be read)."""
        if not self._ended:
            self._end()

    def fail(self, err: BaseException) -> None:
        """The call failed: status ERROR, ``error.type``, the exception recorded."""
        if self._ended:
            return
        try:
            mark_failed(self._span, err)
        except Exception as inner:  # noqa: BLE001
            report_once("sightline: recording an error", inner)
        self._end()

    def _end(self) -> None:
        self._ended = True
        self._span.end()


def mark_failed(span: Span, err: BaseException) -> None:
    """Status ERROR with the error's message, ``error.type``, the exception recorded."""
    span.set_attribute("error.type", error_type(err))
    span.record_exception(err)
    span.set_status(Status(StatusCode.ERROR, str(err)))


_GENERIC_ERRORS = frozenset({"Exception", "APIError", "APIStatusError", "ClientError", "ServerError"})
"""Class names that say no more than "the API answered with an error"."""


def error_type(err: BaseException) -> str:
    """The provider's error class (e.g. ``RateLimitError``), else its HTTP status, else ``_OTHER``."""
    name = type(err).__name__
    if name not in _GENERIC_ERRORS:
        return name
    for attribute in ("status_code", "code", "status"):
        status = getattr(err, attribute, None)
        if isinstance(status, int) and not isinstance(status, bool):
            return str(status)
    return "_OTHER" if name == "Exception" else name
