"""Method replacements that can all be undone."""

from __future__ import annotations

import weakref
from typing import Any, Callable, List, Optional, Tuple, Union

WRAPPED = "__sightline_wrapped__"
"""Marks functions this SDK installed, so nothing is wrapped twice."""

Make = Callable[[Callable[..., Any], Optional[object]], Callable[..., Any]]
"""Builds the replacement from the original and, for one instance's method, that instance (None for a class's)."""


class Patches:
    def __init__(self) -> None:
        # One client's objects are held weakly: instrumenting a client must not keep it alive.
        self._patches: List[Tuple[Union[type, "weakref.ref[object]"], str, Any, bool]] = []

    def wrap(self, target: Optional[object], name: str, make: Make) -> bool:
        """Replaces ``target.name`` (a class's function, or one instance's method) with ``make(original, instance)``.

        False when there is nothing to wrap or it is wrapped already.
        """
        if target is None:
            return False
        on_class = isinstance(target, type)
        original = target.__dict__.get(name) if on_class else getattr(target, name, None)
        if original is None and on_class:
            return False
        if not callable(original) or getattr(original, WRAPPED, False) or getattr(getattr(original, "__func__", None), WRAPPED, False):
            return False
        wrapped = make(original, None if on_class else target)
        setattr(wrapped, WRAPPED, True)
        had_own = name in vars(target) if hasattr(target, "__dict__") else False
        held: Union[type, "weakref.ref[object]"] = target if isinstance(target, type) else weakref.ref(target)
        # Clients gone since are forgotten, so instrumenting a client per request stays bounded.
        self._patches = [p for p in self._patches if isinstance(p[0], type) or p[0]() is not None]
        self._patches.append((held, name, vars(target).get(name) if had_own else None, had_own))
        setattr(target, name, wrapped)
        return True

    def restore(self) -> None:
        """Puts every original back, newest first."""
        for held, name, original, had_own in reversed(self._patches):
            target = held if isinstance(held, type) else held()
            if target is None:
                continue
            try:
                if had_own:
                    setattr(target, name, original)
                else:
                    delattr(target, name)
            except (AttributeError, TypeError):
                pass
        self._patches.clear()

    def __len__(self) -> int:
        return len(self._patches)
