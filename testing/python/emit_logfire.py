"""A Logfire user's app, exporting to Sightline instead of Logfire's cloud.

Logfire is configured as its docs say for "another OpenTelemetry backend": `send_to_logfire=False`
and an OTLP/HTTP span exporter added with `additional_span_processors`. `instrument_openai()`
records the official openai client's calls to a mock OpenAI server (make_calls: a chat, a
streamed chat with usage, a tool call, an embedding, a 429), inside a Logfire span with the
session and user set as baggage (Logfire copies baggage onto every span's attributes).

    python emit_logfire.py --endpoint <Sightline base URL> --openai <mock base URL>

Prints one JSON line describing what the client saw, for the test to compare.
"""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True, help="Sightline's OTLP/HTTP base URL; spans go to <endpoint>/v1/traces")
parser.add_argument("--openai", required=True)
parser.add_argument("--service", default="logfire-app")
args = parser.parse_args()

import logfire  # noqa: E402
import openai  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from openai_calls import make_calls  # noqa: E402

logfire.configure(
    send_to_logfire=False,
    service_name=args.service,
    console=False,
    additional_span_processors=[BatchSpanProcessor(OTLPSpanExporter(endpoint=args.endpoint.rstrip("/") + "/v1/traces"))],
)
client = openai.OpenAI(base_url=args.openai, api_key="test-key", max_retries=0)
logfire.instrument_openai(client)

seen = {}
with logfire.set_baggage(**{"session.id": "lf-session-1", "user.id": "lf-user-1"}):
    with logfire.span("answer"):
        seen.update(make_calls(client, openai))

logfire.force_flush()
logfire.shutdown()
print(json.dumps(seen))
