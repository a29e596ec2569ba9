"""Watching a stream go by without changing what the caller gets."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, Iterator, Protocol

from ..safe import report_once
from .llm_span import CallResult, LlmSpan


class StreamState(Protocol):
    """Follows a provider's stream: `add` says whether a chunk carries content; `result` is the call at the end."""

    def add(self, chunk: Any) -> bool: ...

    def result(self) -> CallResult: ...


class _Watch:
    """The end of a stream, an early stop and an error each reach the span once."""

    def __init__(self, span: LlmSpan, state: StreamState) -> None:
        self.span = span
        self.state = state
        self.finished = False

    def chunk(self, chunk: Any) -> None:
        if self.finished:
            return
        try:
            if self.state.add(chunk):
                self.span.first_chunk()
        except Exception as err:  # noqa: BLE001
            report_once("sightline: reading a stream chunk", err)

    def done(self) -> None:
        if self.finished:
            return
        self.finished = True
        try:
            result = self.state.result()
        except Exception as err:  # noqa: BLE001
            report_once("sightline: reading a stream's end", err)
            result = CallResult()
        self.span.succeed(result)

    def fail(self, err: BaseException) -> None:
        if not self.finished:
            self.finished = True
            self.span.fail(err)


def _watched(inner: Iterator[Any], watch: _Watch) -> Iterator[Any]:
    try:
        for chunk in inner:
            watch.chunk(chunk)
            yield chunk
    except GeneratorExit:
        # The consumer stopped early: the call is over.
        watch.done()
        close = getattr(inner, "close", None)
        if callable(close):
            close()
        raise
    except BaseException as err:
        watch.fail(err)
        raise
    watch.done()


async def _awatched(inner: AsyncIterator[Any], watch: _Watch) -> AsyncIterator[Any]:
    try:
        async for chunk in inner:
            watch.chunk(chunk)
            yield chunk
    except GeneratorExit:
        watch.done()
        raise
    except BaseException as err:
        watch.fail(err)
        raise
    watch.done()


def record_stream(stream: Any, span: LlmSpan, state: StreamState) -> Any:
    """Records a streamed call on its span and returns what the caller should get.

    An SDK stream object (openai's and Anthropic's ``Stream`` / ``AsyncStream``) is kept — its
    ``response``, ``close()``, context manager, and class as far as ``isinstance`` tells — with
    its iterator watched; any other iterator is handed back wrapped.
    """
    watch = _Watch(span, state)
    inner = getattr(stream, "_iterator", None)
    if inner is not None and hasattr(stream, "response"):
        asynchronous = hasattr(inner, "__anext__")
        stream._iterator = _awatched(inner, watch) if asynchronous else _watched(inner, watch)
        stream._sightline_watch = watch
        stream.__class__ = _watching_class(type(stream), asynchronous)
        return stream
    if hasattr(stream, "__anext__") or (hasattr(stream, "__aiter__") and not hasattr(stream, "__iter__")):
        return _awatched(stream.__aiter__(), watch)
    if hasattr(stream, "__iter__"):
        return _watched(iter(stream), watch)
    watch.done()
    return stream


_watching: Dict[type, type] = {}


def _watching_class(cls: type, asynchronous: bool) -> type:
    """A subclass of an SDK stream class whose early ends reach the span.

    Leaving ``for chunk in stream`` early closes only the loop's own iterator, and ``close()``
    only the response: neither reaches the stream's iterator, which (being in a reference cycle
    with the stream) would end the span only when the garbage collector gets to it. The
    subclass ends the call on both, at once, as the TypeScript SDK's ``return()`` does.
    """
    found = _watching.get(cls)
    if found is not None:
        return found
    base: Any = cls
    if asynchronous:

        async def __aiter__(self: Any) -> Any:  # noqa: N807
            try:
                async for item in base.__aiter__(self):
                    yield item
            finally:
                self._sightline_watch.done()

        async def aclose(self: Any) -> None:
            self._sightline_watch.done()
            await base.close(self)

        members: Dict[str, Any] = {"__aiter__": __aiter__, "close": aclose}
    else:

        def __iter__(self: Any) -> Any:  # noqa: N807
            try:
                yield from base.__iter__(self)
            finally:
                self._sightline_watch.done()

        def close(self: Any) -> None:
            self._sightline_watch.done()
            base.close(self)

        members = {"__iter__": __iter__, "close": close}
    members.update(__module__=cls.__module__, __qualname__=cls.__qualname__, __doc__=cls.__doc__)
    found = type(cls.__name__, (cls,), members)
    _watching[cls] = found
    return found
