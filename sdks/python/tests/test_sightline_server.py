"""The SDK against a real Sightline: OTLP over HTTP and gRPC, API keys, the flush at exit, a collector that is down."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid

import openai
import pytest

import sightline

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def run_app(client: openai.OpenAI, session_id: str) -> None:
    @sightline.observe(kind="agent")
    def support_agent(question: str) -> str:
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
        return reply.choices[0].message.content or ""

    with sightline.with_session(session_id, user_id="ada", name="Capital question", labels={"team": "search"}):
        support_agent("What is the capital of France?")


@pytest.mark.parametrize("exporter", ["otlp", "otlp-grpc"])
def test_calls_sessions_and_costs_arrive_in_sightline(server, mocks, exporter):
    service = unique(exporter)
    endpoint = server.otlp_grpc if exporter == "otlp-grpc" else server.otlp_http
    handle = sightline.init(service_name=service, endpoint=endpoint, exporter=exporter, capture_content=True)
    session_id = unique("session")
    run_app(openai.OpenAI(api_key="test", base_url=mocks.openai), session_id)
    handle.flush()

    calls = server.wait_for(f"/api/llm-calls?service={service}", lambda body: body["data"])["data"]
    (call,) = calls
    assert call["provider"] == "openai"
    assert call["request_model"] == "gpt-4o-mini"
    assert call["input_tokens"] == 24 and call["output_tokens"] == 8
    assert call["cost_usd"] > 0
    assert call["session_id"] == session_id
    assert call["user_id"] == "ada"
    status, detail = server.get(f"/api/traces/{call['trace_id']}")
    assert status == 200
    names = sorted(s["name"] for s in detail["spans"])
    assert names == ["chat gpt-4o-mini", "support_agent"]
    agent = next(s for s in detail["spans"] if s["name"] == "support_agent")
    assert agent["attributes"]["sightline.label.team"] == "search"
    status, session = server.get(f"/api/sessions/{session_id}")
    assert status == 200
    assert session["session"]["users"] == ["ada"]
    assert session["session"]["name"] == "Capital question"
    assert session["session"]["labels"]["team"] == "search"


def test_grpc_without_a_scheme_follows_otel_exporter_otlp_insecure(server, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")
    service = unique("grpc-plain")
    handle = sightline.init(service_name=service, exporter="otlp-grpc", endpoint=server.grpc_address)

    @sightline.observe
    def job() -> None:
        pass

    job()
    handle.flush()
    assert server.wait_for(f"/api/traces?service={service}", lambda body: body["data"])["data"]


def test_spans_ended_before_exit_are_sent_at_exit(server, tmp_path):
    service = unique("at-exit")
    script = tmp_path / "app.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sightline
            sightline.init(service_name="{service}", endpoint="{server.otlp_http}")

            @sightline.observe(kind="task")
            def nightly_job():
                return "done"

            nightly_job()
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 0, done.stderr
    assert "sightline" not in done.stderr.lower(), done.stderr
    traces = server.wait_for(f"/api/traces?service={service}", lambda body: body["data"])["data"]
    assert traces[0]["root_span_name"] == "nightly_job"


def test_a_collector_that_is_down_costs_a_warning_never_the_app(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(
        textwrap.dedent(
            """
            import sightline
            handle = sightline.init(endpoint="http://127.0.0.1:9", export_timeout=1)

            @sightline.observe
            def work():
                return 1

            work()
            try:
                handle.flush()
            except sightline.ExportError as err:
                print("flush:", err)
            print("app finished")
            """
        )
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 0, done.stderr
    assert "flush: Sightline: 1 span(s) were not delivered to http://127.0.0.1:9/v1/traces" in done.stdout
    assert "app finished" in done.stdout
    assert time.monotonic() - started < 15


def test_an_api_key_is_sent_as_a_bearer_token(tmp_path, mocks):
    from support.servers import REPO_ROOT, SightlineServer

    with SightlineServer(extra_args=["--auth", "on"]) as guarded:
        key = subprocess.run(
            ["node", "apps/cli/bin/sightline.js", "keys", "create", "--project", "sdk", "--db", str(guarded.db_path), "--json"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert key.returncode == 0, key.stderr
        import json

        secret = json.loads(key.stdout)["key"]
        service = unique("keyed")
        handle = sightline.init(service_name=service, endpoint=guarded.otlp_http, api_key=secret)
        run_app(openai.OpenAI(api_key="test", base_url=mocks.openai), unique("s"))
        handle.flush()
        handle.shutdown()

        # Without the key the export is refused, and flush says so.
        refused = sightline.init(service_name=service, endpoint=guarded.otlp_http, export_timeout=2)
        run_app(openai.OpenAI(api_key="test", base_url=mocks.openai), unique("s"))
        with pytest.raises(sightline.ExportError, match="not delivered"):
            refused.flush()
        refused.shutdown()
        status, _ = guarded.get(f"/api/llm-calls?service={service}")
        assert status == 401


def _env() -> dict:
    """The test's Python, finding this package the way the test run does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGHTLINE_", "OTEL_"))}
    here = os.path.dirname(sightline.__file__)
    env["PYTHONPATH"] = os.path.dirname(here) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_the_file_export_loads_into_sightline_with_sightline_import(server, mocks, tmp_path):
    service = unique("file")
    handle = sightline.init(service_name=service, exporter="file", out=str(tmp_path) + "/", capture_content=True)
    session_id = unique("offline")
    run_app(openai.OpenAI(api_key="test", base_url=mocks.openai), session_id)
    path = handle.flush()
    assert path == str(tmp_path / f"{session_id}.json")
    printed = server.import_file(path)
    assert "Imported 2 spans in 1 traces" in printed
    (call,) = server.wait_for(f"/api/llm-calls?service={service}", lambda body: body["data"])["data"]
    assert (call["session_id"], call["input_tokens"], call["output_tokens"]) == (session_id, 24, 8)
