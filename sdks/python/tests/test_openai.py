"""The official openai client, instrumented by `init()` or `instrument(client)`, against the mock OpenAI API."""

from __future__ import annotations

import asyncio

import openai
import pytest
from opentelemetry.trace import SpanKind, StatusCode
from spans import attributes, messages

import sightline

ANSWER = "The capital of France is Paris."
QUESTION = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "What is the capital of France?"},
]
WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
}


@pytest.fixture
def client(mocks) -> openai.OpenAI:
    return openai.OpenAI(api_key="test", base_url=mocks.openai, max_retries=0)


@pytest.fixture
def aclient(mocks) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="test", base_url=mocks.openai, max_retries=0)


def test_a_chat_completion_is_one_client_span_in_the_genai_conventions(sdk, client):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION, temperature=0.2, max_tokens=50, seed=7)
    assert reply.choices[0].message.content == ANSWER
    (span,) = sdk.memory.spans
    assert span.name == "chat gpt-4o-mini"
    assert span.kind == SpanKind.CLIENT
    a = attributes(span)
    assert {k: a[k] for k in a if not k.startswith(("sightline.label.", "gen_ai.input", "gen_ai.output"))} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 50,
        "gen_ai.request.seed": 7,
        "server.address": "127.0.0.1",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id": "chatcmpl-1",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 24,
        "gen_ai.usage.output_tokens": 8,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
    }
    assert messages(span, "gen_ai.input.messages") == [
        {"role": "system", "parts": [{"type": "text", "content": "You are terse."}]},
        {"role": "user", "parts": [{"type": "text", "content": "What is the capital of France?"}]},
    ]
    assert messages(span, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}
    ]


def test_cached_prompt_tokens_are_recorded(sdk, client):
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "a cached question"}])
    assert attributes(sdk.memory.spans[0])["gen_ai.usage.cache_read.input_tokens"] == 16


def test_a_streamed_chat_records_time_to_first_token_usage_and_the_whole_text(sdk, client):
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=QUESTION, stream=True, stream_options={"include_usage": True}
    )
    assert isinstance(stream, openai.Stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == ANSWER
    (span,) = sdk.memory.spans
    a = attributes(span)
    assert a["gen_ai.request.stream"] is True
    assert 0.03 < a["gen_ai.response.time_to_first_chunk"] < (span.end_time - span.start_time) / 1e9
    assert a["gen_ai.usage.input_tokens"] == 24 and a["gen_ai.usage.output_tokens"] == 8
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert messages(span, "gen_ai.output.messages")[0]["parts"] == [{"type": "text", "content": ANSWER}]


def test_a_stream_left_early_ends_its_span_there(sdk, client):
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            break
    # Ended when the loop was left, not when the garbage collector finds the stream.
    (span,) = sdk.memory.spans
    assert span.status.status_code == StatusCode.UNSET
    assert "gen_ai.response.time_to_first_chunk" in attributes(span)
    assert isinstance(stream, openai.Stream)
    stream.close()
    assert len(sdk.memory.spans) == 1


def test_a_stream_closed_unread_ends_its_span(sdk, client):
    with client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION, stream=True):
        assert sdk.memory.spans == []
    (span,) = sdk.memory.spans
    assert "gen_ai.response.time_to_first_chunk" not in attributes(span)


def test_an_async_stream_left_early_ends_its_span(sdk, aclient):
    async def run() -> None:
        stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=QUESTION, stream=True)
        async with stream:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    break

    asyncio.run(run())
    (span,) = sdk.memory.spans
    assert "gen_ai.response.time_to_first_chunk" in attributes(span)


def test_a_tool_call_is_recorded_with_its_arguments(sdk, client):
    reply = client.chat.completions.create(model="gpt-4o", messages=QUESTION, tools=[WEATHER_TOOL])
    assert reply.choices[0].message.tool_calls[0].function.name == "get_weather"
    span = sdk.memory.spans[0]
    assert attributes(span)["gen_ai.response.finish_reasons"] == ["tool_calls"]
    assert messages(span, "gen_ai.output.messages") == [
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "call_abc", "name": "get_weather", "arguments": '{"city":"Paris"}'}],
            "finish_reason": "tool_calls",
        }
    ]
    # The answer goes back in as the client gave it (objects, not dicts): it is read all the same.
    client.chat.completions.create(
        model="gpt-4o",
        messages=[*QUESTION, reply.choices[0].message, {"role": "tool", "tool_call_id": "call_abc", "content": "18°C"}],
    )
    follow_up = messages(sdk.memory.spans[1], "gen_ai.input.messages")
    assert follow_up[2] == {
        "role": "assistant",
        "parts": [{"type": "tool_call", "id": "call_abc", "name": "get_weather", "arguments": '{"city":"Paris"}'}],
    }
    assert follow_up[3] == {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_abc", "response": "18°C"}]}


def test_the_responses_api_plain_and_streamed(sdk, client):
    reply = client.responses.create(model="gpt-4o-mini", instructions="Be terse.", input="What is the capital of France?")
    assert reply.output_text == ANSWER
    events = list(client.responses.create(model="gpt-4o-mini", input="What is the capital of France?", stream=True))
    assert events[-1].type == "response.completed"
    plain, streamed = sdk.memory.spans
    for span in (plain, streamed):
        a = attributes(span)
        assert a["gen_ai.operation.name"] == "chat"
        assert a["gen_ai.response.id"] == "resp_1"
        assert a["gen_ai.usage.input_tokens"] == 24 and a["gen_ai.usage.output_tokens"] == 8
        assert a["gen_ai.response.finish_reasons"] == ["stop"]
        assert messages(span, "gen_ai.output.messages") == [
            {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "stop"}
        ]
    assert messages(plain, "gen_ai.system_instructions") == [{"type": "text", "content": "Be terse."}]
    assert attributes(streamed)["gen_ai.response.time_to_first_chunk"] > 0


def test_embeddings(sdk, client):
    client.embeddings.create(model="text-embedding-3-small", input=["a", "b"], dimensions=3)
    (span,) = sdk.memory.spans
    assert span.name == "embeddings text-embedding-3-small"
    a = attributes(span)
    assert a["gen_ai.operation.name"] == "embeddings"
    assert a["gen_ai.embeddings.dimension.count"] == 3
    assert a["gen_ai.usage.input_tokens"] == 10


def test_a_failed_call_is_an_error_span_and_the_app_gets_the_error(sdk, client):
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="boom", messages=QUESTION)
    (span,) = sdk.memory.spans
    assert span.status.status_code == StatusCode.ERROR
    assert "Rate limit reached" in (span.status.description or "")
    assert attributes(span)["error.type"] == "RateLimitError"
    assert [e.name for e in span.events] == ["exception"]


