"""An OpenLIT user's app, sending to Sightline by pointing `otlp_endpoint` at it and nothing else.

`openlit.init(otlp_endpoint=..., application_name=..., environment=...)` auto-instruments the
official `openai` client; the app calls a mock OpenAI server inside an `@openlit.trace` function,
with `openlit.using_attributes` carrying the session (`gen_ai.conversation.id`) and the user
(`user.id`, the key OpenLIT's own docstring uses). OpenLIT exports OTLP/HTTP protobuf to
`<endpoint>/v1/traces` and its log events (`gen_ai.client.inference.operation.details`) to
`<endpoint>/v1/logs` and its metrics (token usage, durations, TTFT, cost histograms) to
`<endpoint>/v1/metrics`.

OpenLIT downloads its price list from GitHub at start; offline that takes up to its 20 s timeout
and yields nothing, so the app passes `pricing_json` = a local file instead (OpenLIT's format:
USD per 1,000 tokens). The file prices gpt-4o-mini and text-embedding-3-small and leaves gpt-4o
out, as OpenLIT does for any model its list does not have yet: OpenLIT then writes
`gen_ai.usage.cost` = 0 for it.

    python emit_openlit.py --endpoint <Sightline base URL> --openai <mock base URL>

Prints one JSON line describing what the client saw, for the test to compare.
"""
import argparse
import json
import os
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True, help="Sightline's base URL (OpenLIT appends /v1/traces)")
parser.add_argument("--openai", required=True)
args = parser.parse_args()

import openai  # noqa: E402
import openlit  # noqa: E402
from openai_calls import make_calls  # noqa: E402

PRICES = {
    "chat": {"gpt-4o-mini": {"promptPrice": 0.00015, "completionPrice": 0.0006, "cacheReadPrice": 0.000075}},
    "embeddings": {"text-embedding-3-small": 0.00002},
}
pricing = os.path.join(tempfile.mkdtemp(prefix="openlit-"), "pricing.json")
with open(pricing, "w", encoding="utf-8") as f:
    json.dump(PRICES, f)

openlit.init(
    otlp_endpoint=args.endpoint,
    application_name="openlit-app",
    environment="test",
    pricing_json=pricing,
)

client = openai.OpenAI(base_url=args.openai, api_key="test-key", max_retries=0)
seen = {}


@openlit.trace
def answer():
    with openlit.using_attributes({"gen_ai.conversation.id": "ol-session-1", "user.id": "ol-user-1"}):
        seen.update(make_calls(client, openai))


answer()

# Flush and shut down what openlit.init set up (its tracer, logger and meter providers).
from opentelemetry import _logs, metrics, trace  # noqa: E402

for provider in (trace.get_tracer_provider(), _logs.get_logger_provider(), metrics.get_meter_provider()):
    if hasattr(provider, "force_flush"):
        provider.force_flush()
    if hasattr(provider, "shutdown"):
        provider.shutdown()
print(json.dumps(seen))
