"""A LangChain app traced by OpenInference's LangChain instrumentation, exporting to Sightline.

`ChatOpenAI` / `OpenAIEmbeddings` (langchain-openai) call a mock OpenAI server: a plain invoke, a
streamed call with usage (`stream_usage=True`), a call with a bound tool (`get_weather`), an
embedding, and a call that fails with HTTP 429 (model "boom", no retries). The session and user
are set with OpenInference's `using_attributes`. With `--with-openai-instrumentor`, OpenInference's
OpenAI instrumentation is enabled as well, on the same tracer provider, so every model request is
recorded twice (once by each instrumentation).

    python emit_langchain.py --endpoint <Sightline OTLP/HTTP base URL> --openai <mock base URL> \
        [--service NAME] [--with-openai-instrumentor]

Prints one JSON line describing what the app saw, for the test to compare.
"""
import argparse
import json

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True)
parser.add_argument("--openai", required=True)
parser.add_argument("--service", default="langchain-app")
parser.add_argument("--with-openai-instrumentor", action="store_true")
# Runs the calls inside one span of the app's own, so they share a trace (without it each
# LangChain call is the root of a trace of its own).
parser.add_argument("--root-span", action="store_true")
args = parser.parse_args()

# OpenInference's documented setup: a tracer provider with an OTLP exporter, then instrument().
provider = TracerProvider(resource=Resource.create({"service.name": args.service}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{args.endpoint}/v1/traces")))

from openinference.instrumentation import using_attributes  # noqa: E402
from openinference.instrumentation.langchain import LangChainInstrumentor  # noqa: E402

LangChainInstrumentor().instrument(tracer_provider=provider)
if args.with_openai_instrumentor:
    from openinference.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)

import openai  # noqa: E402
from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402
from langchain_core.tools import tool  # noqa: E402
from langchain_openai import ChatOpenAI, OpenAIEmbeddings  # noqa: E402


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"Sunny in {city}"


def run_calls():
    seen = {}
    with using_attributes(session_id="lc-session-1", user_id="lc-user-1"):
        llm = ChatOpenAI(model="gpt-4o-mini", temperature=0.2, base_url=args.openai, api_key="x", max_retries=0)
        r = llm.invoke([SystemMessage("You are terse."), HumanMessage("What is the capital of France?")])
        seen["chat"] = r.content

        streaming = ChatOpenAI(model="gpt-4o-mini", base_url=args.openai, api_key="x", max_retries=0, stream_usage=True)
        chunks = list(streaming.stream("Capital of France? (cached)"))
        seen["stream"] = "".join(c.content for c in chunks)
        usage = sum(chunks[1:], chunks[0]).usage_metadata
        seen["stream_usage"] = {k: usage[k] for k in ("input_tokens", "output_tokens", "total_tokens")}

        with_tools = ChatOpenAI(model="gpt-4o", base_url=args.openai, api_key="x", max_retries=0).bind_tools([get_weather])
        r = with_tools.invoke("Weather in Paris?")
        seen["tool"] = [(c["name"], c["args"]) for c in r.tool_calls]

        # check_embedding_ctx_length=False: otherwise the client tokenizes with tiktoken first, which
        # downloads its encodings (offline here); the request to the API is the same.
        embeddings = OpenAIEmbeddings(
            model="text-embedding-3-small", base_url=args.openai, api_key="x", max_retries=0, check_embedding_ctx_length=False
        )
        seen["embedding"] = len(embeddings.embed_query("hello world"))

        try:
            ChatOpenAI(model="boom", base_url=args.openai, api_key="x", max_retries=0).invoke("x")
        except openai.RateLimitError as e:
            seen["error"] = type(e).__name__
    return seen


if args.root_span:
    with provider.get_tracer("langchain-app").start_as_current_span("answer"):
        seen = run_calls()
else:
    seen = run_calls()

provider.force_flush()
provider.shutdown()
print(json.dumps(seen))
