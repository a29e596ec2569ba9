"""The vectors both SDKs share (testing/sdk-vectors): the same call, the same span as the TypeScript SDK's.

Each call goes through the official Python client with the provider's response served in process
(an httpx transport), and the span is compared with the one the vector file says both SDKs record.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, Iterator

import anthropic
import httpx2 as httpx
import openai
import pytest
from google import genai
from google.genai import types
from opentelemetry.sdk.trace import ReadableSpan
from spans import only


VECTORS = Path(__file__).resolve().parents[3] / "testing" / "sdk-vectors"
BASE = "http://vectors.test"
MESSAGE_KEYS = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")
TTFT = "gen_ai.response.time_to_first_chunk"
FILES = sorted(VECTORS.glob("*.json"))


def view(span: ReadableSpan) -> Dict[str, Any]:
    """A span as the vectors give it: labels left out, measured time only as present or not."""
    attributes: Dict[str, Any] = {}
    messages: Dict[str, Any] = {}
    for key, value in (span.attributes or {}).items():
        if key.startswith("sightline.label.") or key == TTFT:
            continue
        if key in MESSAGE_KEYS:
            messages[key] = json.loads(str(value))
        else:
            attributes[key] = list(value) if isinstance(value, tuple) else value
    return {
        "name": span.name,
        "kind": span.kind.name.lower(),
        "status": span.status.status_code.name.lower(),
        "events": [e.name for e in span.events],
        "ttft": TTFT in (span.attributes or {}),
        "attributes": attributes,
        "messages": messages,
    }


def respond(vector: Dict[str, Any]) -> httpx.MockTransport:
    """The vector's response, as the provider would send it."""
    response = vector["response"]
    status = response.get("status", 200)

    def handler(_request: httpx.Request) -> httpx.Response:
        if "sse" in response:
            body = "".join(
                (f"event: {e['event']}\n" if e.get("event") else "")
                + f"data: {e['data'] if isinstance(e['data'], str) else json.dumps(e['data'])}\n\n"
                for e in response["sse"]
            )
            return httpx.Response(status, content=body.encode(), headers={"content-type": "text/event-stream"})
        return httpx.Response(status, json=response["json"])

    return httpx.MockTransport(handler)


def drain(result: Any) -> None:
    if isinstance(result, Iterator) or hasattr(result, "_iterator"):
        for _ in result:
            pass


def call(vector: Dict[str, Any]) -> None:
    """Makes the vector's call through the official client; the provider's errors are the app's, not the test's."""
    transport = respond(vector)
    request = vector["request"]
    try:
        if vector["client"] == "openai":
            client = openai.OpenAI(api_key="k", base_url=f"{BASE}/v1", max_retries=0, http_client=httpx.Client(transport=transport))
            resource = {"chat": client.chat.completions, "responses": client.responses, "embeddings": client.embeddings}[vector["call"]]
            drain(resource.create(**request))
        elif vector["client"] == "anthropic":
            client = anthropic.Anthropic(api_key="k", base_url=BASE, max_retries=0, http_client=httpx.Client(transport=transport))
            drain(client.messages.create(**request))
        else:
            ai = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=BASE, httpx_client=httpx.Client(transport=transport)))
            kwargs = gemini_arguments(vector["call"], request)
            if vector["call"] == "generate_content":
                ai.models.generate_content(**kwargs)
            elif vector["call"] == "generate_content_stream":
                drain(ai.models.generate_content_stream(**kwargs))
            else:
                ai.models.embed_content(**kwargs)
    except (openai.APIError, anthropic.APIError, genai.errors.APIError):
        if vector["response"].get("status", 200) < 400:
            raise


def gemini_arguments(method: str, request: Dict[str, Any]) -> Dict[str, Any]:
    """The TypeScript client's camelCase request as the Python client's objects (its models read camelCase too)."""
    contents = request["contents"]
    if isinstance(contents, list):
        contents = [c if isinstance(c, str) else types.Content.model_validate(c) for c in contents]
    kwargs: Dict[str, Any] = {"model": request["model"], "contents": contents}
    if "config" in request:
        config = types.EmbedContentConfig if method == "embed_content" else types.GenerateContentConfig
        kwargs["config"] = config.model_validate(request["config"])
    return kwargs


def test_there_are_vectors_for_every_provider():
    clients = {json.loads(f.read_text())["client"] for f in FILES}
    assert clients == {"openai", "anthropic", "gemini"}


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_the_span_is_the_one_both_sdks_record(path, sdk):
    vector = json.loads(path.read_text())
    call(vector)
    assert view(only(sdk)) == vector["span"]


def test_the_async_clients_record_the_same_spans(sdk):
    """The same vectors through the async openai client: what differs is only how the call is awaited."""
    for path in (p for p in FILES if p.name.startswith("openai-chat")):
        vector = json.loads(path.read_text())
        sdk.memory.clear()

        async def run(vector: Dict[str, Any]) -> None:
            client = openai.AsyncOpenAI(
                api_key="k", base_url=f"{BASE}/v1", max_retries=0, http_client=httpx.AsyncClient(transport=respond(vector))
            )
            result = await client.chat.completions.create(**vector["request"])
            if hasattr(result, "__aiter__"):
                async for _ in result:
                    pass

        asyncio.run(run(vector))
        (span,) = sdk.memory.spans
        assert view(span) == vector["span"], path.name
