"""A Llama Stack app's telemetry, sent to Sightline with the official `llama-stack-client`.

Logs the events of one agent turn through `client.telemetry.log_event` (span_start / span_end
structured logs, a metric, an unstructured log), then calls every other telemetry method on
what it logged and prints one JSON line of what the client got back, for the test to compare.

    python llama_stack_calls.py --base-url <Sightline base URL> --dataset <dataset name>
"""
import argparse
import json
import secrets
from datetime import datetime, timedelta, timezone

parser = argparse.ArgumentParser()
parser.add_argument("--base-url", required=True)
parser.add_argument("--dataset", required=True)
args = parser.parse_args()

from llama_stack_client import APIStatusError, LlamaStackClient  # noqa: E402

client = LlamaStackClient(base_url=args.base_url, max_retries=0)
telemetry = client.telemetry

trace_id = secrets.token_hex(16)
root, inference, tool = (secrets.token_hex(8) for _ in range(3))
session = f"session-{secrets.token_hex(4)}"
t0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def at(seconds):
    return t0 + timedelta(seconds=seconds)


def log(span_id, seconds, **event):
    telemetry.log_event(
        event={"trace_id": trace_id, "span_id": span_id, "timestamp": at(seconds), **event},
        ttl_seconds=3600,
    )


def start(span_id, seconds, name, parent=None, attributes=None):
    payload = {"type": "span_start", "name": name}
    if parent:
        payload["parent_span_id"] = parent
    log(span_id, seconds, type="structured_log", payload=payload, attributes=attributes or {})


def end(span_id, seconds, status, attributes=None):
    log(span_id, seconds, type="structured_log", payload={"type": "span_end", "status": status}, attributes=attributes or {})


start(root, 0, "agent_turn", attributes={"session_id": session})
start(inference, 1, "inference", parent=root, attributes={"model_id": "llama-3.1-8b", "temperature": 0.5})
log(inference, 2, type="unstructured_log", message="calling the model", severity="info")
log(inference, 3, type="metric", metric="prompt_tokens", value=12, unit="tokens")
end(inference, 4, "ok", attributes={"output": "It is sunny.", "output_tokens": 7})
start(tool, 5, "tool_call", parent=root, attributes={"tool_name": "get_weather", "model_id": "none"})
end(tool, 6, "error")
end(root, 7, "ok")


def dump(model):
    return model.model_dump(mode="json")


def failure(call):
    try:
        call()
    except APIStatusError as err:
        return {"type": type(err).__name__, "status": err.status_code, "body": err.body}
    return None


by_session = [{"key": "session_id", "op": "eq", "value": session}]
traces = telemetry.query_traces(attribute_filters=by_session, limit=10, order_by=["-start_time"])
trace = telemetry.get_trace(trace_id)
span = telemetry.get_span(inference, trace_id=trace_id)
tree = telemetry.get_span_tree(root, attributes_to_return=["model_id", "output_tokens"], max_depth=2)
shallow = telemetry.get_span_tree(root, max_depth=1)
spans = telemetry.query_spans(attribute_filters=by_session, attributes_to_return=["model_id"])
only_inference = telemetry.query_spans(attribute_filters=by_session, attributes_to_return=["model_id", "output"], max_depth=2)
saved = telemetry.save_spans_to_dataset(
    attribute_filters=by_session, attributes_to_save=["model_id", "output", "output_tokens"], dataset_id=args.dataset
)

print(
    json.dumps(
        {
            "ids": {"trace": trace_id, "root": root, "inference": inference, "tool": tool, "session": session},
            "query_traces": [dump(t) for t in traces],
            "query_traces_types": sorted({type(t).__name__ for t in traces}),
            "get_trace": dump(trace),
            "get_trace_type": type(trace).__name__,
            "get_span": dump(span),
            "get_span_type": type(span).__name__,
            "get_span_tree": {k: dump(v) for k, v in tree.items()},
            "get_span_tree_types": sorted({type(v).__name__ for v in tree.values()}),
            "get_span_tree_shallow": sorted(shallow.keys()),
            "query_spans": [dump(s) for s in spans],
            "query_spans_two_keys": [dump(s) for s in only_inference],
            "save_spans_to_dataset": saved,
            "errors": {
                "unknown_trace": failure(lambda: telemetry.get_trace("0" * 31 + "1")),
                "unknown_span": failure(lambda: telemetry.get_span("00000000000000ff", trace_id=trace_id)),
                "bad_span_id": failure(lambda: telemetry.get_span_tree("not-hex")),
                "bad_filter": failure(
                    lambda: telemetry.query_spans(
                        attribute_filters=[{"key": "x", "op": "like", "value": 1}], attributes_to_return=[]
                    )
                ),
                "bad_event": failure(
                    lambda: telemetry.log_event(
                        event={"type": "metric", "trace_id": trace_id, "span_id": root, "timestamp": at(8), "metric": "m", "unit": "", "value": "x"},
                        ttl_seconds=60,
                    )
                ),
            },
        }
    )
)
