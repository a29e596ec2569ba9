"""Pure mapping between google-genai's request/response shapes and GenAI attributes and messages.

Python's client takes its requests as pydantic objects or dicts (snake_case keys, or the API's
camelCase ones, which it accepts too) and answers with pydantic objects in snake_case; both are
mapped to the same attributes and message JSON as the TypeScript SDK's mapping of
``@google/genai``.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional

from .fields import clean, field, integer, items, number, text
from .llm_span import CallResult, GenAiMessage, Part


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def get(value: Any, name: str) -> Any:
    """`field` by its Python name, or, in a dict written with the API's camelCase keys, by that."""
    found = field(value, name)
    if found is None and isinstance(value, Mapping) and "_" in name:
        found = value.get(_camel(name))
    return found


def _string(value: Any) -> Optional[str]:
    """A string, or an enum's string value (finish reasons, languages, outcomes)."""
    if isinstance(value, Enum):
        value = value.value
    return str(value) if isinstance(value, str) else None


_MODEL_PREFIX = re.compile(r"^(?:.*/)?models/")


def gemini_model(model: Any) -> Optional[str]:
    """``models/gemini-2.5-flash`` and ``publishers/google/models/…`` name the same model as ``gemini-2.5-flash``."""
    if not isinstance(model, str) or not model:
        return None
    return _MODEL_PREFIX.sub("", model, count=1)


_PARAMETERS = (
    ("temperature", "gen_ai.request.temperature"),
    ("top_p", "gen_ai.request.top_p"),
    ("top_k", "gen_ai.request.top_k"),
    ("max_output_tokens", "gen_ai.request.max_tokens"),
    ("seed", "gen_ai.request.seed"),
    ("presence_penalty", "gen_ai.request.presence_penalty"),
    ("frequency_penalty", "gen_ai.request.frequency_penalty"),
    ("candidate_count", "gen_ai.request.choice.count"),
)


def gemini_parameters(config: Any) -> Dict[str, Any]:
    """``gen_ai.request.*`` from a ``GenerateContentConfig`` (object or dict)."""
    a: Dict[str, Any] = {}
    for name, key in _PARAMETERS:
        value = number(get(config, name))
        if value is not None:
            a[key] = value
    stops = [s for s in items(get(config, "stop_sequences")) if isinstance(s, str)]
    if stops:
        a["gen_ai.request.stop_sequences"] = stops
    mime = get(config, "response_mime_type")
    if mime == "application/json" or get(config, "response_schema") or get(config, "response_json_schema"):
        a["gen_ai.output.type"] = "json"
    elif mime == "text/plain":
        a["gen_ai.output.type"] = "text"
    return a


def gemini_embed_parameters(config: Any) -> Dict[str, Any]:
    dims = integer(get(config, "output_dimensionality"))
    return {"gen_ai.embeddings.dimension.count": dims} if dims is not None else {}


_PART_METADATA = frozenset({"thought", "thought_signature", "video_metadata", "part_metadata", "media_resolution"})
"""Fields of a part that describe it rather than carry its content."""


def _modality(mime: Any) -> Optional[str]:
    kind = mime.split("/")[0] if isinstance(mime, str) else None
    return kind if kind in ("image", "audio", "video") else None


def _part(p: Any) -> Part:
    if isinstance(p, str):
        return {"type": "text", "content": p}
    t = get(p, "text")
    if isinstance(t, str):
        return {"type": "reasoning" if get(p, "thought") else "text", "content": t}
    call = get(p, "function_call")
    if call is not None:
        return clean({"type": "tool_call", "id": get(call, "id"), "name": get(call, "name"), "arguments": get(call, "args")})
    answer = get(p, "function_response")
    if answer is not None:
        return clean({"type": "tool_call_response", "id": get(answer, "id"), "name": get(answer, "name"), "response": get(answer, "response")})
    blob = get(p, "inline_data")
    if blob is not None:
        # Inline bytes are not copied into the span: their type says what was sent.
        mime = get(blob, "mime_type")
        return clean({"type": "blob", "mime_type": mime, "modality": _modality(mime)})
    file = get(p, "file_data")
    if file is not None:
        mime = get(file, "mime_type")
        return clean({"type": "uri", "mime_type": mime, "uri": get(file, "file_uri"), "modality": _modality(mime)})
    code = get(p, "executable_code")
    if code is not None:
        return clean({"type": "executable_code", "language": _string(get(code, "language")), "content": get(code, "code")})
    run = get(p, "code_execution_result")
    if run is not None:
        return clean({"type": "code_execution_result", "outcome": _string(get(run, "outcome")), "content": get(run, "output")})
    return {"type": _other_kind(p)}


