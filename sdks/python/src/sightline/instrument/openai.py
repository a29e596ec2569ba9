"""The official ``openai`` client: chat completions (plain, streamed and ``parse``), the Responses API and embeddings.

Patched on the resource classes (every client, sync and async) by `init()`, or on one client's
resources by `instrument(client)`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from .llm_span import CallStart, LlmSpan
from .openai_map import (
    ChatStreamState,
    ResponsesStreamState,
    chat_input_messages,
    chat_result,
    embeddings_parameters,
    embeddings_result,
    request_parameters,
    responses_input_messages,
    responses_result,
    responses_system,
)
from .patches import Patches
from .runtime import InstrumentRuntime
from .streams import record_stream
from .wrap_call import CallMapping, async_wrapper, is_stream, server_address, sync_wrapper


def _start(kwargs: Dict[str, Any], owner: Any, operation: str, parameters: Dict[str, Any]) -> CallStart:
    model = kwargs.get("model")
    return CallStart(
        provider="openai",
        operation=operation,
        model=model if isinstance(model, str) else None,
        streaming=kwargs.get("stream") is True,
        parameters=parameters,
        server_address=server_address(owner),
    )


class _Chat:
    name = "OpenAI chat"

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        start = _start(kwargs, owner, "chat", request_parameters(kwargs))
        start.input_messages = lambda: chat_input_messages(kwargs.get("messages"))
        return start

    def record(self, data: Any, span: LlmSpan) -> Any:
        if is_stream(data):
            return record_stream(data, span, ChatStreamState(span.captures_content))
        span.succeed(chat_result(data, span.captures_content))
        return data


class _Responses:
    name = "OpenAI responses"

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        start = _start(kwargs, owner, "chat", request_parameters(kwargs))
        start.input_messages = lambda: responses_input_messages(kwargs)
        start.system_instructions = lambda: responses_system(kwargs)
        return start

    def record(self, data: Any, span: LlmSpan) -> Any:
        if is_stream(data):
            return record_stream(data, span, ResponsesStreamState())
        span.succeed(responses_result(data))
        return data


class _Embeddings:
    name = "OpenAI embeddings"

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        start = _start(kwargs, owner, "embeddings", embeddings_parameters(kwargs))
        start.streaming = False
        return start

    def record(self, data: Any, span: LlmSpan) -> Any:
        span.succeed(embeddings_result(data))
        return data


_MAPPINGS: Dict[str, CallMapping] = {"chat": _Chat(), "responses": _Responses(), "embeddings": _Embeddings()}

_METHODS = {"chat": ("create", "parse"), "responses": ("create", "parse"), "embeddings": ("create",)}
"""What each resource sends requests through: Python's ``parse()`` posts itself rather than calling
``create()`` (as the TypeScript client's does), so it is wrapped too."""


def patch_openai_module(patches: Patches, rt: InstrumentRuntime) -> int:
    """Patches the installed ``openai`` package's resource classes; the number of methods patched."""
    from openai.resources import embeddings, responses
    from openai.resources.chat import completions

    classes = {
        "chat": (completions.Completions, completions.AsyncCompletions),
        "responses": (responses.Responses, responses.AsyncResponses),
        "embeddings": (embeddings.Embeddings, embeddings.AsyncEmbeddings),
    }
    n = 0
    for kind, (sync_class, async_class) in classes.items():
        for method in _METHODS[kind]:
            n += patches.wrap(sync_class, method, sync_wrapper(_MAPPINGS[kind], rt))
            n += patches.wrap(async_class, method, async_wrapper(_MAPPINGS[kind], rt))
    return n


def patch_openai_client(patches: Patches, rt: InstrumentRuntime, client: Any) -> int:
    """`instrument(client)`: this client's resources only."""
    n = 0
    for kind, resource in _client_resources(client).items():
        if resource is None:
            continue
        asynchronous = type(resource).__name__.startswith("Async")
        make = async_wrapper if asynchronous else sync_wrapper
        for method in _METHODS[kind]:
            n += patches.wrap(resource, method, make(_MAPPINGS[kind], rt))
    return n


def _client_resources(client: Any) -> Dict[str, Optional[object]]:
    chat = getattr(client, "chat", None)
    return {
        "chat": getattr(chat, "completions", None),
        "responses": getattr(client, "responses", None),
        "embeddings": getattr(client, "embeddings", None),
    }


def is_openai_client(client: Any) -> bool:
    return type(client).__module__.split(".")[0] == "openai" and hasattr(client, "chat")


