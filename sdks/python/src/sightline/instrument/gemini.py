"""The official ``google-genai`` client: ``generate_content``, ``generate_content_stream`` and
``embed_content`` of ``Models`` and ``AsyncModels``.

The public methods send one or more requests each (automatic function calling, automatic
continuation, ``chats.send_message``) through the private per-request methods patched here:
``_generate_content``, ``_generate_content_stream`` and ``_embed_content``. Wrapping those makes
one span per request to the model, whichever public method made it — as the TypeScript SDK does
with ``@google/genai``'s ``*Internal`` methods.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from .fields import field, path
from .gemini_map import (
    GeminiStreamState,
    gemini_embed_parameters,
    gemini_embed_result,
    gemini_input_messages,
    gemini_model,
    gemini_parameters,
    gemini_result,
    gemini_system,
)
from .llm_span import CallStart, LlmSpan
from .patches import Patches
from .runtime import InstrumentRuntime
from .streams import record_stream
from .wrap_call import CallMapping, async_wrapper, host_of, sync_wrapper


def _origin(models: Any) -> Tuple[str, Optional[str]]:
    """Provider and server of the client a ``Models`` object belongs to."""
    api = field(models, "_api_client")
    provider = "gcp.vertex_ai" if field(api, "vertexai") else "gcp.gemini"
    return provider, host_of(path(api, "_http_options", "base_url"))


class _Generate:
    """``_generate_content`` (a response) or ``_generate_content_stream`` (an iterator of chunks)."""

    def __init__(self, streaming: bool) -> None:
        self.name = "Gemini generate_content"
        self._streaming = streaming

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        provider, server = _origin(owner)
        config = kwargs.get("config")
        return CallStart(
            provider=provider,
            operation="generate_content",
            model=gemini_model(kwargs.get("model")),
            streaming=self._streaming,
            parameters=gemini_parameters(config),
            input_messages=lambda: gemini_input_messages(kwargs.get("contents")),
            system_instructions=lambda: gemini_system(config),
            server_address=server,
        )

    def record(self, data: Any, span: LlmSpan) -> Any:
        if self._streaming:
            return record_stream(data, span, GeminiStreamState(span.captures_content))
        span.succeed(gemini_result(data))
        return data


class _Embed:
    name = "Gemini embed_content"

    def start(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], owner: Any) -> CallStart:
        provider, server = _origin(owner)
        return CallStart(
            provider=provider,
            operation="embeddings",
            model=gemini_model(kwargs.get("model")),
            streaming=False,
            parameters=gemini_embed_parameters(kwargs.get("config")),
            server_address=server,
        )

    def record(self, data: Any, span: LlmSpan) -> Any:
        span.succeed(gemini_embed_result(data))
        return data


_MAPPINGS: Dict[str, CallMapping] = {
    "_generate_content": _Generate(streaming=False),
    "_generate_content_stream": _Generate(streaming=True),
    "_embed_content": _Embed(),
}


def _patch(patches: Patches, rt: InstrumentRuntime, target: Any, asynchronous: bool) -> int:
    make = async_wrapper if asynchronous else sync_wrapper
    return sum(patches.wrap(target, name, make(mapping, rt)) for name, mapping in _MAPPINGS.items())


def patch_gemini_module(patches: Patches, rt: InstrumentRuntime) -> int:
    """Patches the installed ``google-genai`` package's ``Models`` and ``AsyncModels``; the number of methods patched."""
    from google.genai.models import AsyncModels, Models

    return _patch(patches, rt, Models, False) + _patch(patches, rt, AsyncModels, True)


def patch_gemini_client(patches: Patches, rt: InstrumentRuntime, client: Any) -> int:
    """`instrument(client)`: this client's ``models``, and for a ``Client`` its ``aio.models`` too."""
    n = 0
    for models in (getattr(client, "models", None), path(client, "aio", "models")):
        if models is not None:
            n += _patch(patches, rt, models, type(models).__name__.startswith("Async"))
    return n
