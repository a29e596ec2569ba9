"""Reading provider shapes that arrive as plain dicts (requests) or as objects (responses, or a
previous response's message passed back in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, List, Optional


def field(value: Any, key: str) -> Any:
    """`value[key]` for a mapping, `value.key` for an object; None when absent."""
    if value is None:
        return None
    # Plain dicts first: the check against the Mapping ABC costs more, and requests are dicts.
    if type(value) is dict or isinstance(value, Mapping):
        return value.get(key)
    return getattr(value, key, None)


def path(value: Any, *keys: str) -> Any:
    """`field` along a path, None as soon as one step is missing."""
    for key in keys:
        value = field(value, key)
        if value is None:
            return None
    return value


def text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def integer(value: Any) -> Optional[int]:
    """A count (booleans are not counts)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def number(value: Any) -> Optional[float]:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def items(value: Any) -> List[Any]:
    """A list or tuple as a list; anything else as no items (strings are not lists of characters)."""
    return list(value) if isinstance(value, (list, tuple)) else []


def clean(value: Dict[str, Any]) -> Dict[str, Any]:
    """The fields that are set: JSON from the TypeScript SDK leaves out `undefined`, so these leave out None."""
    return {k: v for k, v in value.items() if v is not None}
