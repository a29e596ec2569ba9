"""Reading finished spans in tests."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from opentelemetry.sdk.trace import ReadableSpan


def attributes(span: ReadableSpan) -> Dict[str, Any]:
    """A span's attributes as plain values (sequences as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in (span.attributes or {}).items()}


def messages(span: ReadableSpan, key: str) -> List[Dict[str, Any]]:
    """A GenAI message attribute (``gen_ai.input.messages`` …) decoded."""
    return json.loads(str((span.attributes or {})[key]))


def by_name(spans: List[ReadableSpan], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert len(found) == 1, f"expected one span named {name!r}, got {[s.name for s in spans]}"
    return found[0]


def ours(handle: Any) -> List[ReadableSpan]:
    """Sightline's own spans (a provider client may record spans of its own too, under ours)."""
    assert handle.memory is not None
    return [s for s in handle.memory.spans if s.instrumentation_scope is not None and s.instrumentation_scope.name == "sightline"]


def only(handle: Any) -> ReadableSpan:
    """The one span Sightline recorded."""
    spans = ours(handle)
    assert len(spans) == 1, [s.name for s in spans]
    return spans[0]
