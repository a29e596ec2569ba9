"""Pure mapping between Anthropic's Messages API shapes and GenAI attributes and messages.

Requests arrive as the keyword arguments of ``messages.create`` (dicts, or a previous response's
content blocks passed back in); responses and stream events as the client's objects. Both are read
with `field`, so the messages recorded are the TypeScript SDK's, key for key.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from .fields import clean, field, integer, items, text
from .llm_span import CallResult, GenAiMessage, Part

_NUMBERS = (
    ("gen_ai.request.max_tokens", "max_tokens"),
    ("gen_ai.request.temperature", "temperature"),
    ("gen_ai.request.top_p", "top_p"),
    ("gen_ai.request.top_k", "top_k"),
)


def anthropic_parameters(body: Dict[str, Any]) -> Dict[str, Any]:
    """``gen_ai.request.*`` from a Messages request."""
    a: Dict[str, Any] = {}
    for key, name in _NUMBERS:
        value = body.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            a[key] = value
    stops = [s for s in items(body.get("stop_sequences")) if isinstance(s, str)]
    if stops:
        a["gen_ai.request.stop_sequences"] = stops
    return a


def _block_part(block: Any) -> Part:
    kind = field(block, "type")
    if kind == "text":
        return clean({"type": "text", "content": field(block, "text")})
    if kind == "tool_use":
        return clean({"type": "tool_call", "id": field(block, "id"), "name": field(block, "name"), "arguments": field(block, "input")})
    if kind == "tool_result":
        return clean({"type": "tool_call_response", "id": field(block, "tool_use_id"), "response": field(block, "content")})
    if kind == "thinking":
        return clean({"type": "reasoning", "content": field(block, "thinking")})
    return {"type": str(kind if kind is not None else "unknown")}


def _block_parts(content: Any) -> List[Part]:
    """A message's content (a string or a list of blocks) as GenAI parts."""
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    return [_block_part(b) for b in items(content)]


def anthropic_input_messages(body: Dict[str, Any]) -> List[GenAiMessage]:
    return [{"role": str(field(m, "role") or "user"), "parts": _block_parts(field(m, "content"))} for m in items(body.get("messages"))]


def anthropic_system(body: Dict[str, Any]) -> Optional[List[Part]]:
    """``system``: a string or text blocks; None when there is none."""
    parts = _block_parts(body.get("system"))
    return parts or None


def anthropic_usage(usage: Any) -> Dict[str, Optional[int]]:
    """Anthropic's ``input_tokens`` leaves out cached tokens; GenAI's input tokens count them all,
    so cache reads and writes are added back."""
    uncached = integer(field(usage, "input_tokens"))
    read = integer(field(usage, "cache_read_input_tokens"))
    write = integer(field(usage, "cache_creation_input_tokens"))
    return {
        "input_tokens": None if uncached is None else uncached + (read or 0) + (write or 0),
        "output_tokens": integer(field(usage, "output_tokens")),
        "cache_read_tokens": read,
        "cache_write_tokens": write,
    }


def anthropic_result(message: Any) -> CallResult:
    """A message's figures and output (one assistant message, as the API answers with one)."""
    stop = text(field(message, "stop_reason"))
    output: GenAiMessage = {"role": "assistant", "parts": _block_parts(field(message, "content"))}
    if stop:
        output["finish_reason"] = stop
    return CallResult(
        response_model=text(field(message, "model")),
        response_id=text(field(message, "id")),
        finish_reasons=[stop] if stop else [],
        output_messages=[output],
        **anthropic_usage(field(message, "usage")),
    )


_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")

_BLOCK_KEYS = ("type", "text", "id", "name", "input", "thinking", "tool_use_id", "content")
"""What `_block_part` reads of a content block."""


class AnthropicStreamState:
    """Accumulates a streamed message from its events: the figures always, the content blocks only
    when content is captured."""

    def __init__(self, with_content: bool = True) -> None:
        self._with_content = with_content
        self._message: Optional[Dict[str, Any]] = None
        self._blocks: Dict[int, Dict[str, Any]] = {}
        self._json: Dict[int, str] = {}

    def add(self, event: Any) -> bool:
        """Adds an event; True when it carries content (the first is the first token)."""
        kind = field(event, "type")
        if kind == "message_start":
            message = field(event, "message")
            usage = field(message, "usage")
            self._message = {
                "id": field(message, "id"),
                "model": field(message, "model"),
                "stop_reason": field(message, "stop_reason"),
                "usage": {k: field(usage, k) for k in _USAGE_KEYS},
            }
            return False
        if kind == "content_block_start":
            if self._with_content:
                index = integer(field(event, "index")) or 0
                block = field(event, "content_block")
                self._blocks[index] = {k: field(block, k) for k in _BLOCK_KEYS}
                self._json[index] = ""
            return False
        if kind == "content_block_delta":
            if self._with_content:
                self._add_delta(integer(field(event, "index")) or 0, field(event, "delta"))
            return True
        if kind == "message_delta" and self._message is not None:
            stop = field(field(event, "delta"), "stop_reason")
            if stop:
                self._message["stop_reason"] = stop
            usage = field(event, "usage")
            for k in _USAGE_KEYS:
                value = field(usage, k)
                if value is not None:
                    self._message["usage"][k] = value
        return False

    def _add_delta(self, index: int, delta: Any) -> None:
        block = self._blocks.setdefault(index, {"type": "text", "text": ""})
        kind = field(delta, "type")
        if kind == "text_delta":
            block["text"] = (block.get("text") or "") + (field(delta, "text") or "")
        elif kind == "input_json_delta":
            self._json[index] = self._json.get(index, "") + (field(delta, "partial_json") or "")
        elif kind == "thinking_delta":
            block["thinking"] = (block.get("thinking") or "") + (field(delta, "thinking") or "")

    def result(self) -> CallResult:
        content = []
        for i in sorted(self._blocks):
            block = self._blocks[i]
            raw = self._json.get(i)
            if block.get("type") == "tool_use" and raw:
                try:
                    block = {**block, "input": json.loads(raw)}
                except ValueError:
                    block = {**block, "input": raw}
            content.append(block)
        return anthropic_result({**(self._message or {}), "content": content})
