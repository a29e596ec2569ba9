"""The official ``anthropic`` client, patched by ``init()`` or ``instrument(client)``, against the
repository's mock Messages API (testing/mock-anthropic.ts: "Paris is the capital of France.", 20
uncached input tokens, 100 read from and 30 written to the prompt cache, 12 output tokens; the
first streamed text after 40 ms; HTTP 429 for the model "boom")."""

from __future__ import annotations

import asyncio
from typing import Any, List

import anthropic
import pydantic
import pytest
from anthropic.resources.messages import AsyncMessages, Messages
from opentelemetry.trace import SpanKind, StatusCode

import sightline
from spans import messages, only, ours
from sightline.instrument.anthropic_map import AnthropicStreamState, anthropic_input_messages, anthropic_result

ANSWER = "Paris is the capital of France."
MODEL = "claude-sonnet-4-5"
ASK = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "Capital of France?"}]}



@pytest.fixture
def client(mocks: Any) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test", base_url=mocks.anthropic, max_retries=0)


def test_message_with_cache_tokens_parameters_and_messages(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL,
        max_tokens=256,
        stop_sequences=["END"],
        system="Be brief.",
        messages=[{"role": "user", "content": "Capital of France?"}],
        # This client has no sampling arguments: they are sent, and recorded, from the extra body.
        extra_body={"temperature": 0.3, "top_p": 0.9, "top_k": 40},
    )
    assert message.content[0].type == "text" and message.content[0].text == ANSWER

    span = only(sdk)
    assert span.name == "chat claude-sonnet-4-5"
    assert span.kind == SpanKind.CLIENT
    assert span.status.status_code == StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert {k: v for k, v in attributes.items() if not k.startswith(("gen_ai.input", "gen_ai.output", "gen_ai.system", "sightline."))} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": MODEL,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.stop_sequences": ("END",),
        "server.address": "127.0.0.1",
        "gen_ai.response.model": "claude-sonnet-4-5-20250929",
        "gen_ai.response.id": "msg_1",
        "gen_ai.response.finish_reasons": ("end_turn",),
        # Anthropic's input_tokens (20) leaves the cache out; GenAI's counts it all.
        "gen_ai.usage.input_tokens": 150,
        "gen_ai.usage.cache_read.input_tokens": 100,
        "gen_ai.usage.cache_creation.input_tokens": 30,
        "gen_ai.usage.output_tokens": 12,
    }
    assert messages(span, "gen_ai.system_instructions") == [{"type": "text", "content": "Be brief."}]
    assert messages(span, "gen_ai.input.messages") == [{"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]}]
    assert messages(span, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "end_turn"}
    ]


def test_stream_true_records_ttft_usage_and_the_joined_text(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    stream = client.messages.create(**ASK, stream=True)
    assert isinstance(stream, anthropic.Stream)
    text = "".join(e.delta.text for e in stream if e.type == "content_block_delta" and e.delta.type == "text_delta")
    assert text == ANSWER

    span = only(sdk)
    attributes = span.attributes or {}
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["gen_ai.response.time_to_first_chunk"] >= 0.035
    assert attributes["gen_ai.response.id"] == "msg_2"
    assert attributes["gen_ai.response.finish_reasons"] == ("end_turn",)
    assert attributes["gen_ai.usage.input_tokens"] == 150
    assert attributes["gen_ai.usage.cache_read.input_tokens"] == 100
    assert attributes["gen_ai.usage.output_tokens"] == 12
    assert messages(span, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": ANSWER}], "finish_reason": "end_turn"}
    ]


def test_the_stream_helper_is_one_span_with_ttft(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    with client.messages.stream(**ASK) as stream:
        assert stream.get_final_text() == ANSWER

    span = only(sdk)
    attributes = span.attributes or {}
    assert span.name == "chat claude-sonnet-4-5"
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["gen_ai.response.time_to_first_chunk"] >= 0.035
    assert attributes["gen_ai.usage.input_tokens"] == 150
    assert attributes["gen_ai.usage.output_tokens"] == 12
    assert messages(span, "gen_ai.input.messages") == [{"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]}]
    assert messages(span, "gen_ai.output.messages")[0]["parts"] == [{"type": "text", "content": ANSWER}]


def test_leaving_a_stream_early_ends_its_span(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    with client.messages.stream(**ASK) as stream:
        for event in stream:
            if event.type == "text":
                break
    span = only(sdk)
    assert span.status.status_code == StatusCode.UNSET
    assert (span.attributes or {})["gen_ai.response.time_to_first_chunk"] > 0


def test_parse_is_a_model_call_too(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    parsed = client.messages.parse(**ASK)
    assert parsed.content[0].type == "text"
    span = only(sdk)
    assert (span.attributes or {})["gen_ai.usage.output_tokens"] == 12
    assert messages(span, "gen_ai.output.messages")[0]["parts"] == [{"type": "text", "content": ANSWER}]


def test_async_client_plain_stream_and_stream_helper(sdk: sightline.Sightline, mocks: Any) -> None:
    async def run() -> List[str]:
        async with anthropic.AsyncAnthropic(api_key="test", base_url=mocks.anthropic, max_retries=0) as client:
            message = await client.messages.create(**ASK)
            stream = await client.messages.create(**ASK, stream=True)
            streamed = "".join([e.delta.text async for e in stream if e.type == "content_block_delta" and e.delta.type == "text_delta"])
            async with client.messages.stream(**ASK) as helper:
                final = await helper.get_final_text()
            return [message.content[0].text, streamed, final]  # type: ignore[union-attr]

    assert asyncio.run(run()) == [ANSWER, ANSWER, ANSWER]
    plain, streamed, helper = ours(sdk)
    for span in (plain, streamed, helper):
        assert (span.attributes or {})["gen_ai.usage.input_tokens"] == 150
        assert (span.attributes or {})["gen_ai.usage.output_tokens"] == 12
        assert messages(span, "gen_ai.output.messages")[0]["parts"] == [{"type": "text", "content": ANSWER}]
    assert "gen_ai.request.stream" not in (plain.attributes or {})
    for span in (streamed, helper):
        assert (span.attributes or {})["gen_ai.request.stream"] is True
        assert (span.attributes or {})["gen_ai.response.time_to_first_chunk"] >= 0.035


def test_tool_use_tool_result_and_thinking_blocks_in_the_history(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    client.messages.create(
        model=MODEL,
        max_tokens=64,
        system=[{"type": "text", "text": "You report the weather."}],
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "I should call the tool.", "signature": "sig"},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
                ],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "21°C"}]},
        ],
    )
    span = only(sdk)
    assert messages(span, "gen_ai.system_instructions") == [{"type": "text", "content": "You report the weather."}]
    assert messages(span, "gen_ai.input.messages") == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "I should call the tool."},
                {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
        },
        {"role": "user", "parts": [{"type": "tool_call_response", "id": "toolu_1", "response": "21°C"}]},
    ]


