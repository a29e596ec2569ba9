"""Running a generator one step at a time inside a context that is in force only while it runs.

A generator's body runs in its consumer's context, a step at a time; attaching a context around
the whole generator would leave it attached in the consumer between steps. These wrappers attach
it around each step instead, and pass what the consumer sends or throws on to the generator, so
it still works under ``@contextmanager`` and as a framework's dependency. They are generator
functions themselves, as ``inspect`` tells frameworks.
"""

from __future__ import annotations

import functools
from contextvars import Token
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

from opentelemetry import context as otel_context

Attach = Callable[[], "Token[otel_context.Context]"]


class StepWatch(Protocol):
    """What a run of a generator is told: each item, its end (exhausted, or closed early), its failure."""

    def item(self, value: Any) -> None: ...

    def done(self) -> None: ...

    def fail(self, err: BaseException) -> None: ...


class _Unwatched:
    def item(self, value: Any) -> None:
        pass

    def done(self) -> None:
        pass

    def fail(self, err: BaseException) -> None:
        pass


UNWATCHED: StepWatch = _Unwatched()

Begin = Callable[[Tuple[Any, ...], Dict[str, Any]], Tuple[Optional[Attach], StepWatch]]
"""Called at a generator's first step with the call's arguments: the context to attach around
each step (None for none) and what to tell of the run."""


def stepped_generator(fn: Callable[..., Any], begin: Begin) -> Callable[..., Any]:
    """A generator function like `fn` (a generator function) whose every step runs as `begin` says."""

    @functools.wraps(fn)
    def gen(*args: Any, **kwargs: Any) -> Any:
        attach, watch = begin(args, kwargs)
        inner = fn(*args, **kwargs)
        sent: Any = None
        thrown: Optional[BaseException] = None
        while True:
            token = attach() if attach else None
            try:
                item = inner.throw(thrown) if thrown is not None else inner.send(sent)
            except StopIteration as stop:
                watch.done()
                return stop.value
            except BaseException as err:
                watch.fail(err)
                raise
            finally:
                if token is not None:
                    otel_context.detach(token)
            watch.item(item)
            try:
                sent, thrown = (yield item), None
            except GeneratorExit:
                watch.done()
                inner.close()
                raise
            except BaseException as err:  # noqa: BLE001 - passed on to the generator, as `throw` asks
                thrown = err

    return gen


def stepped_async_generator(fn: Callable[..., Any], begin: Begin) -> Callable[..., Any]:
    """The same for an async generator function."""

    @functools.wraps(fn)
    async def agen(*args: Any, **kwargs: Any) -> Any:
        attach, watch = begin(args, kwargs)
        inner = fn(*args, **kwargs)
        sent: Any = None
        thrown: Optional[BaseException] = None
        while True:
            token = attach() if attach else None
            try:
                item = await (inner.athrow(thrown) if thrown is not None else inner.asend(sent))
            except StopAsyncIteration:
                watch.done()
                return
            except BaseException as err:
                watch.fail(err)
                raise
            finally:
                if token is not None:
                    otel_context.detach(token)
            watch.item(item)
            try:
                sent, thrown = (yield item), None
            except GeneratorExit:
                watch.done()
                await inner.aclose()
                raise
            except BaseException as err:  # noqa: BLE001 - passed on to the generator, as `athrow` asks
                thrown = err

    return agen
