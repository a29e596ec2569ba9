"""The JSON file export document, version 1, built from finished spans.

The spans captured since the last write, the sessions they belong to, and each trace as a tree.
``sightline import`` and ``POST /api/import`` read it back, so the shape is the TypeScript SDK's,
key for key. Times are ISO 8601 for reading and Unix nanoseconds (decimal strings) for exactness.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Set, TypedDict

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

from ..context import SESSION_NAME_ATTRIBUTE
from ..labels import LABEL_ATTRIBUTE_PREFIX

Attributes = Dict[str, object]
"""Span, event, link and resource attributes as JSON values (sequences as lists)."""

SpanKindName = Literal["internal", "server", "client", "producer", "consumer"]
StatusCodeName = Literal["unset", "ok", "error"]


class ExportResource(TypedDict):
    attributes: Attributes


class ExportSession(TypedDict):
    id: str
    name: Optional[str]  # session(name=...), else None
    user_id: Optional[str]
    labels: Dict[str, str]  # the labels its spans carry (sightline.label.*), system labels included
    start: str
    end: str
    span_count: int
    trace_ids: List[str]


class ExportStatus(TypedDict):
    code: StatusCodeName
    message: str


class ExportEvent(TypedDict):
    name: str
    time_unix_nano: str
    attributes: Attributes


class ExportLink(TypedDict):
    trace_id: str
    span_id: str
    attributes: Attributes


class ExportScope(TypedDict):
    name: str
    version: str


class ExportSpan(TypedDict):
    trace_id: str
    span_id: str
    parent_span_id: Optional[str]
    trace_state: str  # W3C trace state, serialized
    flags: int  # W3C trace flags (1 = sampled)
    name: str
    kind: SpanKindName
    start_time: str
    end_time: str
    start_time_unix_nano: str
    end_time_unix_nano: str
    duration_ms: float
    status: ExportStatus
    attributes: Attributes
    events: List[ExportEvent]
    links: List[ExportLink]
    scope: ExportScope


class ExportTreeNode(TypedDict):
    span_id: str
    name: str
    children: List[ExportTreeNode]


class ExportTrace(TypedDict):
    """A trace's spans nested by parent; a span whose parent is not in the file is a root."""

    trace_id: str
    roots: List[ExportTreeNode]


class ExportDocument(TypedDict):
    """The whole file: what `sightline import` and ``POST /api/import`` read."""

    format: Literal["sightline-export"]
    version: Literal[1]
    exported_at: str
    resource: ExportResource
    sessions: List[ExportSession]
    spans: List[ExportSpan]
    traces: List[ExportTrace]