def test_a_tool_use_answer_plain_and_streamed() -> None:
    """The mock never asks for a tool: the client's own objects for one are mapped directly."""
    message = anthropic.types.Message.model_validate(
        {
            "id": "msg_t",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5-20250929",
            "content": [
                {"type": "text", "text": "Let me check."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 7},
        }
    )
    expected = [
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": "Let me check."},
                {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
            "finish_reason": "tool_use",
        }
    ]
    plain = anthropic_result(message)
    assert (plain.finish_reasons, plain.input_tokens, plain.output_tokens, plain.output_messages) == (["tool_use"], 5, 7, expected)

    state = AnthropicStreamState()
    events = [
        {"type": "message_start", "message": {**message.model_dump(), "content": [], "stop_reason": None, "usage": {"input_tokens": 5, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Let me "}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "check."}},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '{"city": '}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '"Paris"}'}},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 7}},
        {"type": "message_stop"},
    ]
    as_event = pydantic.TypeAdapter(anthropic.types.RawMessageStreamEvent).validate_python
    firsts = [state.add(as_event(e)) for e in events]
    assert firsts.index(True) == 2
    streamed = state.result()
    assert (streamed.finish_reasons, streamed.input_tokens, streamed.output_tokens, streamed.output_messages) == (["tool_use"], 5, 7, expected)


def test_a_failed_call_is_an_error_span_and_the_client_error_is_raised(sdk: sightline.Sightline, client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.RateLimitError):
        client.messages.create(**{**ASK, "model": "boom"})
    span = only(sdk)
    assert span.status.status_code == StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "RateLimitError"
    assert [e.name for e in span.events] == ["exception"]


def test_without_content_capture_no_messages_are_recorded(mocks: Any) -> None:
    sdk = sightline.init(service_name="sdk-test", exporter="memory", capture_content=False)
    client = anthropic.Anthropic(api_key="test", base_url=mocks.anthropic, max_retries=0)
    client.messages.create(**ASK, system="Be brief.")
    with client.messages.stream(**ASK) as stream:
        stream.until_done()
    spans = ours(sdk)
    assert len(spans) == 2
    for span in spans:
        attributes = span.attributes or {}
        assert attributes["gen_ai.usage.input_tokens"] == 150
        assert attributes["gen_ai.response.finish_reasons"] == ("end_turn",)
        assert not [k for k in attributes if k in ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")]
    assert (spans[1].attributes or {})["gen_ai.response.time_to_first_chunk"] > 0


def test_instrument_patches_only_that_client(mocks: Any) -> None:
    mine = sightline.instrument(anthropic.Anthropic(api_key="test", base_url=mocks.anthropic, max_retries=0))
    other = anthropic.Anthropic(api_key="test", base_url=mocks.anthropic, max_retries=0)
    sdk = sightline.init(service_name="sdk-test", exporter="memory", capture_content=True, auto_instrument=False)
    assert sdk.instrumented == []
    mine.messages.create(**ASK)
    other.messages.create(**ASK)
    with mine.messages.stream(**ASK) as stream:
        stream.until_done()
    assert [(s.attributes or {}).get("gen_ai.request.stream", False) for s in ours(sdk)] == [False, True]


def test_uninstrument_restores_the_client(mocks: Any) -> None:
    originals = {name: vars(Messages)[name] for name in ("create", "parse", "stream")}
    sdk = sightline.init(service_name="sdk-test", exporter="memory")
    assert "anthropic" in sdk.instrumented
    assert vars(Messages)["create"] is not originals["create"]
    # Counting tokens is not a model call: left alone.
    assert not getattr(vars(Messages)["count_tokens"], "__sightline_wrapped__", False)
    assert not getattr(vars(AsyncMessages)["count_tokens"], "__sightline_wrapped__", False)

    sightline.uninstrument()
    assert {name: vars(Messages)[name] for name in originals} == originals
    client = anthropic.Anthropic(api_key="test", base_url=mocks.anthropic, max_retries=0)
    client.messages.create(**ASK)
    assert ours(sdk) == []


def test_input_messages_accept_previous_responses_content() -> None:
    """A previous answer's content blocks (the client's objects) passed back in read as dicts do."""
    block = anthropic.types.ToolUseBlock(id="toolu_2", name="f", input={"x": 1}, type="tool_use")
    assert anthropic_input_messages({"messages": [{"role": "assistant", "content": [block]}]}) == [
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "toolu_2", "name": "f", "arguments": {"x": 1}}]}
    ]
