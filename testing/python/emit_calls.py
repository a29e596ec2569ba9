"""Sends LLM-call spans from the Python OpenTelemetry SDK to Sightline.

The official `openai` client, wrapped by one instrumentation, calls a mock OpenAI server;
spans go out through the official OTLP exporter of the chosen transport.

    python emit_calls.py --instrumentation openinference|openllmetry --exporter http|grpc \
        --endpoint <OTLP base URL or host:port> --openai <mock base URL> --service <name>

Prints one JSON line describing what the client saw, for the test to compare.
"""
import argparse
import json

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

parser = argparse.ArgumentParser()
parser.add_argument("--instrumentation", choices=["openinference", "openllmetry"], required=True)
parser.add_argument("--exporter", choices=["http", "grpc"], required=True)
parser.add_argument("--endpoint", required=True)
parser.add_argument("--openai", required=True)
parser.add_argument("--service", required=True)
args = parser.parse_args()

if args.exporter == "http":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(endpoint=f"{args.endpoint}/v1/traces")
else:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(endpoint=args.endpoint, insecure=True)

provider = TracerProvider(resource=Resource.create({"service.name": args.service}))
provider.add_span_processor(BatchSpanProcessor(exporter))
trace.set_tracer_provider(provider)

if args.instrumentation == "openinference":
    from openinference.instrumentation.openai import OpenAIInstrumentor
else:
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor
OpenAIInstrumentor().instrument(tracer_provider=provider)

import openai  # noqa: E402  (instrumented on import)
from openai_calls import make_calls  # noqa: E402

client = openai.OpenAI(base_url=args.openai, api_key="test-key", max_retries=0)
tracer = trace.get_tracer("python-llm-app")
with tracer.start_as_current_span("agent.run"):
    seen = make_calls(client, openai)

provider.force_flush()
provider.shutdown()
print(json.dumps(seen))
