"""Pure mapping between OpenAI's wire shapes and GenAI attributes and messages.

Requests arrive as the keyword arguments of ``create`` (dicts, or a previous response's objects
passed back in); responses as the client's objects. Both are read with `field`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .fields import clean, field, integer, items, path, text
from .llm_span import CallResult, GenAiMessage, Part


def request_parameters(body: Dict[str, Any]) -> Dict[str, Any]:
    """``gen_ai.request.*`` from a chat / responses / completions request."""
    a: Dict[str, Any] = {}

    def put(key: str, v: Any) -> None:
        if isinstance(v, (int, float, str)) and not isinstance(v, bool):
            a[key] = v

    put("gen_ai.request.temperature", body.get("temperature"))
    put("gen_ai.request.top_p", body.get("top_p"))
    put("gen_ai.request.max_tokens", _first_of(body.get("max_completion_tokens"), body.get("max_tokens"), body.get("max_output_tokens")))
    put("gen_ai.request.frequency_penalty", body.get("frequency_penalty"))
    put("gen_ai.request.presence_penalty", body.get("presence_penalty"))
    put("gen_ai.request.seed", body.get("seed"))
    n = integer(body.get("n"))
    if n is not None and n != 1:
        a["gen_ai.request.choice.count"] = n
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else [s for s in items(stop) if isinstance(s, str)]
    if stops:
        a["gen_ai.request.stop_sequences"] = stops
    given_format = body.get("response_format")
    if isinstance(given_format, type):
        # `parse(response_format=SomeModel)`: the client sends it as a JSON schema named after the class.
        given_format = {"type": "json_schema", "json_schema": {"name": given_format.__name__}}
    fmt = path(given_format, "type") or path(body.get("text"), "format", "type")
    if fmt in ("json_object", "json_schema"):
        a["gen_ai.output.type"] = "json"
    elif fmt == "text":
        a["gen_ai.output.type"] = "text"
    schema = path(given_format, "json_schema", "name")
    if isinstance(schema, str) and schema:
        a["openai.request.response_format.schema_name"] = schema
    if isinstance(body.get("reasoning_effort"), str):
        a["gen_ai.request.reasoning.level"] = body["reasoning_effort"]
    if isinstance(body.get("service_tier"), str):
        a["openai.request.service_tier"] = body["service_tier"]
    return a


def _content_parts(content: Any) -> List[Part]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts: List[Part] = []
    for p in items(content):
        kind = field(p, "type")
        if kind in ("text", "input_text", "output_text"):
            parts.append({"type": "text", "content": field(p, "text")})
        elif kind == "image_url":
            parts.append({"type": "uri", "modality": "image", "uri": path(p, "image_url", "url")})
        elif kind == "input_image":
            parts.append({"type": "uri", "modality": "image", "uri": field(p, "image_url")})
        elif kind == "refusal":
            parts.append({"type": "text", "content": field(p, "refusal")})
        else:
            parts.append({"type": str(kind if kind is not None else "unknown")})
    return parts


def _tool_call_parts(calls: Any) -> List[Part]:
    return [
        clean(
            {
                "type": "tool_call",
                "id": field(c, "id"),
                "name": path(c, "function", "name") or path(c, "custom", "name"),
                "arguments": _first_of(path(c, "function", "arguments"), path(c, "custom", "input")),
            }
        )
        for c in items(calls)
    ]


def _first_of(*values: Any) -> Any:
    """The first value that is set (``??`` in the TypeScript SDK's mapping)."""
    for v in values:
        if v is not None:
            return v
    return None


def chat_input_messages(messages: Any) -> List[GenAiMessage]:
    """Chat ``messages`` as GenAI messages (system messages included, as OTel's chat history does)."""
    out: List[GenAiMessage] = []
    for m in items(messages):
        role = field(m, "role")
        if role == "tool":
            out.append(
                {"role": "tool", "parts": [clean({"type": "tool_call_response", "id": field(m, "tool_call_id"), "response": field(m, "content")})]}
            )
        else:
            out.append({"role": str(role or "user"), "parts": _content_parts(field(m, "content")) + _tool_call_parts(field(m, "tool_calls"))})
    return out


def with_chat_usage(result: CallResult, usage: Any) -> CallResult:
    """Chat and embeddings usage (prompt/completion token names) put on `result`."""
    result.input_tokens = integer(field(usage, "prompt_tokens"))
    result.output_tokens = integer(field(usage, "completion_tokens"))
    result.cache_read_tokens = integer(path(usage, "prompt_tokens_details", "cached_tokens"))
    result.reasoning_tokens = integer(path(usage, "completion_tokens_details", "reasoning_tokens"))
    return result


def chat_result(completion: Any, with_content: bool = True) -> CallResult:
    """A chat completion's figures and output."""
    choices = items(field(completion, "choices"))
    result = with_chat_usage(
        CallResult(
            response_model=text(field(completion, "model")),
            response_id=text(field(completion, "id")),
            finish_reasons=[r for r in (field(c, "finish_reason") for c in choices) if isinstance(r, str)],
        ),
        field(completion, "usage"),
    )
    if with_content:
        result.output_messages = []
        for c in choices:
            message = field(c, "message")
            content = field(message, "content")
            message_out: GenAiMessage = {
                "role": str(field(message, "role") or "assistant"),
                "parts": _content_parts(content if content is not None else field(message, "refusal"))
                + _tool_call_parts(field(message, "tool_calls")),
            }
            finish = field(c, "finish_reason")
            if isinstance(finish, str):
                message_out["finish_reason"] = finish
            result.output_messages.append(message_out)
    return result


class ChatStreamState:
    """Accumulates a streamed chat completion: the figures always, text and tool calls only when content is captured."""

    def __init__(self, with_content: bool = True) -> None:
        self._with_content = with_content
        self._texts: Dict[int, str] = {}
        self._tools: Dict[int, Dict[int, Dict[str, Any]]] = {}
        self._finish: Dict[int, str] = {}
        self._model: Optional[str] = None
        self._id: Optional[str] = None
        self._usage: Any = None

    def add(self, chunk: Any) -> bool:
        """Adds a chunk; True when it carries content (text, refusal or a tool call): the first such is the first token."""
        if self._model is None:
            self._model = text(field(chunk, "model"))
        if self._id is None:
            self._id = text(field(chunk, "id"))
        usage = field(chunk, "usage")
        if usage is not None:
            self._usage = usage
        content = False
        for c in items(field(chunk, "choices")):
            i = integer(field(c, "index")) or 0
            delta = field(c, "delta")
            piece = field(delta, "content")
            if piece is None:
                piece = field(delta, "refusal")
            if isinstance(piece, str) and piece != "":
                if self._with_content:
                    self._texts[i] = self._texts.get(i, "") + piece
                content = True
            calls = items(field(delta, "tool_calls"))
            if calls:
                if self._with_content:
                    self._add_tool_calls(i, calls)
                content = True
            finish = field(c, "finish_reason")
            if isinstance(finish, str):
                self._finish[i] = finish
        return content

    def _add_tool_calls(self, choice: int, deltas: List[Any]) -> None:
        calls = self._tools.setdefault(choice, {})
        for t in deltas:
            j = integer(field(t, "index")) or 0
            call = calls.setdefault(j, {"arguments": ""})
            if field(t, "id"):
                call["id"] = field(t, "id")
            name = path(t, "function", "name")
            if name:
                call["name"] = name
            arguments = path(t, "function", "arguments")
            if isinstance(arguments, str):
                call["arguments"] += arguments

    def result(self) -> CallResult:
        indexes = sorted(set(self._texts) | set(self._tools) | set(self._finish))
        result = with_chat_usage(
            CallResult(
                response_model=self._model,
                response_id=self._id,
                finish_reasons=[self._finish[i] for i in indexes if i in self._finish],
            ),
            self._usage,
        )
        if self._with_content:
            result.output_messages = []
            for i in indexes:
                parts: List[Part] = [{"type": "text", "content": self._texts[i]}] if i in self._texts else []
                for t in self._tools.get(i, {}).values():
                    parts.append(clean({"type": "tool_call", "id": t.get("id"), "name": t.get("name"), "arguments": t["arguments"]}))
                message: GenAiMessage = {"role": "assistant", "parts": parts}
                if i in self._finish:
                    message["finish_reason"] = self._finish[i]
                result.output_messages.append(message)
        return result


def responses_input_messages(body: Dict[str, Any]) -> List[GenAiMessage]:
    """Responses API ``input`` as GenAI messages (``instructions`` go to the system instructions)."""
    given = body.get("input")
    if isinstance(given, str):
        return [{"role": "user", "parts": [{"type": "text", "content": given}]}]
    out: List[GenAiMessage] = []
    for item in items(given):
        kind = field(item, "type")
        if kind == "function_call_output":
            out.append({"role": "tool", "parts": [clean({"type": "tool_call_response", "id": field(item, "call_id"), "response": field(item, "output")})]})
        elif kind == "function_call":
            call = {"type": "tool_call", "id": field(item, "call_id"), "name": field(item, "name"), "arguments": field(item, "arguments")}
            out.append({"role": "assistant", "parts": [clean(call)]})
        else:
            out.append({"role": str(field(item, "role") or "user"), "parts": _content_parts(field(item, "content"))})
    return out


def responses_system(body: Dict[str, Any]) -> Optional[List[Part]]:
    instructions = body.get("instructions")
    return [{"type": "text", "content": instructions}] if isinstance(instructions, str) else None


class ResponsesStreamState:
    """Follows a streamed Responses API call: deltas mark the first token, the final event carries the response."""

    def __init__(self) -> None:
        self._final: Any = None

    def add(self, event: Any) -> bool:
        kind = field(event, "type")
        if kind in ("response.completed", "response.incomplete", "response.failed"):
            self._final = field(event, "response")
        return kind in ("response.output_text.delta", "response.function_call_arguments.delta", "response.refusal.delta")

    def result(self) -> CallResult:
        return responses_result(self._final) if self._final is not None else CallResult()


def responses_result(response: Any) -> CallResult:
    """A Responses API response's figures and output."""
    output = items(field(response, "output"))
    parts: List[Part] = []
    for item in output:
        kind = field(item, "type")
        if kind == "message":
            parts.extend(_content_parts(field(item, "content")))
        elif kind == "function_call":
            parts.append(clean({"type": "tool_call", "id": field(item, "call_id"), "name": field(item, "name"), "arguments": field(item, "arguments")}))
        elif kind == "reasoning":
            summary = "\n".join(t for t in (field(s, "text") for s in items(field(item, "summary"))) if t)
            if summary:
                parts.append({"type": "reasoning", "content": summary})
    status = field(response, "status")
    finish: Optional[str] = None
    if status == "incomplete":
        finish = str(path(response, "incomplete_details", "reason") or "incomplete")
    elif status == "completed":
        finish = "tool_calls" if any(field(i, "type") == "function_call" for i in output) else "stop"
    usage = field(response, "usage")
    messages: List[GenAiMessage] = []
    if parts:
        message: GenAiMessage = {"role": "assistant", "parts": parts}
        if finish:
            message["finish_reason"] = finish
        messages.append(message)
    return CallResult(
        response_model=text(field(response, "model")),
        response_id=text(field(response, "id")),
        finish_reasons=[finish] if finish else [],
        input_tokens=integer(field(usage, "input_tokens")),
        output_tokens=integer(field(usage, "output_tokens")),
        cache_read_tokens=integer(path(usage, "input_tokens_details", "cached_tokens")),
        reasoning_tokens=integer(path(usage, "output_tokens_details", "reasoning_tokens")),
        output_messages=messages,
    )


def embeddings_parameters(body: Dict[str, Any]) -> Dict[str, Any]:
    a: Dict[str, Any] = {}
    dims = integer(body.get("dimensions"))
    if dims is not None:
        a["gen_ai.embeddings.dimension.count"] = dims
    if isinstance(body.get("encoding_format"), str):
        a["gen_ai.request.encoding_formats"] = [body["encoding_format"]]
    return a


def embeddings_result(response: Any) -> CallResult:
    return CallResult(response_model=text(field(response, "model")), input_tokens=integer(path(response, "usage", "prompt_tokens")))