_KINDS: Mapping[SpanKind, SpanKindName] = {
    SpanKind.INTERNAL: "internal",
    SpanKind.SERVER: "server",
    SpanKind.CLIENT: "client",
    SpanKind.PRODUCER: "producer",
    SpanKind.CONSUMER: "consumer",
}
_STATUS: Mapping[StatusCode, StatusCodeName] = {
    StatusCode.UNSET: "unset",
    StatusCode.OK: "ok",
    StatusCode.ERROR: "error",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso_time(moment: datetime) -> str:
    """`moment` as JavaScript's ``Date.toISOString()`` writes it: UTC, milliseconds, ``Z`` (a naive
    datetime is taken as local time)."""
    utc = moment.astimezone(timezone.utc)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def iso_from_nanos(nanos: int) -> str:
    """Unix nanoseconds as ISO 8601, cut (toward zero, as a BigInt division) to the millisecond."""
    millis = nanos // 1_000_000 if nanos >= 0 else -(-nanos // 1_000_000)
    return iso_time(_EPOCH + timedelta(milliseconds=millis))


def export_document(
    finished: Sequence[ReadableSpan],
    exported_at: datetime,
    earlier: Optional[ExportDocument] = None,
) -> ExportDocument:
    """Builds the document from spans just finished and (when a file is written again) the
    document it already held; pure.

    A span in both is kept once (the earlier copy). Spans are listed trace by trace in tree
    order; traces are ordered by their first span.
    """
    seen: Set[str] = set()
    spans: List[ExportSpan] = []
    for s in [*(earlier["spans"] if earlier else []), *(to_export_span(f) for f in finished)]:
        key = f"{s['trace_id']}/{s['span_id']}"
        if key in seen:
            continue
        seen.add(key)
        spans.append(s)
    spans.sort(key=lambda s: int(s["start_time_unix_nano"]))
    traces = _trees_of(spans)
    return {
        "format": "sightline-export",
        "version": 1,
        "exported_at": iso_time(exported_at),
        "resource": {"attributes": _resource_attributes(finished, earlier)},
        "sessions": _sessions_of(spans),
        "spans": _in_tree_order(spans, traces),
        "traces": traces,
    }


def to_export_span(span: ReadableSpan) -> ExportSpan:
    """One finished span as the document lists it."""
    ctx = span.context
    start = span.start_time or 0
    end = span.end_time if span.end_time is not None else start
    scope = span.instrumentation_scope
    return {
        "trace_id": f"{ctx.trace_id:032x}" if ctx else "",
        "span_id": f"{ctx.span_id:016x}" if ctx else "",
        "parent_span_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "trace_state": ctx.trace_state.to_header() if ctx and ctx.trace_state else "",
        "flags": int(ctx.trace_flags) if ctx else 0,
        "name": span.name,
        "kind": _KINDS.get(span.kind, "internal"),
        "start_time": iso_from_nanos(start),
        "end_time": iso_from_nanos(end),
        "start_time_unix_nano": str(start),
        "end_time_unix_nano": str(end),
        # As JavaScript computes it: the difference as a double, then divided.
        "duration_ms": float(end - start) / 1e6,
        "status": {
            "code": _STATUS.get(span.status.status_code, "unset"),
            "message": span.status.description or "",
        },
        "attributes": plain_attributes(span.attributes),
        "events": [
            {"name": e.name, "time_unix_nano": str(e.timestamp), "attributes": plain_attributes(e.attributes)}
            for e in span.events
        ],
        "links": [
            {
                "trace_id": f"{link.context.trace_id:032x}",
                "span_id": f"{link.context.span_id:016x}",
                "attributes": plain_attributes(link.attributes),
            }
            for link in span.links
        ],
        "scope": {
            "name": scope.name if scope else "",
            "version": (scope.version if scope else None) or "",
        },
    }


def plain_attributes(attributes: Optional[Mapping[str, object]]) -> Attributes:
    """OpenTelemetry attributes as JSON values: the sequences it stores as tuples become lists."""
    return {key: _plain(value) for key, value in (attributes or {}).items()}


def _plain(value: object) -> object:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _resource_attributes(finished: Sequence[ReadableSpan], earlier: Optional[ExportDocument]) -> Attributes:
    """The first finished span's resource, else the earlier document's."""
    if finished:
        return plain_attributes(finished[0].resource.attributes)
    resource = earlier.get("resource") if earlier else None
    attributes = resource.get("attributes") if isinstance(resource, dict) else None
    return dict(attributes) if isinstance(attributes, dict) else {}


def _in_tree_order(spans: Sequence[ExportSpan], traces: Iterable[ExportTrace]) -> List[ExportSpan]:
    """Spans trace by trace, each parent before its children (siblings by start time): span
    clocks can put a child's start a fraction of a millisecond before its parent's."""
    by_key = {f"{s['trace_id']}/{s['span_id']}": s for s in spans}
    out: List[ExportSpan] = []
    for trace in traces:
        stack = list(reversed(trace["roots"]))
        while stack:
            node = stack.pop()
            out.append(by_key[f"{trace['trace_id']}/{node['span_id']}"])
            stack.extend(reversed(node["children"]))
    return out


class _GatheredSession:
    """A session while it is gathered: its first start, last end and trace ids in order."""

    def __init__(self, session: ExportSession, first: int, last: int) -> None:
        self.session = session
        self.first = first
        self.last = last
        self.traces: Dict[str, None] = {}


def _sessions_of(spans: Iterable[ExportSpan]) -> List[ExportSession]:
    by_id: Dict[str, _GatheredSession] = {}
    for s in spans:
        attributes = s["attributes"]
        session_id = attributes.get("session.id")
        if not isinstance(session_id, str) or session_id == "":
            continue
        start = int(s["start_time_unix_nano"])
        end = int(s["end_time_unix_nano"])
        gathered = by_id.get(session_id)
        if gathered is None:
            gathered = _GatheredSession(
                {
                    "id": session_id,
                    "name": None,
                    "user_id": None,
                    "labels": {},
                    "start": "",
                    "end": "",
                    "span_count": 0,
                    "trace_ids": [],
                },
                start,
                end,
            )
            by_id[session_id] = gathered
        session = gathered.session
        session["span_count"] += 1
        gathered.first = min(gathered.first, start)
        gathered.last = max(gathered.last, end)
        gathered.traces[s["trace_id"]] = None
        name = attributes.get(SESSION_NAME_ATTRIBUTE)
        if session["name"] is None and isinstance(name, str):
            session["name"] = name
        user = attributes.get("user.id")
        if session["user_id"] is None and isinstance(user, str):
            session["user_id"] = user
        for key, value in attributes.items():
            if key.startswith(LABEL_ATTRIBUTE_PREFIX) and isinstance(value, str):
                session["labels"].setdefault(key[len(LABEL_ATTRIBUTE_PREFIX) :], value)
    sessions: List[ExportSession] = []
    for gathered in by_id.values():
        session = gathered.session
        session["start"] = iso_from_nanos(gathered.first)
        session["end"] = iso_from_nanos(gathered.last)
        session["trace_ids"] = list(gathered.traces)
        sessions.append(session)
    return sessions


def _trees_of(spans: Sequence[ExportSpan]) -> List[ExportTrace]:
    nodes: Dict[str, ExportTreeNode] = {
        f"{s['trace_id']}/{s['span_id']}": {"span_id": s["span_id"], "name": s["name"], "children": []}
        for s in spans
    }
    traces: Dict[str, ExportTrace] = {}
    for s in spans:
        node = nodes[f"{s['trace_id']}/{s['span_id']}"]
        parent_id = s["parent_span_id"]
        parent = nodes.get(f"{s['trace_id']}/{parent_id}") if parent_id else None
        if parent is not None:
            parent["children"].append(node)
            continue
        trace = traces.get(s["trace_id"])
        if trace is None:
            trace = traces[s["trace_id"]] = {"trace_id": s["trace_id"], "roots": []}
        trace["roots"].append(node)
    return list(traces.values())
