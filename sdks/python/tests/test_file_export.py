"""The JSON file export: one document per write, with sessions, spans and trace trees, in the
TypeScript SDK's shape and layout.

Spans are made by a real TracerProvider whose SimpleSpanProcessor hands them to the export's
collector, as the SDK wires it; the provider is local to each test, never the global one.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
import shutil
import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, cast

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState

from sightline.file_export import FileExport, export_document, output_path, read_document, write_document
from sightline.file_export import collector as collector_module

REPO_ROOT = Path(__file__).resolve().parents[3]
TS_FILE_MODULES = REPO_ROOT / "packages" / "sdk" / "dist" / "esm" / "file"

T0 = calendar.timegm((2026, 12, 5, 9, 43, 36)) * 10**9 + 123_456_789
"""2026-12-05T09:43:36.123456789Z in Unix nanoseconds."""
MS = 1_000_000
TRACE_A = "a" * 32


class CountingIds(IdGenerator):
    """Span ids 1, 2, 3... and one fixed trace id, so whole files can be written out in a test."""

    def __init__(self) -> None:
        self._next = 0

    def generate_span_id(self) -> int:
        self._next += 1
        return self._next

    def generate_trace_id(self) -> int:
        return int(TRACE_A, 16)


def capture(target: Optional[str] = None, ids: Optional[IdGenerator] = None) -> Tuple[FileExport, trace.Tracer]:
    export = FileExport(target)
    provider = TracerProvider(resource=Resource({"service.name": "checkout"}), id_generator=ids)
    provider.add_span_processor(SimpleSpanProcessor(export.collector))
    return export, provider.get_tracer("tests", "1.2.3")


def step(
    tracer: trace.Tracer, name: str, start: int, attributes: Optional[Dict[str, Any]] = None, parent: Optional[Span] = None
) -> Span:
    """A span that starts at `start` and lasts 10 ms (ended before returning)."""
    context = trace.set_span_in_context(parent) if parent is not None else None
    span = tracer.start_span(name, context=context, start_time=start, attributes=attributes)
    span.end(end_time=start + 10 * MS)
    return span


def remote_parent(trace_id: str, span_id: int) -> NonRecordingSpan:
    """A sampled parent from another process, to start a span in a trace of our choosing."""
    return NonRecordingSpan(SpanContext(int(trace_id, 16), span_id, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED)))


def read(path: str) -> Dict[str, Any]:
    return cast(Dict[str, Any], json.loads(Path(path).read_text(encoding="utf-8")))


def test_write_creates_directories_and_a_document_with_every_span_field(tmp_path: Path) -> None:
    export, tracer = capture()
    remote = SpanContext(
        trace_id=int(TRACE_A, 16),
        span_id=0xFEED,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
        trace_state=TraceState([("vendor", "v1")]),
    )
    linked = SpanContext(trace_id=int("b" * 32, 16), span_id=0xBEEF, is_remote=True)
    root = tracer.start_span(
        "answer", context=trace.set_span_in_context(NonRecordingSpan(remote)), start_time=T0, attributes={"session.id": "conv-42"}
    )
    chat = tracer.start_span(
        "chat gpt-4o-mini",
        context=trace.set_span_in_context(root),
        kind=SpanKind.CLIENT,
        start_time=T0 + 1 * MS,
        attributes={"gen_ai.usage.input_tokens": 24, "gen_ai.request.temperature": 0.5, "tags": ["a", "b"]},
        links=[Link(linked, {"why": "retry"})],
    )
    chat.add_event("first token", {"index": 0}, timestamp=T0 + 1_250_000)
    chat.set_status(Status(StatusCode.ERROR, "rate limited"))
    chat.end(end_time=T0 + 2_500_000)
    root.end(end_time=T0 + 3 * MS)

    path = str(tmp_path / "nested" / "deeper" / "run.json")
    assert export.write(path) == path

    doc = read(path)
    assert list(doc) == ["format", "version", "exported_at", "resource", "sessions", "spans", "traces"]
    assert doc["format"] == "sightline-export" and doc["version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", doc["exported_at"])
    assert doc["resource"] == {"attributes": {"service.name": "checkout"}}
    outer, call = doc["spans"]
    root_id = f"{root.get_span_context().span_id:016x}"
    chat_id = f"{chat.get_span_context().span_id:016x}"
    assert outer["parent_span_id"] == "000000000000feed"  # not in the file: a root
    assert outer["trace_state"] == "vendor=v1" and outer["duration_ms"] == 3
    assert list(call) == [
        "trace_id", "span_id", "parent_span_id", "trace_state", "flags", "name", "kind", "start_time", "end_time",
        "start_time_unix_nano", "end_time_unix_nano", "duration_ms", "status", "attributes", "events", "links", "scope",
    ]  # fmt: skip
    assert call == {
        "trace_id": TRACE_A,
        "span_id": chat_id,
        "parent_span_id": root_id,
        "trace_state": "vendor=v1",
        "flags": 1,
        "name": "chat gpt-4o-mini",
        "kind": "client",
        "start_time": "2026-12-05T09:43:36.124Z",
        "end_time": "2026-12-05T09:43:36.125Z",
        "start_time_unix_nano": str(T0 + 1 * MS),
        "end_time_unix_nano": str(T0 + 2_500_000),
        "duration_ms": 1.5,
        "status": {"code": "error", "message": "rate limited"},
        "attributes": {"gen_ai.usage.input_tokens": 24, "gen_ai.request.temperature": 0.5, "tags": ["a", "b"]},
        "events": [{"name": "first token", "time_unix_nano": str(T0 + 1_250_000), "attributes": {"index": 0}}],
        "links": [{"trace_id": "b" * 32, "span_id": "000000000000beef", "attributes": {"why": "retry"}}],
        "scope": {"name": "tests", "version": "1.2.3"},
    }
    assert doc["traces"] == [
        {
            "trace_id": TRACE_A,
            "roots": [{"span_id": root_id, "name": "answer", "children": [{"span_id": chat_id, "name": "chat gpt-4o-mini", "children": []}]}],
        }
    ]
    # Whole durations are written as JavaScript writes them: 3, not 3.0.
    assert '"duration_ms":3,' in Path(path).read_text(encoding="utf-8")


def test_each_parent_comes_before_its_children_even_when_the_clock_puts_a_child_first() -> None:
    export, tracer = capture()
    parent = tracer.start_span("parent", start_time=T0 + 900_000)
    child = tracer.start_span("child", context=trace.set_span_in_context(parent), start_time=T0 + 400_000)
    step(tracer, "grandchild", T0 + 1 * MS, parent=child)
    child.end(end_time=T0 + 5 * MS)
    parent.end(end_time=T0 + 6 * MS)
    other = remote_parent("b" * 32, 0x99)
    step(tracer, "later trace", T0 + 1000 * MS, parent=other)

    spans = export.collector.take()
    doc = export_document(spans, datetime(2026, 12, 5, tzinfo=timezone.utc))

    assert [s["name"] for s in doc["spans"]] == ["parent", "child", "grandchild", "later trace"]
    assert [[r["name"] for r in t["roots"]] for t in doc["traces"]] == [["parent"], ["later trace"]]
    assert doc["exported_at"] == "2026-12-05T00:00:00.000Z"
    # Spans already in the earlier document are kept once.
    assert export_document(spans, datetime.now(timezone.utc), doc)["spans"] == doc["spans"]


def test_sessions_carry_their_name_user_labels_time_span_and_traces() -> None:
    export, tracer = capture()
    other_trace = remote_parent("c" * 32, 0x77)
    first = step(
        tracer,
        "turn 1",
        T0,
        {"session.id": "s1", "sightline.session.name": "Chat", "user.id": "ana", "sightline.label.team": "search", "tags": ["x"]},
    )
    step(tracer, "tool", T0 + 2 * MS, {"session.id": "s1", "sightline.label.team": "later value loses"}, parent=first)
    step(tracer, "turn 2", T0 + 2000 * MS, {"session.id": "s1", "sightline.label.plan": "pro"}, parent=other_trace)
    step(tracer, "no session", T0 + 3000 * MS)
    step(tracer, "empty session id", T0 + 3001 * MS, {"session.id": ""})

    doc = export_document(export.collector.take(), datetime(2026, 12, 5, tzinfo=timezone.utc))

    assert doc["sessions"] == [
        {
            "id": "s1",
            "name": "Chat",
            "user_id": "ana",
            "labels": {"team": "search", "plan": "pro"},
            "start": "2026-12-05T09:43:36.123Z",
            "end": "2026-12-05T09:43:38.133Z",
            "span_count": 3,
            "trace_ids": [f"{first.get_span_context().trace_id:032x}", "c" * 32],
        }
    ]
    # OpenTelemetry keeps sequences as tuples; the document has plain lists, as JSON reads back.
    assert doc["spans"][0]["attributes"]["tags"] == ["x"]


def test_with_nothing_captured_a_file_is_written_only_when_one_is_named(tmp_path: Path) -> None:
    export, _ = capture(str(tmp_path / "configured.json"))
    assert export.write() is None
    assert list(tmp_path.iterdir()) == []

    empty = str(tmp_path / "empty.json")
    assert export.write(empty) == empty
    assert read(empty)["sessions"] == read(empty)["spans"] == read(empty)["traces"] == []
    assert '  "sessions": [],\n  "spans": [],\n  "traces": []\n}\n' in Path(empty).read_text(encoding="utf-8")


def test_writing_to_the_same_file_again_adds_the_new_spans(tmp_path: Path) -> None:
    path = str(tmp_path / "twice.json")
    export, tracer = capture(path)
    step(tracer, "step", T0, {"session.id": "conv-twice", "sightline.session.name": "Twice"})
    assert export.write() == path
    step(tracer, "step", T0 + 100 * MS, {"session.id": "conv-twice"})
    assert export.write() == path

    doc = read(path)
    assert len(doc["spans"]) == 2
    assert [(s["id"], s["name"], s["span_count"]) for s in doc["sessions"]] == [("conv-twice", "Twice", 2)]
    # One line per span: the file stays readable line by line, however large.
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    assert len([line for line in lines if '"kind":"internal"' in line]) == 2

    # A file this export did not write is replaced, not added to.
    newcomer, other_tracer = capture(path)
    step(other_tracer, "fresh", T0)
    newcomer.write()
    assert [s["name"] for s in read(path)["spans"]] == ["fresh"]


def test_a_directory_target_gets_a_file_named_for_the_session(tmp_path: Path) -> None:
    runs = str(tmp_path / "runs") + "/"
    export, tracer = capture(runs)
    step(tracer, "step", T0, {"session.id": "user/42: chat"})
    path = export.write()
    assert path == str(tmp_path / "runs" / "user_42__chat.json")
    assert read(path)["sessions"][0]["id"] == "user/42: chat"

    # An existing directory needs no trailing slash; a character beyond the BMP counts twice,
    # as JavaScript's UTF-16 does; long ids are cut at 200 characters.
    existing = tmp_path / "existing"
    existing.mkdir()
    export, tracer = capture(str(existing))
    step(tracer, "step", T0, {"session.id": "chat 😀"})
    assert export.write() == str(existing / "chat___.json")
    step(tracer, "step", T0, {"session.id": "x" * 300})
    assert export.write() == str(existing / ("x" * 200 + ".json"))


def test_without_a_single_session_the_file_is_named_for_the_export_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    export, tracer = capture(None)
    step(tracer, "a", T0, {"session.id": "one"})
    step(tracer, "b", T0, {"session.id": "two"})
    path = export.write()
    assert path is not None
    exported_at = read(path)["exported_at"]
    assert path == str(tmp_path / f"sightline-{exported_at.replace(':', '-').replace('.', '-')}.json")

    doc = export_document([], datetime(2026, 12, 5, 9, 43, 36, 123999, tzinfo=timezone.utc))
    assert output_path(None, doc, "/app") == "/app/sightline-2026-12-05T09-43-36-123Z.json"
    assert output_path("out\\", doc, "/app") == "/app/out\\/sightline-2026-12-05T09-43-36-123Z.json"
    assert output_path("../runs/run.json", doc, "/app/sub") == "/app/runs/run.json"
    assert output_path("/abs/run.json", doc, "/app") == "/abs/run.json"


def test_the_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    export, tracer = capture(str(path))
    for i in range(3):
        step(tracer, f"step {i}", T0 + i * MS)
        export.write()
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
    assert len(read(str(path))["spans"]) == 3


def test_a_failed_write_keeps_the_spans_for_the_next_one(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    export, tracer = capture()
    step(tracer, "before", T0)
    with pytest.raises(OSError):
        export.write(str(blocker / "run.json"))
    step(tracer, "after", T0 + 1 * MS)

    path = export.write(str(tmp_path / "run.json"))
    assert path is not None
    assert [s["name"] for s in read(path)["spans"]] == ["before", "after"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "run.json"]


def test_spans_put_back_go_ahead_of_those_that_came_since() -> None:
    export, tracer = capture()
    step(tracer, "first", T0)
    taken = export.collector.take()
    step(tracer, "second", T0 + 1 * MS)
    export.collector.put_back(taken)
    assert [s.name for s in export.collector.take()] == ["first", "second"]
    assert export.collector.take() == []


def test_the_collector_keeps_the_newest_spans_when_too_many_wait(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(collector_module, "MAX_PENDING_SPANS", 3)
    export, tracer = capture()
    with caplog.at_level(logging.WARNING, logger="sightline"):
        for i in range(5):
            step(tracer, f"step {i}", T0 + i * MS)
    assert [s.name for s in export.collector.take()] == ["step 2", "step 3", "step 4"]
    warnings = [r.getMessage() for r in caplog.records if "the oldest were dropped" in r.getMessage()]
    assert len(warnings) == 1  # reported once per process, however many are dropped


def test_spans_ending_on_many_threads_all_arrive(tmp_path: Path) -> None:
    export, tracer = capture()

    def work(n: int) -> None:
        for i in range(250):
            step(tracer, f"thread {n} step {i}", T0 + i * MS)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    path = export.write(str(tmp_path / "threads.json"))
    assert path is not None
    spans = read(path)["spans"]
    assert len(spans) == 2000 and len({s["span_id"] for s in spans}) == 2000


@pytest.mark.parametrize(
    "text",
    ["", "{not json", "null", "[]", '{"format": "other", "spans": []}', '{"format": "sightline-export", "spans": {}}',
     '{"format": "sightline-export", "spans": [], "x": NaN}'],
)  # fmt: skip
def test_read_document_refuses_what_is_not_an_export(tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    assert read_document(str(path)) is None


def test_read_document_reads_back_what_was_written(tmp_path: Path) -> None:
    assert read_document(str(tmp_path / "missing.json")) is None
    export, tracer = capture()
    step(tracer, "step", T0)
    path = export.write(str(tmp_path / "run.json"))
    assert path is not None
    assert read_document(path) == read(path)


def test_the_file_is_laid_out_line_by_line_as_the_typescript_sdk_writes_it(tmp_path: Path) -> None:
    export, tracer = capture(ids=CountingIds())
    step(tracer, "step", T0, {"session.id": "conv-1", "score": 2.0})
    doc = export_document(export.collector.take(), datetime(2026, 12, 5, 9, 43, 40, tzinfo=timezone.utc))
    path = tmp_path / "run.json"
    write_document(str(path), doc)

    span = (
        '{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"0000000000000001","parent_span_id":null,'
        '"trace_state":"","flags":1,"name":"step","kind":"internal","start_time":"2026-12-05T09:43:36.123Z",'
        '"end_time":"2026-12-05T09:43:36.133Z","start_time_unix_nano":"1796463816123456789",'
        '"end_time_unix_nano":"1796463816133456789","duration_ms":10,"status":{"code":"unset","message":""},'
        '"attributes":{"session.id":"conv-1","score":2},"events":[],"links":[],"scope":{"name":"tests","version":"1.2.3"}}'
    )
    assert path.read_text(encoding="utf-8") == (
        "{\n"
        '  "format": "sightline-export",\n'
        '  "version": 1,\n'
        '  "exported_at": "2026-12-05T09:43:40.000Z",\n'
        '  "resource": {"attributes":{"service.name":"checkout"}},\n'
        '  "sessions": [\n'
        '    {"id":"conv-1","name":null,"user_id":null,"labels":{},"start":"2026-12-05T09:43:36.123Z",'
        '"end":"2026-12-05T09:43:36.133Z","span_count":1,"trace_ids":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}\n'
        "  ],\n"
        '  "spans": [\n'
        f"    {span}\n"
        "  ],\n"
        '  "traces": [\n'
        '    {"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","roots":[{"span_id":"0000000000000001","name":"step","children":[]}]}\n'
        "  ]\n"
        "}\n"
    )


@pytest.fixture
def node() -> Iterator[str]:
    found = shutil.which("node")
    assert found is not None, "this test needs Node.js on the PATH"
    assert (TS_FILE_MODULES / "file-output.js").exists(), "this test needs the built TypeScript SDK: npm run build"
    yield found


def test_the_typescript_sdk_rebuilds_and_rewrites_the_file_byte_for_byte(tmp_path: Path, node: str) -> None:
    """The TypeScript SDK's own exportDocument, given the Python file as the earlier document
    and nothing new, must produce the same sessions, span order and trees; its writer must then
    write the same bytes."""
    export, tracer = capture()
    chat = tracer.start_span("chat", start_time=T0 + 900_000, attributes={"session.id": "s1", "sightline.session.name": "Trip"})
    early_child = tracer.start_span("tool", context=trace.set_span_in_context(chat), start_time=T0 + 400_000)
    early_child.add_event("done", {"ok": True}, timestamp=T0 + 500_000)
    early_child.end(end_time=T0 + 1_234_567)
    chat.end(end_time=T0 + 5 * MS)
    other = remote_parent("b" * 32, 0x5)
    tricky: Dict[str, Any] = {
        "session.id": "s1",
        "sightline.label.team": "é 😀 \t\n\x01 \u2028",
        "user.id": 'a "quoted" \\ user',
        "2": "an integer-like key",
        "floats": [2.0, 1.5, 1.5e-05, 2.5e-08, 1e21, 123456.789],
        "nan": float("nan"),
        "lone surrogate": "\udc80",
    }
    step(tracer, "second trace", T0 + 2000 * MS, tricky, parent=other)
    step(tracer, "no session", T0 + 3000 * MS, {"flag": False, "counts": [1, 2, 3]})
    python_file = tmp_path / "python.json"
    assert export.write(str(python_file)) == str(python_file)

    typescript_file = tmp_path / "typescript.json"
    script = (
        f"import {{ exportDocument }} from {json.dumps((TS_FILE_MODULES / 'export-document.js').as_uri())};"
        f"import {{ writeDocument }} from {json.dumps((TS_FILE_MODULES / 'file-output.js').as_uri())};"
        "import { readFileSync } from 'node:fs';"
        "const [from, to] = process.argv.slice(1);"
        "const earlier = JSON.parse(readFileSync(from, 'utf8'));"
        "writeDocument(to, exportDocument([], new Date(earlier.exported_at), earlier));"
    )
    subprocess.run(
        [node, "--input-type=module", "-e", script, str(python_file), str(typescript_file)], check=True, timeout=60
    )
    written: List[bytes] = [python_file.read_bytes(), typescript_file.read_bytes()]
    assert written[0] == written[1]
    assert b"0.000015" in written[0] and b"2.5e-8" in written[0] and b"\\udc80" in written[0]