def test_the_async_client_plain_and_streamed(sdk, aclient):
    async def run() -> str:
        await aclient.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
        stream = await aclient.chat.completions.create(
            model="gpt-4o-mini", messages=QUESTION, stream=True, stream_options={"include_usage": True}
        )
        assert isinstance(stream, openai.AsyncStream)
        return "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])

    assert asyncio.run(run()) == ANSWER
    plain, streamed = sdk.memory.spans
    assert attributes(plain)["gen_ai.usage.output_tokens"] == 8
    assert attributes(streamed)["gen_ai.usage.output_tokens"] == 8
    assert attributes(streamed)["gen_ai.response.time_to_first_chunk"] > 0


def test_calls_nest_under_the_observed_function_that_made_them(sdk, client):
    @sightline.observe(kind="agent")
    def answer(question: str) -> str:
        return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}]).choices[0].message.content

    assert answer("Capital of France?") == ANSWER
    call, agent = sdk.memory.spans
    assert call.parent is not None and call.parent.span_id == agent.context.span_id
    assert call.context.trace_id == agent.context.trace_id


def test_without_content_capture_no_messages_leave_the_process(client):
    handle = sightline.init(exporter="memory")
    client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
    a = attributes(handle.memory.spans[0])
    assert a["gen_ai.usage.input_tokens"] == 24
    assert not any(k.startswith(("gen_ai.input", "gen_ai.output", "gen_ai.system")) for k in a)


def test_mask_is_applied_to_every_captured_text(client):
    handle = sightline.init(exporter="memory", capture_content=True, mask=lambda text: text.replace("France", "[country]"))
    client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
    a = attributes(handle.memory.spans[0])
    assert "France" not in a["gen_ai.input.messages"] and "[country]" in a["gen_ai.input.messages"]


def test_instrument_one_client_without_init_and_uninstrument(mocks):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    memory = sightline.MemoryExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    from opentelemetry import trace

    trace.set_tracer_provider(provider)
    try:
        mine = sightline.instrument(openai.OpenAI(api_key="test", base_url=mocks.openai))
        other = openai.OpenAI(api_key="test", base_url=mocks.openai)
        mine.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
        other.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
        assert len(memory.spans) == 1
        sightline.uninstrument()
        mine.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
        assert len(memory.spans) == 1
    finally:
        sightline.sdk._forget_global_provider(provider)


def test_uninstrument_restores_the_installed_package(sdk, client):
    sightline.uninstrument()
    client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
    assert sdk.memory.spans == []
    assert "__sightline_wrapped__" not in dir(openai.resources.chat.completions.Completions.create)


def test_instrument_refuses_what_it_does_not_know_without_failing(caplog):
    thing = object()
    assert sightline.instrument(thing) is thing
    assert "not a client this SDK instruments" in caplog.text


def test_a_broken_mapping_never_breaks_the_call(sdk, client, monkeypatch):
    from sightline.instrument import openai as instrumented

    def broken(*_args, **_kwargs):
        raise RuntimeError("mapping bug")

    monkeypatch.setattr(instrumented, "chat_result", broken)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=QUESTION)
    assert reply.choices[0].message.content == ANSWER
    assert len(sdk.memory.spans) == 1


def test_parse_with_a_pydantic_format_is_a_call_too(sdk, client):
    from pydantic import BaseModel

    class Answer(BaseModel):
        city: str

    # The mock answers in prose; the client's parsing fails after the request, as it would for a model that ignores the format.
    with pytest.raises(Exception):  # noqa: B017 - whichever validation error this client version raises
        client.chat.completions.parse(model="gpt-4o-mini", messages=QUESTION, response_format=Answer)
    (span,) = sdk.memory.spans
    assert span.name == "chat gpt-4o-mini"
    assert attributes(span)["gen_ai.output.type"] == "json"
    assert attributes(span)["openai.request.response_format.schema_name"] == "Answer"
    assert span.status.status_code == StatusCode.ERROR
