"""`@observe` on sync and async functions, generators and async generators."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.trace import StatusCode
from spans import attributes, by_name

import sightline


def test_a_function_is_a_span_with_its_input_and_output(sdk):
    @sightline.observe(kind="tool")
    def get_weather(city: str) -> dict:
        return {"city": city, "celsius": 18}

    assert get_weather("Paris") == {"city": "Paris", "celsius": 18}
    (span,) = sdk.memory.spans
    assert span.name == "get_weather"
    a = attributes(span)
    assert a["sightline.span.kind"] == "tool"
    assert a["openinference.span.kind"] == "TOOL"
    assert a["gen_ai.operation.name"] == "execute_tool"
    assert a["gen_ai.tool.name"] == "get_weather"
    assert a["input.value"] == "Paris"
    assert a["output.value"] == '{"city":"Paris","celsius":18}'


def test_arguments_several_positional_as_a_list_keywords_by_name(sdk):
    @sightline.observe
    def combine(a, b, *, sep="-"):
        return f"{a}{sep}{b}"

    combine(1, 2)
    combine(1, b=2, sep="+")
    plain, named = (attributes(s)["input.value"] for s in sdk.memory.spans)
    assert plain == "[1,2]"
    assert named == '{"a":1,"b":2,"sep":"+"}'


def test_methods_leave_self_out(sdk):
    class Agent:
        @sightline.observe(kind="agent", name="support-agent")
        def run(self, question):
            return "ok"

    Agent().run("hi")
    a = attributes(sdk.memory.spans[0])
    assert sdk.memory.spans[0].name == "support-agent"
    assert a["input.value"] == "hi"
    assert a["gen_ai.agent.name"] == "support-agent"
    assert a["gen_ai.operation.name"] == "invoke_agent"


def test_nesting_sync_and_async(sdk):
    @sightline.observe(kind="retriever")
    async def search(q):
        await asyncio.sleep(0)
        return ["doc"]

    @sightline.observe(kind="chain")
    async def pipeline(q):
        docs = await search(q)
        return len(docs)

    assert asyncio.run(pipeline("x")) == 1
    child, parent = sdk.memory.spans
    assert child.parent.span_id == parent.context.span_id
    assert attributes(child)["gen_ai.operation.name"] == "retrieval"


def test_concurrent_tasks_keep_their_own_parents(sdk):
    @sightline.observe
    async def leaf(i):
        await asyncio.sleep(0.01 * (3 - i))
        return i

    @sightline.observe
    async def branch(i):
        return await leaf(i)

    async def main():
        return await asyncio.gather(*(branch(i) for i in range(3)))

    assert asyncio.run(main()) == [0, 1, 2]
    spans = sdk.memory.spans
    branches = {s.context.span_id: s for s in spans if s.name == "branch"}
    for leaf_span in (s for s in spans if s.name == "leaf"):
        parent = branches[leaf_span.parent.span_id]
        assert attributes(parent)["input.value"] == attributes(leaf_span)["input.value"]


def test_a_generator_span_lasts_until_exhausted_and_its_steps_nest(sdk):
    @sightline.observe(kind="tool")
    def lookup(word):
        return word.upper()

    @sightline.observe(kind="chain")
    def words(text):
        for w in text.split():
            yield lookup(w)

    out = words("a b")
    assert sdk.memory.spans == []
    assert list(out) == ["A", "B"]
    gen_span = by_name(sdk.memory.spans, "words")
    assert attributes(gen_span)["output.value"] == '["A","B"]'
    for s in sdk.memory.spans:
        if s.name == "lookup":
            assert s.parent.span_id == gen_span.context.span_id


def test_a_generator_left_early_ends_its_span(sdk):
    @sightline.observe
    def count():
        yield from range(100)

    for n in count():
        if n == 2:
            break
    (span,) = sdk.memory.spans
    assert attributes(span)["output.value"] == "[0,1,2]"


def test_a_generator_gets_what_is_thrown_into_it_as_contextmanager_does(sdk):
    import contextlib

    handled = []

    @contextlib.contextmanager
    @sightline.observe
    def transaction():
        try:
            yield "tx"
        except ValueError as err:
            handled.append(str(err))

    with transaction():
        raise ValueError("rolled back")
    assert handled == ["rolled back"]
    (span,) = sdk.memory.spans
    assert span.name == "transaction"


def test_a_coroutine_behind_a_plain_decorator_is_timed_until_awaited(sdk):
    import functools

    def plain_decorator(fn):
        @functools.wraps(fn)
        def call(*args):
            return fn(*args)

        return call

    @sightline.observe
    @plain_decorator
    async def slow():
        await asyncio.sleep(0.05)
        return "done"

    assert asyncio.run(slow()) == "done"
    (span,) = sdk.memory.spans
    assert (span.end_time - span.start_time) / 1e9 >= 0.04
    assert attributes(span)["output.value"] == "done"


def test_an_async_generator(sdk):
    @sightline.observe(kind="agent")
    async def stream_answer(q):
        for token in ["Par", "is"]:
            await asyncio.sleep(0)
            yield token

    async def main():
        return [t async for t in stream_answer("capital?")]

    assert asyncio.run(main()) == ["Par", "is"]
    (span,) = sdk.memory.spans
    assert attributes(span)["output.value"] == '["Par","is"]'


def test_an_exception_marks_the_span_failed_and_still_reaches_the_caller(sdk):
    @sightline.observe
    def fails():
        raise KeyError("missing")

    with pytest.raises(KeyError):
        fails()
    (span,) = sdk.memory.spans
    assert span.status.status_code == StatusCode.ERROR
    assert attributes(span)["error.type"] == "KeyError"
    assert span.events[0].name == "exception"


def test_without_content_capture_no_input_or_output(monkeypatch):
    handle = sightline.init(exporter="memory")

    @sightline.observe
    def secret(x):
        return x

    secret("password")
    a = attributes(handle.memory.spans[0])
    assert "input.value" not in a and "output.value" not in a


def test_values_json_cannot_encode_are_described_not_fatal(sdk):
    class Opaque:
        def __repr__(self) -> str:
            return "<Opaque>"

    @sightline.observe
    def takes(o):
        return {1, 2}

    takes(Opaque())
    a = attributes(sdk.memory.spans[0])
    assert a["input.value"] == '"<Opaque>"'
    assert a["output.value"] == "[1,2]"


def test_an_unknown_kind_is_refused_at_decoration():
    with pytest.raises(ValueError, match='kind "robot" is not one of agent, chain, tool'):
        sightline.observe(kind="robot")


def test_observe_works_before_init_and_records_nothing():
    @sightline.observe
    def f():
        return 1

    assert f() == 1
