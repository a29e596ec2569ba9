"""The official ``anthropic`` client: ``messages.create`` (plain and ``stream=True``),
``messages.parse`` and the ``messages.stream()`` helper, sync and async.

Unlike the TypeScript client, Python's ``parse()`` and ``stream()`` send their request themselves
rather than through ``create``, so each is patched too; every call is still one span.
``count_tokens`` is not a model call and is left alone.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ..safe import report_once
from .anthropic_map import AnthropicStreamState, anthropic_input_messages, anthropic_parameters, anthropic_result, anthropic_system
from .llm_span import CallStart, LlmSpan
from .patches import Patches
from .runtime import InstrumentRuntime
from .streams import record_stream
from .wrap_call import as_method, async_wrapper, is_stream, server_address, sync_wrapper, wrap_async_call, wrap_call


class _Messages:
    name = "Anthropic"

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        body = _sent_body(kwargs)
        model = body.get("model")
        return CallStart(
            provider="anthropic",
            operation="chat",
            model=model if isinstance(model, str) else None,
            streaming=body.get("stream") is True,
            parameters=anthropic_parameters(body),
            input_messages=lambda: anthropic_input_messages(body),
            system_instructions=lambda: anthropic_system(body),
            server_address=server_address(owner),
        )

    def record(self, data: Any, span: LlmSpan) -> Any:
        if is_stream(data):
            return record_stream(data, span, AnthropicStreamState(span.captures_content))
        span.succeed(anthropic_result(data))
        return data


_MESSAGES = _Messages()


def _sent_body(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """The request body as sent: the keyword arguments, overridden by ``extra_body``.

    The Python client has no ``temperature``, ``top_p`` or ``top_k`` arguments; they reach the API
    through ``extra_body``, and are recorded from there as the TypeScript SDK records them from
    its request body.
    """
    extra = kwargs.get("extra_body")
    return {**kwargs, **extra} if isinstance(extra, Mapping) else kwargs


def _stream_helper(original: Callable[..., Any], rt: InstrumentRuntime, instance: Optional[object], asynchronous: bool) -> Callable[..., Any]:
    """``messages.stream(...)``'s replacement: the manager it returns sends its request inside a span.

    The request is made when the manager is entered (``with`` / ``async with``), so that is when
    the span starts; it ends with the stream, as ``create(stream=True)``'s does.
    """

    def watch(owner: Any, invoke: Callable[[], Any], _args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        manager = invoke()
        try:
            _watch_request(manager, dict(kwargs, stream=True), owner, rt, asynchronous)
        except Exception as err:  # noqa: BLE001 - the stream goes ahead uninstrumented
            report_once("sightline: watching an Anthropic messages.stream()", err)
        return manager

    return as_method(original, instance, watch)


def _watch_request(manager: Any, body: Dict[str, Any], owner: Any, rt: InstrumentRuntime, asynchronous: bool) -> None:
    """Replaces the request a (Async)MessageStreamManager keeps (a private attribute: a callable for
    the sync manager, an awaitable for the async one) with one made through `wrap_call`."""
    attribute = next((k for k in vars(manager) if k.endswith("__api_request")), None)
    if attribute is None:
        raise AttributeError(f"{type(manager).__name__} keeps no request this SDK knows")
    request = getattr(manager, attribute)
    if asynchronous:
        sent = wrap_async_call(lambda **_: request, _MESSAGES, rt, owner)
        setattr(manager, attribute, sent(**body))
    else:
        call = wrap_call(lambda **_: request(), _MESSAGES, rt, owner)
        setattr(manager, attribute, functools.partial(call, **body))


def _patch(patches: Patches, rt: InstrumentRuntime, target: Any, asynchronous: bool) -> int:
    make = async_wrapper if asynchronous else sync_wrapper
    n = 0
    for name in ("create", "parse"):
        n += patches.wrap(target, name, make(_MESSAGES, rt))
    n += patches.wrap(target, "stream", lambda o, i: _stream_helper(o, rt, i, asynchronous))
    return n


def patch_anthropic_module(patches: Patches, rt: InstrumentRuntime) -> int:
    """Patches the installed ``anthropic`` package's ``Messages`` classes; the number of methods patched."""
    from anthropic.resources.messages import AsyncMessages, Messages

    return _patch(patches, rt, Messages, False) + _patch(patches, rt, AsyncMessages, True)


def patch_anthropic_client(patches: Patches, rt: InstrumentRuntime, client: Any) -> int:
    """`instrument(client)`: this client's ``messages`` only."""
    messages = getattr(client, "messages", None)
    if messages is None:
        return 0
    return _patch(patches, rt, messages, type(messages).__name__.startswith("Async"))
