"""A Langfuse user's app, switched to Sightline by changing the host and nothing else.

The Langfuse Python SDK's OpenAI integration (`from langfuse.openai import openai`) calls a mock
OpenAI server inside an `@observe()` function with `propagate_attributes` for the session and
user; the SDK exports its spans to `<host>/api/public/otel/v1/traces` (gzip protobuf, Basic
auth with the keys below).

    python emit_langfuse.py --host <Sightline base URL> --openai <mock base URL>

Prints one JSON line describing what the client saw, for the test to compare.
"""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--openai", required=True)
parser.add_argument("--public-key", default="pk-lf-sightline")
parser.add_argument("--secret-key", default="sk-lf-sightline")
args = parser.parse_args()

from langfuse import Langfuse, observe, propagate_attributes  # noqa: E402
from langfuse.openai import openai  # noqa: E402
from openai_calls import make_calls  # noqa: E402

langfuse = Langfuse(public_key=args.public_key, secret_key=args.secret_key, host=args.host, flush_interval=0.2)
client = openai.OpenAI(base_url=args.openai, api_key="test-key", max_retries=0)
seen = {}


@observe()
def answer():
    with propagate_attributes(session_id="lf-session-1", user_id="lf-user-1"):
        seen.update(make_calls(client, openai))


answer()
langfuse.flush()
langfuse.shutdown()
print(json.dumps(seen))
