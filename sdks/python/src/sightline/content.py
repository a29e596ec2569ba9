"""How content (prompts, completions, function inputs and outputs) is captured."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Optional

MAX_CONTENT_CHARS = 32_768
"""Captured text longer than this is cut (with a marker)."""


@dataclass(frozen=True)
class ContentPolicy:
    capture: bool
    mask: Optional[Callable[[str], str]] = None


def prepare_text(policy: ContentPolicy, text: str) -> str:
    """Text ready to leave the process: masked, then capped."""
    masked = policy.mask(text) if policy.mask else text
    if len(masked) > MAX_CONTENT_CHARS:
        return f"{masked[:MAX_CONTENT_CHARS]}…[truncated {len(masked) - MAX_CONTENT_CHARS} chars]"
    return masked


def to_json(value: Any) -> str:
    """A value as compact JSON, as the TypeScript SDK writes it; objects it cannot encode are described."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def prepare_value(policy: ContentPolicy, value: Any) -> str:
    """A value as JSON text (strings as they are), masked and capped; unserialisable values are described."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = to_json(value)
        except (TypeError, ValueError, RecursionError):
            text = f"[unserialisable {type(value).__name__}]"
    return prepare_text(policy, text)


def _jsonable(value: Any) -> Any:
    """What plain JSON refuses: pydantic models (provider responses), dataclasses, sets, bytes, the rest by repr."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray)):
        return f"[{len(value)} bytes]"
    return repr(value)
