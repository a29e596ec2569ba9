"""Sessions: a session id, user id, name and labels on every span started inside a scope.

The scope lives in the OpenTelemetry context (contextvars underneath), so it follows threads
started with the context copied, asyncio tasks and generators the way spans' parents do.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from contextvars import ContextVar, Token
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar

from opentelemetry import context as otel_context

from .labels import check_labels
from .stepping import UNWATCHED, Begin, stepped_async_generator, stepped_generator

SESSION_KEY = otel_context.create_key("sightline.session")
SESSION_NAME_ATTRIBUTE = "sightline.session.name"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, eq=False)
class SessionScope:
    """What is in force for spans started now (nested scopes merge, inner wins)."""

    session_id: Optional[str] = None
    name: Optional[str] = None
    """A human name for the session (``sightline.session.name``), shown by the file export."""
    user_id: Optional[str] = None
    labels: Optional[Mapping[str, str]] = None


def current_scope(ctx: Optional[otel_context.Context] = None) -> Optional[SessionScope]:
    """The session scope in force in `ctx` (default: the current context)."""
    value = otel_context.get_value(SESSION_KEY, ctx)
    return value if isinstance(value, SessionScope) else None


class with_session:  # noqa: N801 - used like a function: `with with_session(...)`
    """Puts a session id, user id, name and labels on every span started inside, provider calls included.

    Use it as a context manager (``with`` or ``async with``) or as a decorator of a function,
    coroutine function or generator function (each call runs inside the scope)::

        with sightline.with_session(session_id="chat-42", user_id="ada", labels={"plan": "pro"}):
            answer(question)
    """

    def __init__(
        self,
        session_id: Optional[str] = None,
        *,
        user_id: Optional[str] = None,
        name: Optional[str] = None,
        labels: Optional[Mapping[str, str]] = None,
    ) -> None:
        for key, value in (("session_id", session_id), ("user_id", user_id), ("name", name)):
            if value is not None and (not isinstance(value, str) or value == ""):
                raise TypeError(f"with_session: {key} must be a non-empty string")
        self._asked = SessionScope(session_id, name, user_id, check_labels(labels) if labels is not None else None)

    def _merged(self) -> SessionScope:
        asked = self._asked
        outer = current_scope()
        if asked.name is not None and asked.session_id is None and not (outer and outer.session_id):
            raise TypeError("with_session: a name needs a session_id (the session it names)")
        labels: Optional[Dict[str, str]] = None
        if asked.labels is not None:
            check_labels(asked.labels, outer.labels if outer else None)
        if asked.labels or (outer and outer.labels):
            labels = {**((outer and outer.labels) or {}), **(asked.labels or {})}
        same_session = asked.session_id is None or (outer is not None and asked.session_id == outer.session_id)
        return SessionScope(
            session_id=asked.session_id or (outer.session_id if outer else None),
            # A name belongs to the session it was given with (or the same one entered again).
            name=asked.name or (outer.name if outer and same_session else None),
            user_id=asked.user_id or (outer.user_id if outer else None),
            labels=labels,
        )

    def attach(self) -> "Token[otel_context.Context]":
        """Puts the scope in force in the current context; `otel_context.detach` the token to leave it."""
        return otel_context.attach(otel_context.set_value(SESSION_KEY, self._merged()))

    def __enter__(self) -> SessionScope:
        token = self.attach()
        # Kept per context (thread, task), not on the instance: one scope object may be entered
        # by several threads or tasks at once.
        _ENTERED.set(_ENTERED.get() + ((self, token),))
        scope = current_scope()
        assert scope is not None
        return scope

    def __exit__(self, *_exc: object) -> None:
        entered = _ENTERED.get()
        for i in range(len(entered) - 1, -1, -1):
            if entered[i][0] is self:
                otel_context.detach(entered[i][1])
                _ENTERED.set(entered[:i] + entered[i + 1 :])
                return

    async def __aenter__(self) -> SessionScope:
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)

    def __call__(self, fn: F) -> F:
        return _run_inside(self, fn)


_ENTERED: ContextVar[Tuple[Tuple[with_session, "Token[otel_context.Context]"], ...]] = ContextVar("sightline_sessions_entered", default=())
"""The scopes entered with ``with`` in this context, newest last, with the tokens that leave them."""


def session(session_id: str) -> with_session:
    """``with_session(session_id=session_id)``."""
    return with_session(session_id)


def _run_inside(scope: with_session, fn: F) -> F:
    """`fn` with each call (and each step of a generator it returns) inside `scope`.

    Each call attaches and detaches its own context, so concurrent calls never share a token; a
    generator is inside the scope only while it runs, not while it waits at a ``yield``.
    """
    each_step: Begin = lambda _args, _kwargs: (scope.attach, UNWATCHED)  # noqa: E731
    if inspect.isasyncgenfunction(fn):
        return stepped_async_generator(fn, each_step)  # type: ignore[return-value]
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            token = scope.attach()
            try:
                return await fn(*args, **kwargs)
            finally:
                otel_context.detach(token)

        return coro  # type: ignore[return-value]
    if inspect.isgeneratorfunction(fn):
        return stepped_generator(fn, each_step)  # type: ignore[return-value]

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        token = scope.attach()
        try:
            return fn(*args, **kwargs)
        finally:
            otel_context.detach(token)

    return plain  # type: ignore[return-value]
