"""`init()`: providers joined or owned, exporters, sampling, a second call, shutdown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from spans import attributes

import sightline
from sightline.sdk import _forget_global_provider


@sightline.observe
def step() -> None:
    pass


def test_an_app_with_its_own_tracer_provider_keeps_it_and_its_exporters_see_our_labels():
    app_spans = sightline.MemoryExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(app_spans))
    trace.set_tracer_provider(provider)
    try:
        handle = sightline.init(exporter="memory", labels={"team": "search"})
        assert handle.owns_provider is False
        assert trace.get_tracer_provider() is provider
        with sightline.session("joined"):
            with trace.get_tracer("app").start_as_current_span("app work"):
                step()
        ours = {s.name for s in handle.memory.spans}
        theirs = {s.name: attributes(s) for s in app_spans.spans}
        assert ours == {"app work", "step"} == set(theirs)
        assert theirs["step"]["sightline.label.team"] == "search"
        assert theirs["app work"]["session.id"] == "joined"
        handle.shutdown()
        assert trace.get_tracer_provider() is provider
    finally:
        _forget_global_provider(provider)


def test_without_a_provider_sightline_sets_one_up_and_takes_it_away_at_shutdown():
    handle = sightline.init(service_name="owned", exporter="memory")
    assert handle.owns_provider is True
    step()
    (span,) = handle.memory.spans
    assert span.resource.attributes["service.name"] == "owned"
    assert span.resource.attributes["telemetry.sdk.name"] == "sightline"
    assert span.instrumentation_scope.name == "sightline"
    handle.shutdown()
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    again = sightline.init(service_name="second", exporter="memory")
    step()
    assert again.memory.spans[0].resource.attributes["service.name"] == "second"


def test_a_second_init_returns_the_running_instance(caplog):
    first = sightline.init(exporter="memory")
    assert sightline.init(exporter="console") is first
    assert "init() was already called" in caplog.text


def test_sample_rate_keeps_about_that_fraction_of_traces():
    handle = sightline.init(exporter="memory", sample_rate=0.25)
    for _ in range(2000):
        step()
    assert 350 < len(handle.memory.spans) < 650
    handle.shutdown()
    none_kept = sightline.init(exporter="memory", sample_rate=0)
    step()
    assert none_kept.memory.spans == []


def test_a_span_exporter_of_your_own(tmp_path):
    class Lines(SpanExporter):
        def __init__(self) -> None:
            self.names: list = []

        def export(self, spans):  # type: ignore[no-untyped-def]
            self.names.extend(s.name for s in spans)
            return SpanExportResult.SUCCESS

    mine = Lines()
    handle = sightline.init(exporter=mine)
    step()
    handle.flush()
    assert mine.names == ["step"]


def test_an_exporter_that_fails_is_reported_by_flush_never_raised_into_the_app():
    class Broken(SpanExporter):
        def export(self, spans):  # type: ignore[no-untyped-def]
            raise ConnectionError("collector exploded")

    handle = sightline.init(exporter=Broken())
    step()
    with pytest.raises(sightline.ExportError, match=r"1 span\(s\) were not delivered to Broken"):
        handle.flush()


def test_the_console_exporter_prints_each_span():
    script = "import sightline\nsightline.init(exporter='console')\n@sightline.observe\ndef step():\n    pass\nstep()\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "step"


def test_flush_file_needs_the_file_exporter():
    handle = sightline.init(exporter="memory")
    with pytest.raises(sightline.ConfigError, match='flush\\(file=...\\) writes the file export, but the exporter is "memory"'):
        handle.flush(file="x.json")


def test_the_file_exporter_writes_a_session_named_document(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGHTLINE_OUT", str(tmp_path) + "/")
    handle = sightline.init()
    with sightline.with_session("chat-7", name="Seventh", user_id="ada"):
        step()
    path = handle.flush()
    doc = json.loads(open(path).read())
    assert path.endswith("chat-7.json")
    assert doc["format"] == "sightline-export" and doc["version"] == 1
    assert doc["sessions"][0]["name"] == "Seventh" and doc["sessions"][0]["user_id"] == "ada"
    assert [s["name"] for s in doc["spans"]] == ["step"]


def test_after_shutdown_calls_are_not_recorded_and_labels_need_init_again():
    handle = sightline.init(exporter="memory")
    handle.shutdown()
    step()
    assert handle.memory.spans == []
    with pytest.raises(RuntimeError, match="call sightline.init"):
        sightline.add_label("a", "b")
    handle.shutdown()


def test_spans_recorded_before_a_fork_are_written_by_the_parent_only(tmp_path):
    import os

    handle = sightline.init(exporter="file", out=str(tmp_path / "unused.json"))
    with sightline.session("before-fork"):
        step()
    pid = os.fork()
    if pid == 0:  # the child: its own span only
        try:
            with sightline.session("in-child"):
                step()
            handle.flush(file=str(tmp_path / "child.json"))
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    handle.flush(file=str(tmp_path / "parent.json"))
    child = json.loads((tmp_path / "child.json").read_text())
    parent = json.loads((tmp_path / "parent.json").read_text())
    assert [s["attributes"]["session.id"] for s in child["spans"]] == ["in-child"]
    assert [s["attributes"]["session.id"] for s in parent["spans"]] == ["before-fork"]


def test_instrumented_clients_are_not_kept_alive(mocks):
    import gc
    import weakref

    import openai

    refs = []
    for _ in range(5):
        client = sightline.instrument(openai.OpenAI(api_key="k", base_url=mocks.openai))
        refs.append(weakref.ref(client))
        del client
    gc.collect()
    assert [r() for r in refs] == [None] * 5
    sightline.uninstrument()


def test_an_app_that_shuts_its_provider_down_first_gets_no_warning_at_exit(tmp_path):
    script = """
import atexit
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, ConsoleSpanExporter
provider = TracerProvider()
trace.set_tracer_provider(provider)
import sightline
sightline.init(exporter="memory")
atexit.register(provider.shutdown)  # runs before Sightline's own exit hook

@sightline.observe
def work():
    return 1

work()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "sightline" not in done.stderr.lower(), done.stderr
