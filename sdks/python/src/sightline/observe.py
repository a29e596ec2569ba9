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

    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def agen(*args: Any, **kwargs: Any) -> Any:
            span, content = start(args, kwargs)
            if span is None:
                async for item in fn(*args, **kwargs):
                    yield item
                return
            ctx = trace.set_span_in_context(span)
            inner = _in_context(ctx, lambda: fn(*args, **kwargs))
            out: List[Any] = []
            sent: Any = None
            thrown: Optional[BaseException] = None
            while True:
                token = otel_context.attach(ctx)
                try:
                    item = await (inner.athrow(thrown) if thrown is not None else inner.asend(sent))
                except StopAsyncIteration:
                    finish(span, content, out)
                    return
                except BaseException as err:
                    fail(span, err)
                    raise
                finally:
                    otel_context.detach(token)
                if len(out) < MAX_OUTPUT_ITEMS:
                    out.append(item)
                try:
                    sent, thrown = (yield item), None
                except GeneratorExit:
                    finish(span, content, out)
                    await inner.aclose()
                    raise
                except BaseException as err:  # noqa: BLE001 - passed on to the generator, as `athrow` asks
                    thrown = err

        return agen  # type: ignore[return-value]

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

        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Any:
            span, content = start(args, kwargs)
            if span is None:
                return (yield from fn(*args, **kwargs))
            ctx = trace.set_span_in_context(span)
            inner = _in_context(ctx, lambda: fn(*args, **kwargs))
            out: List[Any] = []
            sent: Any = None
            thrown: Optional[BaseException] = None
            while True:
                token = otel_context.attach(ctx)
                try:
                    item = inner.throw(thrown) if thrown is not None else inner.send(sent)
                except StopIteration as stop:
                    finish(span, content, out)
                    return stop.value
                except BaseException as err:
                    fail(span, err)
                    raise
                finally:
                    otel_context.detach(token)
                if len(out) < MAX_OUTPUT_ITEMS:
                    out.append(item)
                try:
                    sent, thrown = (yield item), None
                except GeneratorExit:
                    finish(span, content, out)
                    inner.close()
                    raise
                except BaseException as err:  # noqa: BLE001 - passed on to the generator, as `throw` asks
                    thrown = err

        return gen  # type: ignore[return-value]

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


def _in_context(ctx: otel_context.Context, make: Callable[[], Any]) -> Any:
    token = otel_context.attach(ctx)
    try:
        return make()
    finally:
        otel_context.detach(token)


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
