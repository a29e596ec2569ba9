"""Stamps every span at its start with the process labels and the session scope in force."""

from __future__ import annotations

import weakref
from typing import Callable, Dict, Mapping, Optional, Tuple

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from .context import SESSION_NAME_ATTRIBUTE, SessionScope, current_scope
from .labels import label_attributes


class SpanStamper(SpanProcessor):
    """``gen_ai.conversation.id`` and ``session.id``, ``user.id``, and labels as ``sightline.label.<key>``."""

    def __init__(self, labels: Callable[[], Mapping[str, str]]) -> None:
        self._labels = labels
        # Labels change by replacement, so identity tells whether the attributes are still right;
        # the two are kept as one pair, so threads never see one without the other.
        self._seen: Tuple[Optional[Mapping[str, str]], Dict[str, str]] = (None, {})
        self._scope_attributes: "weakref.WeakKeyDictionary[SessionScope, Dict[str, str]]" = weakref.WeakKeyDictionary()

    def on_start(self, span: Span, parent_context: Optional[otel_context.Context] = None) -> None:
        labels = self._labels()
        seen, attributes = self._seen
        if labels is not seen:
            attributes = label_attributes(labels)
            self._seen = (labels, attributes)
        span.set_attributes(attributes)
        scope = current_scope(parent_context)
        if scope is not None:
            span.set_attributes(self._attributes_of(scope))

    def _attributes_of(self, scope: SessionScope) -> Dict[str, str]:
        found = self._scope_attributes.get(scope)
        if found is not None:
            return found
        attributes = label_attributes(scope.labels or {})
        if scope.session_id:
            attributes["gen_ai.conversation.id"] = scope.session_id
            attributes["session.id"] = scope.session_id
        if scope.name:
            attributes[SESSION_NAME_ATTRIBUTE] = scope.name
        if scope.user_id:
            attributes["user.id"] = scope.user_id
        self._scope_attributes[scope] = attributes
        return attributes

    def on_end(self, span: ReadableSpan) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
