"""The test servers themselves work: spans sent with the real OTLP exporters are read back through
the API, and the official provider clients get the mocks' answers at the announced URLs.

If these fail, every SDK test that uses the servers fails for the same reason: start here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpanExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter
from support.servers import MockProviders, SightlineServer


@pytest.fixture(scope="module")
def server() -> Iterator[SightlineServer]:
    with SightlineServer() as running:
        yield running


@pytest.fixture(scope="module")
def mocks() -> Iterator[MockProviders]:
    with MockProviders() as running:
        yield running


def send_llm_span(exporter: SpanExporter, service: str) -> str:
    """Records one chat span, as a GenAI instrumentation would, on a provider of its own; returns the trace id."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("sightline-tests").start_as_current_span("chat gpt-4o-mini") as span:
        span.set_attributes(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o-mini",
                "gen_ai.usage.input_tokens": 24,
                "gen_ai.usage.output_tokens": 8,
                "session.id": f"{service}-session",
            }
        )
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()
    return trace_id


def test_server_answers_its_health_route(server: SightlineServer) -> None:
    status, body = server.get("/healthz")
    assert (status, body["status"]) == (200, "ok")
    assert server.get("/api/traces/" + "0" * 31 + "1")[0] == 404


@pytest.mark.parametrize("transport", ["http", "http-main-port", "grpc"])
def test_a_span_sent_with_the_otlp_exporter_is_read_back(server: SightlineServer, transport: str) -> None:
    service = f"support-{transport}"
    exporter = {
        "http": lambda: HttpSpanExporter(endpoint=server.traces_url),
        "http-main-port": lambda: HttpSpanExporter(endpoint=f"{server.api}/v1/traces"),
        "grpc": lambda: GrpcSpanExporter(endpoint=server.otlp_grpc),
    }[transport]()
    trace_id = send_llm_span(exporter, service)

    trace = server.wait_for(f"/api/traces/{trace_id}", lambda body: body["spans"])
    assert [(s["name"], s["service_name"]) for s in trace["spans"]] == [("chat gpt-4o-mini", service)]
    calls = server.wait_for(f"/api/llm-calls?service={service}", lambda body: body["data"])["data"]
    assert [(c["trace_id"], c["request_model"], c["input_tokens"]) for c in calls] == [(trace_id, "gpt-4o-mini", 24)]
    session = server.wait_for(f"/api/sessions/{service}-session", lambda body: body["calls"])
    assert [c["trace_id"] for c in session["calls"]] == [trace_id]


def test_import_file_loads_an_otlp_json_file(server: SightlineServer, tmp_path: Path) -> None:
    trace_id = "5" * 32
    request = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "support-import"}}]},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace_id,
                                "spanId": "6" * 16,
                                "name": "imported",
                                "kind": 1,
                                "startTimeUnixNano": "1763800000000000000",
                                "endTimeUnixNano": "1763800001000000000",
                            }
                        ]
                    }
                ],
            }
        ]
    }
    path = tmp_path / "trace.jsonl"
    path.write_text(json.dumps(request) + "\n")

    assert "Sent 1 spans" in server.import_file(path)
    trace = server.wait_for(f"/api/traces/{trace_id}", lambda body: body["spans"])
    assert trace["spans"][0]["name"] == "imported"


def test_the_openai_client_gets_the_mock_answer(mocks: MockProviders) -> None:
    import openai

    mocks.clear_requests()
    client = openai.OpenAI(base_url=mocks.openai, api_key="test-key", max_retries=0)
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Capital of France?"}])
    assert completion.choices[0].message.content == "The capital of France is Paris."
    assert [(r["path"], r["body"]["model"]) for r in mocks.requests()["openai"]] == [("/v1/chat/completions", "gpt-4o-mini")]


def test_the_anthropic_client_gets_the_mock_answer(mocks: MockProviders) -> None:
    import anthropic

    client = anthropic.Anthropic(base_url=mocks.anthropic, api_key="test-key", max_retries=0)
    message = client.messages.create(
        model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "Capital of France?"}]
    )
    assert message.content[0].text == "Paris is the capital of France."


def test_the_google_genai_client_gets_the_mock_answer(mocks: MockProviders) -> None:
    from google import genai
    from google.genai import types

    mocks.clear_requests()
    client = genai.Client(api_key="test-key", http_options=types.HttpOptions(base_url=mocks.gemini))
    response = client.models.generate_content(model="gemini-2.5-flash", contents="Capital of France?")
    assert response.text == "Paris is the capital of France."
    # The API version in the path (v1 or v1beta) is the client's choice; the mock takes both.
    assert [r["path"].split("/", 2)[2] for r in mocks.requests()["gemini"]] == ["models/gemini-2.5-flash:generateContent"]
