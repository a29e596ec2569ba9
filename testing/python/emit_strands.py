"""A Strands Agents app exporting its own telemetry to Sightline, unchanged but for the endpoint.

Strands' built-in OpenTelemetry tracing (`StrandsTelemetry().setup_otlp_exporter()`, OTLP/HTTP
to OTEL_EXPORTER_OTLP_ENDPOINT) around agents whose model is `strands.models.openai.OpenAIModel`
pointed at a mock OpenAI server. The session and user go in `Agent(trace_attributes=...)`.

    python emit_strands.py --endpoint <Sightline OTLP/HTTP base URL> --openai <mock base URL>

The agents, in order (each invocation is its own trace):
  1. chat:   a plain prompt with a system prompt, temperature 0.2, not streamed (stream=False);
  2. stream: a prompt mentioning "cached", streamed (Strands' default: stream + include_usage);
  3. tool:   a prompt with a @tool get_weather, not streamed. The mock answers every request that
             offers tools with the tool call get_weather({"city":"Paris"}) — also the second
             request that carries the tool result — so the loop would never end: it is capped
             with limits={"turns": 2} (2 model requests, 2 tool executions, stop "limit_turns");
  4. boom:   model "boom", which the mock answers with HTTP 429; retries are disabled
             (retry_strategy=None), otherwise Strands retries throttling 5 times over ~2 minutes.
Strands has no embeddings API, so there is no embedding call.

Prints one JSON line describing what the app saw, for the test to compare.
"""
import argparse
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True)
parser.add_argument("--openai", required=True)
args = parser.parse_args()

# Strands' documented setup: the standard OTel variables, then setup_otlp_exporter().
os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = args.endpoint
os.environ.setdefault("OTEL_SERVICE_NAME", "strands-app")

from strands import Agent, tool  # noqa: E402
from strands.models.openai import OpenAIModel  # noqa: E402
from strands.telemetry import StrandsTelemetry  # noqa: E402
from strands.types.exceptions import ModelThrottledException  # noqa: E402

telemetry = StrandsTelemetry().setup_otlp_exporter()

CLIENT_ARGS = {"base_url": args.openai, "api_key": "test-key", "max_retries": 0}
TRACE_ATTRIBUTES = {"session.id": "strands-session-1", "user.id": "strands-user-1"}
weather_calls = []


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city.

    Args:
        city: The city name.
    """
    weather_calls.append(city)
    return f"Sunny, 21 C in {city}."


def model(model_id, **config):
    return OpenAIModel(client_args=CLIENT_ARGS, model_id=model_id, **config)


def agent(m, **kwargs):
    return Agent(model=m, trace_attributes=TRACE_ATTRIBUTES, callback_handler=None, **kwargs)


seen = {}

chat = agent(model("gpt-4o-mini", stream=False, params={"temperature": 0.2}), system_prompt="You are terse.")
r = chat("What is the capital of France?")
seen["chat"] = str(r).strip()
seen["chat_stop"] = r.stop_reason

streamer = agent(model("gpt-4o-mini"))
r = streamer("Capital of France? (cached)")
seen["stream"] = str(r).strip()

tooler = agent(model("gpt-4o", stream=False), tools=[get_weather])
r = tooler("Weather in Paris?", limits={"turns": 2})
seen["tool"] = weather_calls
seen["tool_stop"] = r.stop_reason

boom = agent(model("boom"), retry_strategy=None)
try:
    boom("x")
except ModelThrottledException as e:
    seen["error"] = type(e).__name__

telemetry.tracer_provider.force_flush()
telemetry.tracer_provider.shutdown()
print(json.dumps(seen))
