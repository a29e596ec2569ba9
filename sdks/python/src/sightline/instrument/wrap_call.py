"""Wrapping a provider method so each call is a model-call span.

The span starts before the request and ends with the response, the error, or the end of the
stream; what the caller gets back is what it would have had.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

from ..safe import report_once
from .llm_span import CallStart, LlmSpan
from .patches import Make
from .runtime import InstrumentRuntime


class CallMapping(Protocol):
    """How one provider method maps to a model-call span."""

    name: str

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart: ...

    def record(self, data: Any, span: LlmSpan) -> Any:
        """Records the result on the span; returns what the caller gets (a watched stream, or `data`)."""
        ...


def sync_wrapper(mapping: CallMapping, rt: InstrumentRuntime) -> Make:
    """How `Patches.wrap` replaces a synchronous method with `mapping`'s span around it."""
    return lambda original, instance: wrap_call(original, mapping, rt, instance)


def async_wrapper(mapping: CallMapping, rt: InstrumentRuntime) -> Make:
    """The same for a coroutine method."""
    return lambda original, instance: wrap_async_call(original, mapping, rt, instance)


def wrap_call(original: Callable[..., Any], mapping: CallMapping, rt: InstrumentRuntime, instance: Optional[object]) -> Callable[..., Any]:
    """A synchronous method's replacement; `instance` for one client's bound method, None for a class's function."""

    def call(owner: Any, invoke: Callable[[], Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        if not rt.enabled():
            return invoke()
        span = _start(mapping, rt, args, kwargs, owner)
        if span is None:
            return invoke()
        try:
            with span.activated():
                result = invoke()
        except BaseException as err:
            span.fail(err)
            raise
        return _record(mapping, span, result)

    return as_method(original, instance, call)


Run = Callable[[Any, Callable[[], Any], Tuple[Any, ...], Dict[str, Any]], Any]
"""What a replacement does with a call: `run(owner, invoke, args, kwargs)`, `invoke()` making the original call."""


def as_method(original: Callable[..., Any], instance: Optional[object], run: Run) -> Callable[..., Any]:
    """A synchronous replacement of `original` that hands each call to `run`: a function taking
    ``self`` for a class's method (`instance` None), or one bound to `instance` for its own."""
    if instance is None:

        @functools.wraps(original)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return run(self, lambda: original(self, *args, **kwargs), args, kwargs)

        return method

    @functools.wraps(original)
    def bound(*args: Any, **kwargs: Any) -> Any:
        return run(instance, lambda: original(*args, **kwargs), args, kwargs)

    return bound


def wrap_async_call(
    original: Callable[..., Any], mapping: CallMapping, rt: InstrumentRuntime, instance: Optional[object]
) -> Callable[..., Any]:
    """A coroutine method's replacement (the ``Async*`` resources)."""

    async def call(owner: Any, invoke: Callable[[], Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        if not rt.enabled():
            return await invoke()
        span = _start(mapping, rt, args, kwargs, owner)
        if span is None:
            return await invoke()
        try:
            with span.activated():
                result = await invoke()
        except BaseException as err:
            span.fail(err)
            raise
        return _record(mapping, span, result)

    if instance is None:

        @functools.wraps(original)
        async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return await call(self, lambda: original(self, *args, **kwargs), args, kwargs)

        return method

    @functools.wraps(original)
    async def bound(*args: Any, **kwargs: Any) -> Any:
        return await call(instance, lambda: original(*args, **kwargs), args, kwargs)

    return bound


def _start(mapping: CallMapping, rt: InstrumentRuntime, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> Optional[LlmSpan]:
    try:
        return LlmSpan(rt.tracer(), rt.content(), mapping.start(args, kwargs, owner))
    except Exception as err:  # noqa: BLE001 - the call goes ahead uninstrumented
        report_once(f"sightline: starting a {mapping.name} span", err)
        return None


def _record(mapping: CallMapping, span: LlmSpan, result: Any) -> Any:
    try:
        return mapping.record(result, span)
    except Exception as err:  # noqa: BLE001
        report_once(f"sightline: reading a {mapping.name} response", err)
        span.succeed_quietly()
        return result


def is_stream(data: Any) -> bool:
    """Whether a result is a stream rather than a response (an iterator, not a model object)."""
    return hasattr(data, "__next__") or hasattr(data, "__anext__") or (hasattr(data, "_iterator") and hasattr(data, "response"))


_hosts: Dict[str, Optional[str]] = {}


def host_of(base: Any) -> Optional[str]:
    """The host of a base URL, remembered (an app has a few; the bound keeps one that makes many from growing this)."""
    if base is None:
        return None
    key = str(base)
    if key not in _hosts:
        from urllib.parse import urlsplit

        try:
            host: Optional[str] = urlsplit(key).hostname
        except ValueError:
            host = None
        if len(_hosts) >= 64:
            _hosts.clear()
        _hosts[key] = host
    return _hosts[key]


def server_address(resource: Any) -> Optional[str]:
    """The server's host, from a Stainless client's base URL (resources reach the client as ``_client``)."""
    client = getattr(resource, "_client", None) or resource
    return host_of(getattr(client, "base_url", None))
