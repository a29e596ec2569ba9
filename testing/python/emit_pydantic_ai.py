"""A pydantic-ai user's app, exporting its agent spans to Sightline with the plain OpenTelemetry SDK.

As pydantic-ai's docs say for "OpenTelemetry without Logfire": a TracerProvider with an OTLP/HTTP
span exporter is set globally and `Agent.instrument_all()` turns on its instrumentation. The
agent's model is `OpenAIChatModel` with an `OpenAIProvider` pointed at a mock OpenAI server. Four
runs, each its own trace, all in one conversation (`conversation_id`, which pydantic-ai sends as
`gen_ai.conversation.id`; pydantic-ai has no user id, so the user is passed as run metadata):
a plain run, a streamed run, a run that calls a tool (the mock answers with a tool call whenever
tools are offered, so the tool is offered only on the first step), and a run with model "boom"
that fails with HTTP 429.

    python emit_pydantic_ai.py --endpoint <Sightline base URL> --openai <mock base URL>

Prints one JSON line describing what the app saw, for the test to compare.
"""
import argparse
import asyncio
import json

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True, help="Sightline's OTLP/HTTP base URL; spans go to <endpoint>/v1/traces")
parser.add_argument("--openai", required=True)
parser.add_argument("--service", default="pydantic-ai-app")
args = parser.parse_args()

from openai import AsyncOpenAI  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from opentelemetry.trace import set_tracer_provider  # noqa: E402
from pydantic_ai import Agent, RunContext  # noqa: E402
from pydantic_ai.exceptions import ModelHTTPError  # noqa: E402
from pydantic_ai.models.openai import OpenAIChatModel  # noqa: E402
from pydantic_ai.providers.openai import OpenAIProvider  # noqa: E402
from pydantic_ai.tools import ToolDefinition  # noqa: E402

tracer_provider = TracerProvider(resource=Resource.create({"service.name": args.service}))
tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=args.endpoint.rstrip("/") + "/v1/traces")))
set_tracer_provider(tracer_provider)
Agent.instrument_all()

provider = OpenAIProvider(openai_client=AsyncOpenAI(base_url=args.openai, api_key="test-key", max_retries=0))
model = OpenAIChatModel("gpt-4o-mini", provider=provider)
agent = Agent(model, instructions="You are terse.", name="capitals")

weather_agent = Agent(OpenAIChatModel("gpt-4o", provider=provider), name="weather")


async def only_first_step(ctx: RunContext[None], tool_def: ToolDefinition) -> ToolDefinition | None:
    # The mock answers every request that offers tools with a tool call: offer it once.
    return tool_def if ctx.run_step <= 1 else None


@weather_agent.tool_plain(prepare=only_first_step)
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}"


RUN = {"conversation_id": "pai-session-1", "metadata": {"user_id": "pai-user-1"}}


async def main() -> dict:
    seen = {}
    r = await agent.run("What is the capital of France?", model_settings={"temperature": 0.2}, **RUN)
    seen["chat"] = r.output
    async with agent.run_stream("Capital of France? (cached)", **RUN) as result:
        seen["stream"] = "".join([d async for d in result.stream_text(delta=True)])
    r = await weather_agent.run("Weather in Paris?", **RUN)
    seen["tool"] = [p.tool_name for m in r.all_messages() for p in m.parts if p.part_kind == "tool-call"]
    seen["tool_answer"] = r.output
    try:
        await agent.run("x", model=OpenAIChatModel("boom", provider=provider), **RUN)
    except ModelHTTPError as e:
        seen["error"] = [type(e).__name__, e.status_code]
    return seen


seen = asyncio.run(main())
tracer_provider.force_flush()
tracer_provider.shutdown()
print(json.dumps(seen))
