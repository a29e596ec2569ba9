"""Watching a stream go by without changing what the caller gets."""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Iterator, Optional, Protocol

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
    class, ``response``, ``close()`` and context manager — with its iterator watched; any other
    iterator is handed back wrapped.
    """
    watch = _Watch(span, state)
    inner = getattr(stream, "_iterator", None)
    if inner is not None and hasattr(stream, "response"):
        if hasattr(inner, "__anext__"):
            stream._iterator = _awatched(inner, watch)
            _on_close(stream, watch, asynchronous=True)
        else:
            stream._iterator = _watched(inner, watch)
            _on_close(stream, watch, asynchronous=False)
        return stream
    if hasattr(stream, "__anext__") or (hasattr(stream, "__aiter__") and not hasattr(stream, "__iter__")):
        return _awatched(stream.__aiter__(), watch)
    if hasattr(stream, "__iter__"):
        return _watched(iter(stream), watch)
    watch.done()
    return stream


def _on_close(stream: Any, watch: _Watch, asynchronous: bool) -> None:
    """``close()`` (and leaving ``with stream:``) ends the call as an early stop does."""
    original: Optional[Callable[[], Any]] = getattr(stream, "close", None)
    if original is None:
        return
    if asynchronous:

        async def aclose() -> None:
            watch.done()
            await original()

        stream.close = aclose
    else:

        def close() -> None:
            watch.done()
            original()

        stream.close = close
