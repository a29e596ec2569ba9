"""`with_session` / `session`: the session, user, name and labels on every span inside."""

from __future__ import annotations

import asyncio
import threading

import pytest
from spans import attributes

import sightline


@sightline.observe
def step() -> None:
    pass


def test_every_span_inside_gets_the_session_user_name_and_labels(sdk):
    with sightline.with_session("chat-42", user_id="ada", name="Refund question", labels={"plan": "pro"}):
        step()
    step()
    inside, outside = (attributes(s) for s in sdk.memory.spans)
    assert inside["session.id"] == "chat-42"
    assert inside["gen_ai.conversation.id"] == "chat-42"
    assert inside["user.id"] == "ada"
    assert inside["sightline.session.name"] == "Refund question"
    assert inside["sightline.label.plan"] == "pro"
    assert "session.id" not in outside and "sightline.label.plan" not in outside


def test_nested_scopes_merge_and_the_inner_wins(sdk):
    with sightline.with_session("s1", user_id="ada", name="First", labels={"a": "1"}):
        with sightline.with_session(labels={"b": "2"}):
            step()
        with sightline.with_session("s2"):
            step()
    kept, other = (attributes(s) for s in sdk.memory.spans)
    assert (kept["session.id"], kept["user.id"], kept["sightline.session.name"]) == ("s1", "ada", "First")
    assert kept["sightline.label.a"] == "1" and kept["sightline.label.b"] == "2"
    # A name belongs to the session it was given with.
    assert other["session.id"] == "s2" and "sightline.session.name" not in other and other["user.id"] == "ada"


def test_as_a_decorator_of_sync_and_async_functions(sdk):
    @sightline.session("decorated")
    def run() -> None:
        step()

    @sightline.with_session("async-one", user_id="bob")
    async def arun() -> None:
        step()

    run()
    asyncio.run(arun())
    first, second = (attributes(s) for s in sdk.memory.spans)
    assert first["session.id"] == "decorated"
    assert (second["session.id"], second["user.id"]) == ("async-one", "bob")


def test_async_with_and_tasks_inherit_the_session(sdk):
    async def in_task() -> None:
        step()

    async def main() -> None:
        async with sightline.with_session("tasks"):
            await asyncio.gather(asyncio.to_thread(step), asyncio.create_task(in_task()))

    asyncio.run(main())
    assert [attributes(s)["session.id"] for s in sdk.memory.spans] == ["tasks", "tasks"]


def test_sessions_do_not_leak_across_threads(sdk):
    barrier = threading.Barrier(2)

    def worker(session_id: str) -> None:
        with sightline.session(session_id):
            barrier.wait()
            step()

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(attributes(s)["session.id"] for s in sdk.memory.spans) == ["t0", "t1"]


def test_one_decorated_function_called_from_threads_at_once_keeps_each_call_apart(sdk):
    barrier = threading.Barrier(4)

    @sightline.session("shared")
    def handle(i: int) -> None:
        barrier.wait()
        step()

    threads = [threading.Thread(target=handle, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [attributes(s)["session.id"] for s in sdk.memory.spans] == ["shared"] * 4
    # Nothing stays attached once the calls are over.
    assert sightline.context.current_scope() is None


def test_concurrent_tasks_entering_one_scope_object(sdk):
    scope = sightline.with_session("tasks-shared")

    async def task(delay: float) -> None:
        async with scope:
            await asyncio.sleep(delay)
            step()
        assert sightline.context.current_scope() is None

    async def main() -> None:
        await asyncio.gather(task(0.02), task(0.0))

    asyncio.run(main())
    assert [attributes(s)["session.id"] for s in sdk.memory.spans] == ["tasks-shared"] * 2


def test_a_decorated_generator_is_in_its_session_only_while_it_runs(sdk):
    @sightline.session("inside")
    def produce():
        step()
        yield 1
        step()
        yield 2

    it = produce()
    assert next(it) == 1
    assert sightline.context.current_scope() is None
    step()
    assert list(it) == [2]
    ids = [attributes(s).get("session.id") for s in sdk.memory.spans]
    assert ids == ["inside", None, "inside"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: sightline.with_session(""), "session_id must be a non-empty string"),
        (lambda: sightline.with_session("s", user_id=""), "user_id must be a non-empty string"),
        (lambda: sightline.with_session("s", labels={"Bad": "x"}), 'label key "Bad" is invalid'),
    ],
)
def test_invalid_scopes_are_refused_where_they_are_written(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_a_name_needs_a_session():
    with pytest.raises(TypeError, match="a name needs a session_id"):
        with sightline.with_session(name="orphan"):
            pass
