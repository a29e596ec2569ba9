"""The official ``google-genai`` client, patched by ``init()`` or ``instrument(client)``, against the
repository's mock Gemini API (testing/mock-gemini.ts: "Paris is the capital of France.", 40 prompt
tokens of which 16 cached, 9 candidate and 5 thinking tokens; streamed word by word, the first
after 40 ms; a function call get_weather(city="Paris") for a model name containing "tool";
HTTP 429 for the model "boom")."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from google import genai
from google.genai import errors, types
from google.genai.models import AsyncModels, Models
from opentelemetry.trace import SpanKind, StatusCode

import sightline
from spans import messages, only, ours
from sightline.instrument.gemini_map import (
    GeminiStreamState,
    gemini_embed_result,
    gemini_input_messages,
    gemini_model,
    gemini_parameters,
    gemini_result,
    gemini_system,
)

ANSWER = "Paris is the capital of France."
WEATHER_CALL = {"type": "tool_call", "name": "get_weather", "arguments": {"city": "Paris"}}



def new_client(mocks: Any) -> genai.Client:
    return genai.Client(api_key="test", http_options=types.HttpOptions(base_url=mocks.gemini))


@pytest.fixture
def client(mocks: Any) -> genai.Client:
    return new_client(mocks)


def test_generate_content_records_parameters_tokens_and_messages(sdk: sightline.Sightline, client: genai.Client) -> None:
    response = client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Capital of France?",
        config=types.GenerateContentConfig(
            system_instruction="Be brief.",
            temperature=0.2,
            top_p=0.9,
            top_k=40,
            max_output_tokens=100,
            seed=7,
            presence_penalty=0.1,
            frequency_penalty=0.2,
            stop_sequences=["END"],
            response_mime_type="application/json",
        ),
    )
    assert response.text == ANSWER

    span = only(sdk)
    assert span.name == "generate_content gemini-2.5-flash"
    assert span.kind == SpanKind.CLIENT
    assert span.status.status_code == StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert {k: v for k, v in attributes.items() if not k.startswith(("gen_ai.input", "gen_ai.output.messages", "gen_ai.system", "sightline."))} == {
        "gen_ai.operation.name": "generate_content",
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.request.model": "gemini-2.5-flash",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 100,
        "gen_ai.request.seed": 7,
        "gen_ai.request.presence_penalty": 0.1,
        "gen_ai.request.frequency_penalty": 0.2,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.output.type": "json",
        "server.address": "127.0.0.1",
        "gen_ai.response.model": "gemini-2.5-flash-001",
        "gen_ai.response.id": "resp_g1",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 40,
        "gen_ai.usage.cache_read.input_tokens": 16,
        # Thinking tokens are output tokens: 9 candidate + 5 thinking.
        "gen_ai.usage.output_tokens": 14,
        "gen_ai.usage.reasoning.output_tokens": 5,
    }
    assert messages(span, "gen_ai.system_instructions") == [{"type": "text", "content": "Be brief."}]
    assert messages(span, "gen_ai.input.messages") == [{"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]}]
    assert messages(span, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}
    ]


def test_a_config_dict_reads_as_the_config_object_does(sdk: sightline.Sightline, client: genai.Client) -> None:
    client.models.generate_content(
        model="gemini-2.5-flash",
        contents=[types.Content(role="user", parts=[types.Part.from_text(text="hi")])],
        config={"temperature": 0.5, "candidate_count": 1, "response_mime_type": "text/plain", "system_instruction": {"parts": [{"text": "Be brief."}]}},
    )
    span = only(sdk)
    attributes = span.attributes or {}
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert attributes["gen_ai.request.choice.count"] == 1
    assert attributes["gen_ai.output.type"] == "text"
    assert messages(span, "gen_ai.system_instructions") == [{"type": "text", "content": "Be brief."}]
    assert messages(span, "gen_ai.input.messages") == [{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]


def test_generate_content_stream_records_ttft_and_passes_every_chunk(sdk: sightline.Sightline, client: genai.Client) -> None:
    chunks = list(client.models.generate_content_stream(model="models/gemini-2.5-flash", contents=[{"role": "user", "parts": [{"text": "hi"}]}]))
    assert "".join(c.text or "" for c in chunks) == ANSWER
    assert len(chunks) == len(ANSWER.split(" "))

    span = only(sdk)
    attributes = span.attributes or {}
    assert span.name == "generate_content gemini-2.5-flash"
    assert attributes["gen_ai.request.model"] == "gemini-2.5-flash"
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["gen_ai.response.time_to_first_chunk"] >= 0.035
    assert attributes["gen_ai.response.id"] == "resp_g2"
    assert attributes["gen_ai.usage.input_tokens"] == 40
    assert attributes["gen_ai.usage.output_tokens"] == 14
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert messages(span, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}
    ]


def test_leaving_a_stream_early_ends_its_span(sdk: sightline.Sightline, client: genai.Client) -> None:
    for _ in client.models.generate_content_stream(model="gemini-2.5-flash", contents="hi"):
        break
    span = only(sdk)
    assert span.status.status_code == StatusCode.UNSET
    assert (span.attributes or {})["gen_ai.response.time_to_first_chunk"] > 0


def test_async_client_plain_and_stream(sdk: sightline.Sightline, client: genai.Client) -> None:
    async def run() -> List[str]:
        response = await client.aio.models.generate_content(model="gemini-2.5-flash", contents="hi")
        stream = await client.aio.models.generate_content_stream(model="gemini-2.5-flash", contents="hi")
        streamed = "".join([chunk.text or "" async for chunk in stream])
        return [response.text or "", streamed]

    assert asyncio.run(run()) == [ANSWER, ANSWER]
    plain, streamed = ours(sdk)
    for span in (plain, streamed):
        assert (span.attributes or {})["gen_ai.usage.input_tokens"] == 40
        assert (span.attributes or {})["gen_ai.usage.output_tokens"] == 14
        assert messages(span, "gen_ai.output.messages") == [
            {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}
        ]
    assert "gen_ai.response.time_to_first_chunk" not in (plain.attributes or {})
    assert (streamed.attributes or {})["gen_ai.request.stream"] is True
    assert (streamed.attributes or {})["gen_ai.response.time_to_first_chunk"] >= 0.035


def test_function_calls_in_the_output_and_each_turn_of_a_chat(sdk: sightline.Sightline, client: genai.Client) -> None:
    chat = client.chats.create(model="gemini-2.5-flash-tool")
    first = chat.send_message("Weather in Paris?")
    assert first.function_calls and first.function_calls[0].name == "get_weather"
    chat.send_message(types.Part.from_function_response(name="get_weather", response={"temp": 21}))

    asked, answered = ours(sdk)
    assert (asked.attributes or {})["gen_ai.response.finish_reasons"] == ("tool_call",)
    assert messages(asked, "gen_ai.output.messages") == [{"role": "assistant", "parts": [WEATHER_CALL], "finish_reason": "tool_call"}]
    # The second turn sends the history: the question, the model's call, the tool's answer.
    assert messages(answered, "gen_ai.input.messages") == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
        {"role": "assistant", "parts": [WEATHER_CALL]},
        {"role": "tool", "parts": [{"type": "tool_call_response", "name": "get_weather", "response": {"temp": 21}}]},
    ]


def test_each_request_of_automatic_function_calling_is_a_span(sdk: sightline.Sightline, client: genai.Client, mocks: Any) -> None:
    def get_weather(city: str) -> Dict[str, Any]:
        """The weather in a city."""
        return {"city": city, "temp": 21}

    mocks.clear_requests()
    client.models.generate_content(
        model="gemini-2.5-flash-tool",
        contents="Weather in Paris?",
        config=types.GenerateContentConfig(tools=[get_weather], automatic_function_calling=types.AutomaticFunctionCallingConfig(maximum_remote_calls=2)),
    )
    requests = len(mocks.requests()["gemini"])
    assert requests == 2
    spans = ours(sdk)
    assert len(spans) == requests
    assert [m["role"] for m in messages(spans[-1], "gen_ai.input.messages")] == ["user", "assistant", "tool"]
    assert messages(spans[-1], "gen_ai.input.messages")[2]["parts"] == [
        {"type": "tool_call_response", "name": "get_weather", "response": {"result": {"city": "Paris", "temp": 21}}}
    ]


def test_embed_content_is_an_embeddings_call(sdk: sightline.Sightline, client: genai.Client) -> None:
    result = client.models.embed_content(model="gemini-embedding-001", contents=["a", "b"], config={"output_dimensionality": 4})
    assert result.embeddings is not None and len(result.embeddings) == 2
    span = only(sdk)
    assert span.name == "embeddings gemini-embedding-001"
    attributes = span.attributes or {}
    assert attributes["gen_ai.operation.name"] == "embeddings"
    assert attributes["gen_ai.provider.name"] == "gcp.gemini"
    assert attributes["gen_ai.embeddings.dimension.count"] == 4
    assert "gen_ai.input.messages" not in attributes


def test_a_failed_call_has_the_http_status_and_the_client_error_is_raised(sdk: sightline.Sightline, client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model="boom", contents="hi")
    assert raised.value.code == 429
    span = only(sdk)
    assert span.status.status_code == StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "429"
    assert [e.name for e in span.events] == ["exception"]


def test_a_vertex_ai_client_is_the_vertex_ai_provider(sdk: sightline.Sightline, mocks: Any) -> None:
    vertex = genai.Client(vertexai=True, api_key="test", http_options=types.HttpOptions(base_url=mocks.gemini, api_version="v1"))
    # The mock has no Vertex AI routes: the call fails, and is recorded all the same.
    with pytest.raises(errors.ClientError):
        vertex.models.generate_content(model="gemini-2.5-flash", contents="hi")
    attributes = only(sdk).attributes or {}
    assert attributes["gen_ai.provider.name"] == "gcp.vertex_ai"
    assert attributes["server.address"] == "127.0.0.1"
    assert attributes["error.type"] == "404"


def test_without_content_capture_no_messages_are_recorded(mocks: Any) -> None:
    sdk = sightline.init(service_name="sdk-test", exporter="memory", capture_content=False)
    client = new_client(mocks)
    client.models.generate_content(model="gemini-2.5-flash", contents="hi", config={"system_instruction": "Be brief."})
    list(client.models.generate_content_stream(model="gemini-2.5-flash-tool", contents="hi"))
    plain, streamed = ours(sdk)
    for span in (plain, streamed):
        attributes = span.attributes or {}
        assert attributes["gen_ai.usage.input_tokens"] == 40
        assert not [k for k in attributes if k in ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")]
    assert (plain.attributes or {})["gen_ai.response.finish_reasons"] == ("stop",)
    # The function call is still seen, for the finish reason.
    assert (streamed.attributes or {})["gen_ai.response.finish_reasons"] == ("tool_call",)


def test_instrument_patches_only_that_client_sync_and_async(mocks: Any) -> None:
    mine = sightline.instrument(new_client(mocks))
    other = new_client(mocks)
    sdk = sightline.init(service_name="sdk-test", exporter="memory", capture_content=True, auto_instrument=False)
    mine.models.generate_content(model="gemini-2.5-flash", contents="hi")
    other.models.generate_content(model="gemini-2.5-flash", contents="hi")

    async def run() -> None:
        await mine.aio.models.generate_content(model="gemini-2.5-flash", contents="hi")
        await other.aio.models.generate_content(model="gemini-2.5-flash", contents="hi")

    asyncio.run(run())
    assert len(ours(sdk)) == 2


def test_uninstrument_restores_the_client(mocks: Any) -> None:
    names = ("_generate_content", "_generate_content_stream", "_embed_content")
    originals = {(c, n): vars(c)[n] for c in (Models, AsyncModels) for n in names}
    sdk = sightline.init(service_name="sdk-test", exporter="memory")
    assert "google-genai" in sdk.instrumented
    assert all(vars(c)[n] is not original for (c, n), original in originals.items())

    sightline.uninstrument()
    assert {(c, n): vars(c)[n] for (c, n) in originals} == originals
    client = new_client(mocks)  # kept: a Client closes its connections once dropped
    client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    assert ours(sdk) == []


def test_every_contents_shape_the_client_accepts() -> None:
    user = [{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]
    for contents in (
        "hi",
        ["hi"],
        {"text": "hi"},
        types.Part.from_text(text="hi"),
        {"role": "user", "parts": [{"text": "hi"}]},
        types.Content(role="user", parts=[types.Part(text="hi")]),
        [types.UserContent(parts=[types.Part(text="hi")])],
        # A part with a role is still a part (a Content has a list of parts).
        {"text": "hi", "role": "user"},
    ):
        assert gemini_input_messages(contents) == user, contents
    assert gemini_input_messages(None) == []

    assert gemini_input_messages([{"role": "user", "parts": [{"function_response": {"name": "f", "response": {"ok": 1}}}]}]) == [
        {"role": "tool", "parts": [{"type": "tool_call_response", "name": "f", "response": {"ok": 1}}]}
    ]
    parts = [
        types.Part.from_bytes(data=b"\x89PNG", mime_type="image/png"),
        {"thought_signature": b"x", "text": "see"},
        types.Part(text="Hmm.", thought=True),
        types.Part.from_uri(file_uri="gs://bucket/clip.mp4", mime_type="video/mp4"),
        {"functionCall": {"id": "c1", "name": "f", "args": {"x": 1}}},
        types.Part(executable_code=types.ExecutableCode(code="print(1)", language=types.Language.PYTHON)),
        types.Part(code_execution_result=types.CodeExecutionResult(outcome=types.Outcome.OUTCOME_OK, output="1")),
        {"toolCall": {"id": "t1"}},
        {"thought_signature": b"x", "tool_response": {"id": "t1"}},
    ]
    assert gemini_input_messages(parts) == [
        {
            "role": "user",
            "parts": [
                # Inline bytes are not copied, only described.
                {"type": "blob", "mime_type": "image/png", "modality": "image"},
                {"type": "text", "content": "see"},
                {"type": "reasoning", "content": "Hmm."},
                {"type": "uri", "mime_type": "video/mp4", "uri": "gs://bucket/clip.mp4", "modality": "video"},
                {"type": "tool_call", "id": "c1", "name": "f", "arguments": {"x": 1}},
                {"type": "executable_code", "language": "PYTHON", "content": "print(1)"},
                {"type": "code_execution_result", "outcome": "OUTCOME_OK", "content": "1"},
                {"type": "toolCall"},
                {"type": "toolResponse"},
            ],
        }
    ]
    assert gemini_system({"system_instruction": types.Content(parts=[types.Part(text="Be brief.")])}) == [{"type": "text", "content": "Be brief."}]
    assert gemini_system({"systemInstruction": ["Be brief.", "Be kind."]}) == [
        {"type": "text", "content": "Be brief."},
        {"type": "text", "content": "Be kind."},
    ]
    assert gemini_system(None) is None
    assert gemini_parameters({"maxOutputTokens": 5, "responseJsonSchema": {"type": "object"}}) == {
        "gen_ai.request.max_tokens": 5,
        "gen_ai.output.type": "json",
    }


def test_model_names_lose_their_resource_prefix() -> None:
    assert gemini_model("models/gemini-2.5-flash") == "gemini-2.5-flash"
    assert gemini_model("publishers/google/models/gemini-2.5-pro") == "gemini-2.5-pro"
    assert gemini_model("gemini-2.5-flash") == "gemini-2.5-flash"
    assert gemini_model("") is None


def test_finish_reasons_are_the_genai_ones() -> None:
    def reasons(reason: types.FinishReason, parts: Any = None) -> List[str]:
        content = types.Content(role="model", parts=parts or [types.Part(text="x")])
        return gemini_result(types.GenerateContentResponse(candidates=[types.Candidate(content=content, finish_reason=reason)])).finish_reasons

    assert reasons(types.FinishReason.STOP) == ["stop"]
    assert reasons(types.FinishReason.STOP, [types.Part.from_function_call(name="f", args={})]) == ["tool_call"]
    assert reasons(types.FinishReason.MAX_TOKENS) == ["length"]
    assert reasons(types.FinishReason.SAFETY) == ["content_filter"]
    assert reasons(types.FinishReason.MALFORMED_FUNCTION_CALL) == ["error"]
    assert reasons(types.FinishReason.LANGUAGE) == ["language"]
    assert reasons(types.FinishReason.FINISH_REASON_UNSPECIFIED) == []
    blocked = gemini_result(
        types.GenerateContentResponse(
            prompt_feedback=types.GenerateContentResponsePromptFeedback(block_reason=types.BlockedReason.SAFETY),
            usage_metadata=types.GenerateContentResponseUsageMetadata(prompt_token_count=7),
        )
    )
    assert (blocked.finish_reasons, blocked.input_tokens, blocked.output_messages) == (["content_filter"], 7, [])


def test_streamed_text_and_thoughts_are_joined_apart() -> None:
    def chunk(*parts: types.Part, **fields: Any) -> types.GenerateContentResponse:
        candidates = [types.Candidate(content=types.Content(role="model", parts=list(parts)), finish_reason=fields.pop("finish_reason", None))]
        return types.GenerateContentResponse(candidates=candidates if parts else None, **fields)

    state = GeminiStreamState()
    assert state.add(chunk(types.Part(text="Let me ", thought=True))) is True
    state.add(chunk(types.Part(text="think.", thought=True)))
    state.add(chunk(types.Part(text="Paris")))
    assert state.add(chunk(usage_metadata=types.GenerateContentResponseUsageMetadata(prompt_token_count=3))) is False
    state.add(
        chunk(
            types.Part(text="."),
            finish_reason=types.FinishReason.STOP,
            usage_metadata=types.GenerateContentResponseUsageMetadata(prompt_token_count=3, candidates_token_count=2, thoughts_token_count=4),
        )
    )
    result = state.result()
    assert (result.input_tokens, result.output_tokens, result.reasoning_tokens, result.finish_reasons) == (3, 6, 4, ["stop"])
    assert result.output_messages == [
        {
            "role": "assistant",
            "parts": [{"type": "reasoning", "content": "Let me think."}, {"type": "text", "content": "Paris."}],
            "finish_reason": "stop",
        }
    ]


def test_embedding_tokens_from_usage_else_from_vertex_statistics() -> None:
    def embedding(tokens: float) -> types.ContentEmbedding:
        return types.ContentEmbedding(values=[1.0], statistics=types.ContentEmbeddingStatistics(token_count=tokens))

    assert gemini_embed_result({"embeddings": [{"values": [1]}], "usage_metadata": {"prompt_token_count": 5}}).input_tokens == 5
    assert gemini_embed_result(types.EmbedContentResponse(embeddings=[embedding(2.0), embedding(3.0)])).input_tokens == 5
    assert gemini_embed_result(types.EmbedContentResponse(embeddings=[types.ContentEmbedding(values=[1.0])])).input_tokens is None