def _other_kind(p: Any) -> str:
    """A part of another kind is named by its first content key, camelCase as the TypeScript SDK sees it."""
    if isinstance(p, Mapping):
        names: List[str] = [str(k) for k in p]
    elif "inline_data" in getattr(type(p), "model_fields", {}):
        names = [k for k in type(p).model_fields if getattr(p, k, None) is not None]
    else:
        return "unknown"
    for name in names:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
        if snake not in _PART_METADATA:
            return _camel(name)
    return "unknown"


def _is_content(c: Any) -> bool:
    """A ``Content`` as the client tells it from a part: something with a ``parts`` list."""
    return c is not None and not isinstance(c, str) and isinstance(get(c, "parts"), (list, tuple))


def _role(role: Any, parts: List[Any]) -> str:
    """Gemini's roles in GenAI terms: ``model`` is the assistant; a turn of function responses is the tool's."""
    if role == "model":
        return "assistant"
    if parts and all(get(p, "function_response") is not None for p in parts):
        return "tool"
    return role if isinstance(role, str) else "user"


def gemini_input_messages(contents: Any) -> List[GenAiMessage]:
    """The request's ``contents`` as GenAI messages. Like the client itself, this accepts a string,
    a part, a list of parts (one user turn), a ``Content`` or a list of them."""
    if contents is None:
        return []
    given = list(contents) if isinstance(contents, (list, tuple)) else [contents]
    if given and all(_is_content(c) for c in given):
        out: List[GenAiMessage] = []
        for c in given:
            parts = items(get(c, "parts"))
            out.append({"role": _role(get(c, "role"), parts), "parts": [_part(p) for p in parts]})
        return out
    return [{"role": _role(None, given), "parts": [_part(p) for p in given]}]


def gemini_system(config: Any) -> Optional[List[Part]]:
    """``config.system_instruction``: a string, a part, parts, or a ``Content``."""
    s = get(config, "system_instruction")
    if s is None:
        return None
    given = items(get(s, "parts")) if _is_content(s) else (list(s) if isinstance(s, (list, tuple)) else [s])
    parts = [_part(p) for p in given]
    return parts or None


def gemini_usage(usage: Any) -> Dict[str, Optional[int]]:
    """Gemini's prompt count includes cached tokens, as GenAI's input tokens do; its candidate count
    leaves out thinking tokens, which GenAI counts in the output (reasoning is a part of it)."""
    prompt = integer(get(usage, "prompt_token_count"))
    tool_prompt = integer(get(usage, "tool_use_prompt_token_count"))
    candidates = integer(get(usage, "candidates_token_count"))
    thoughts = integer(get(usage, "thoughts_token_count"))
    return {
        "input_tokens": None if prompt is None else prompt + (tool_prompt or 0),
        "output_tokens": None if candidates is None and thoughts is None else (candidates or 0) + (thoughts or 0),
        "cache_read_tokens": integer(get(usage, "cached_content_token_count")),
        "reasoning_tokens": thoughts,
    }


_CONTENT_FILTER = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"}
)
_TOOL_ERRORS = frozenset({"MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"})


