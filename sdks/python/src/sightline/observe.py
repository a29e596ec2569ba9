"""``@observe``: a span for each call of your own functions (agents, chains, tools, …)."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple, TypeVar, Union, overload

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span

from .content import ContentPolicy, prepare_value
from .instrument.llm_span import mark_failed
from .instrument.runtime import InstrumentRuntime
from .safe import report_once
from .stepping import UNWATCHED, Attach, StepWatch, stepped_async_generator, stepped_generator

KINDS = ("agent", "chain", "tool", "retriever", "embedding", "guardrail", "evaluator", "reranker", "task", "workflow")
"""What a span of your own code stands for."""

_OPERATION = {
    "agent": "invoke_agent",
    "tool": "execute_tool",
    "workflow": "invoke_workflow",
    "retriever": "retrieval",
    "embedding": "embeddings",
}
"""The GenAI operation each kind is, where the conventions name one."""

MAX_OUTPUT_ITEMS = 1000
"""A generator's output is what it yielded, up to this many items."""

F = TypeVar("F", bound=Callable[..., Any])


def make_observe(rt: InstrumentRuntime) -> Callable[..., Any]:
    @overload
    def observe(fn: F) -> F: ...

    @overload
    def observe(
        fn: None = None, *, name: Optional[str] = None, kind: str = "chain", attributes: Optional[Mapping[str, Any]] = None
    ) -> Callable[[F], F]: ...

    def observe(
        fn: Optional[F] = None, *, name: Optional[str] = None, kind: str = "chain", attributes: Optional[Mapping[str, Any]] = None
    ) -> Union[F, Callable[[F], F]]:
        """Wraps a function (sync, async, generator or async generator) so each call is a span.

        Nested calls nest through the context. Arguments and the result are recorded as
        ``input.value`` / ``output.value`` when content capture is on. Use it bare
        (``@observe``) or with options (``@observe(kind="tool")``).
        """
        if kind not in KINDS:
            raise ValueError(f'observe: kind "{kind}" is not one of {", ".join(KINDS)}')
        if fn is None:
            return lambda f: _wrap(rt, f, name, kind, attributes)
        return _wrap(rt, fn, name, kind, attributes)

    return observe


def _wrap(rt: InstrumentRuntime, fn: F, name: Optional[str], kind: str, extra: Optional[Mapping[str, Any]]) -> F:
    if not callable(fn):
        raise TypeError("observe: expected a function")
    span_name = name or getattr(fn, "__name__", None) or "anonymous"
    signature = _signature(fn)

    def start(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Optional[Span], ContentPolicy]:
        content = rt.content()
        try:
            attributes: Dict[str, Any] = {"sightline.span.kind": kind, "openinference.span.kind": kind.upper(), **(extra or {})}
            if kind in _OPERATION:
                attributes["gen_ai.operation.name"] = _OPERATION[kind]
            if kind == "tool":
                attributes["gen_ai.tool.name"] = span_name
            if kind == "agent":
                attributes["gen_ai.agent.name"] = span_name
            if content.capture:
                attributes["input.value"] = prepare_value(content, _input(signature, args, kwargs))
            return rt.tracer().start_span(span_name, attributes=attributes), content
        except Exception as err:  # noqa: BLE001 - the function runs unobserved
            report_once("sightline: starting an observe() span", err)
            return None, content

    def finish(span: Span, content: ContentPolicy, value: Any) -> None:
        try:
            if content.capture and value is not None:
                span.set_attribute("output.value", prepare_value(content, value))
        except Exception as err:  # noqa: BLE001
            report_once("sightline: recording an observe() output", err)
        span.end()

    def fail(span: Span, err: BaseException) -> None:
        mark_failed(span, err)
        span.end()

    def each_step(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Optional[Attach], StepWatch]:
        """A generator's span starts at its first step and lasts until it is exhausted or closed."""
        span, content = start(args, kwargs)
        if span is None:
            return None, UNWATCHED
        ctx = trace.set_span_in_context(span)
        return (lambda: otel_context.attach(ctx)), _Yields(span, content, finish, fail)

    if inspect.isasyncgenfunction(fn):
        return stepped_async_generator(fn, each_step)  # type: ignore[return-value]

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            span, content = start(args, kwargs)
            if span is None:
                return await fn(*args, **kwargs)
            try:
                with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                    value = await fn(*args, **kwargs)
            except BaseException as err:
                fail(span, err)
                raise
            finish(span, content, value)
            return value

        return coro  # type: ignore[return-value]

    if inspect.isgeneratorfunction(fn):
        return stepped_generator(fn, each_step)  # type: ignore[return-value]

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        span, content = start(args, kwargs)
        if span is None:
            return fn(*args, **kwargs)
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                value = fn(*args, **kwargs)
        except BaseException as err:
            fail(span, err)
            raise
        if inspect.isawaitable(value):
            # A coroutine function behind a decorator that hides it: the span lasts until it is awaited.
            return awaited(span, content, value)
        finish(span, content, value)
        return value

    async def awaited(span: Span, content: ContentPolicy, pending: Awaitable[Any]) -> Any:
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                value = await pending
        except BaseException as err:
            fail(span, err)
            raise
        finish(span, content, value)
        return value

    return plain  # type: ignore[return-value]


class _Yields:
    """A generator's run on its span: what it yielded (the first items) is its output."""

    def __init__(
        self,
        span: Span,
        content: ContentPolicy,
        finish: Callable[[Span, ContentPolicy, Any], None],
        fail: Callable[[Span, BaseException], None],
    ) -> None:
        self._span = span
        self._content = content
        self._finish = finish
        self._fail = fail
        self._out: List[Any] = []

    def item(self, value: Any) -> None:
        if len(self._out) < MAX_OUTPUT_ITEMS:
            self._out.append(value)

    def done(self) -> None:
        self._finish(self._span, self._content, self._out)

    def fail(self, err: BaseException) -> None:
        self._fail(self._span, err)


def _signature(fn: Callable[..., Any]) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def _input(signature: Optional[inspect.Signature], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    """One positional argument as itself, several as a list (as the TypeScript SDK records them);
    with keyword arguments, every argument by its parameter name (``self`` and ``cls`` left out)."""
    if not kwargs:
        plain = list(args)
        if signature is not None and plain and next(iter(signature.parameters), None) in ("self", "cls"):
            plain = plain[1:]
        return plain[0] if len(plain) == 1 else plain
    if signature is not None:
        try:
            bound = signature.bind(*args, **kwargs)
            return {k: v for k, v in bound.arguments.items() if k not in ("self", "cls")}
        except TypeError:
            pass
    return {"args": list(args), "kwargs": kwargs}