def gemini_finish_reason(reason: Any, parts: List[Any]) -> Optional[str]:
    """A candidate's finish reason (the client's enum, or its string) in the GenAI vocabulary
    (``stop``, ``length``, ``content_filter``, ``tool_call``, ``error``); reasons without an
    equivalent are kept, lower-cased."""
    name = _string(reason)
    if not name or name == "FINISH_REASON_UNSPECIFIED":
        return None
    if name == "STOP":
        return "tool_call" if any(get(p, "function_call") is not None for p in parts) else "stop"
    if name == "MAX_TOKENS":
        return "length"
    if name in _CONTENT_FILTER:
        return "content_filter"
    if name in _TOOL_ERRORS:
        return "error"
    return name.lower()


def gemini_result(response: Any) -> CallResult:
    """A ``GenerateContentResponse``'s figures and output, one assistant message per candidate."""
    candidates = items(get(response, "candidates"))
    messages: List[GenAiMessage] = []
    for c in candidates:
        parts = items(get(get(c, "content"), "parts"))
        message: GenAiMessage = {"role": "assistant", "parts": [_part(p) for p in parts]}
        reason = gemini_finish_reason(get(c, "finish_reason"), parts)
        if reason:
            message["finish_reason"] = reason
        messages.append(message)
    reasons = [m["finish_reason"] for m in messages if m.get("finish_reason")]
    # A prompt the model refused to read has no candidates, only the reason.
    if not candidates and get(get(response, "prompt_feedback"), "block_reason"):
        reasons.append("content_filter")
    return CallResult(
        response_model=text(get(response, "model_version")),
        response_id=text(get(response, "response_id")),
        finish_reasons=reasons,
        output_messages=messages,
        **gemini_usage(get(response, "usage_metadata")),
    )


def gemini_embed_result(response: Any) -> CallResult:
    """Embedding calls: tokens from the response's usage where given, else (Vertex AI) summed over the embeddings."""
    usage = integer(get(get(response, "usage_metadata"), "prompt_token_count"))
    if usage is not None:
        return CallResult(input_tokens=usage)
    counts = [number(get(get(e, "statistics"), "token_count")) for e in items(get(response, "embeddings"))]
    known = [c for c in counts if c is not None]
    # The client types these counts as floats; they are whole numbers.
    return CallResult(input_tokens=int(sum(known)) if known else None)


class GeminiStreamState:
    """Accumulates a streamed response from its chunks: text parts joined per candidate, other parts
    kept, and the last usage, model and finish reason seen."""

    def __init__(self, with_content: bool = True) -> None:
        self._with_content = with_content
        self._candidates: Dict[int, Dict[str, Any]] = {}
        self._last: Dict[str, Any] = {}

    def add(self, chunk: Any) -> bool:
        """Adds a chunk; True when it carries content (the first is the first token)."""
        content = False
        for i, c in enumerate(items(get(chunk, "candidates"))):
            index = integer(get(c, "index"))
            into = self._candidates.setdefault(i if index is None else index, {"parts": [], "finish_reason": None})
            for p in items(get(get(c, "content"), "parts")):
                content = True
                # Without content, a function call is still kept: it decides the finish reason (tool_call).
                if not self._with_content and get(p, "function_call") is None:
                    continue
                self._add_part(into["parts"], p)
            reason = get(c, "finish_reason")
            if reason:
                into["finish_reason"] = reason
        for name in ("model_version", "response_id", "usage_metadata", "prompt_feedback"):
            value = get(chunk, name)
            if value is not None:
                self._last[name] = value
        return content

    @staticmethod
    def _add_part(parts: List[Any], p: Any) -> None:
        prev = parts[-1] if parts else None
        t = get(p, "text")
        prev_text = get(prev, "text")
        if isinstance(t, str) and isinstance(prev_text, str) and bool(get(prev, "thought")) == bool(get(p, "thought")):
            parts[-1] = {"text": prev_text + t, "thought": get(p, "thought")}
        else:
            parts.append(p)

    def result(self) -> CallResult:
        candidates = [
            {"content": {"role": "model", "parts": c["parts"]}, "finish_reason": c["finish_reason"]}
            for _, c in sorted(self._candidates.items())
        ]
        return gemini_result({**self._last, "candidates": candidates})
