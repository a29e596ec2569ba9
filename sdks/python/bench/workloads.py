"""The calls the overhead benchmark times: a chat completion with a 10-message history, plain and streamed, sync and async.

Each returns the answer's text, so every call can be checked against the canned answer.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Union

from mock_openai import HISTORY, MODEL

WORKLOADS = ("plain", "streamed", "async-plain", "async-streamed")

Call = Union[Callable[[], str], Callable[[], Awaitable[str]]]


def plain(client: Any) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=HISTORY, temperature=0.2, max_tokens=200)
    return completion.choices[0].message.content or ""


def streamed(client: Any) -> str:
    stream = client.chat.completions.create(
        model=MODEL, messages=HISTORY, temperature=0.2, max_tokens=200, stream=True, stream_options={"include_usage": True}
    )
    text = ""
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    return text


async def async_plain(client: Any) -> str:
    completion = await client.chat.completions.create(model=MODEL, messages=HISTORY, temperature=0.2, max_tokens=200)
    return completion.choices[0].message.content or ""


async def async_streamed(client: Any) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=HISTORY, temperature=0.2, max_tokens=200, stream=True, stream_options={"include_usage": True}
    )
    text = ""
    async for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    return text


def calls(sync_client: Any, async_client: Any) -> Dict[str, Call]:
    """Each workload as a call without arguments, bound to its client."""
    return {
        "plain": lambda: plain(sync_client),
        "streamed": lambda: streamed(sync_client),
        "async-plain": lambda: async_plain(async_client),
        "async-streamed": lambda: async_streamed(async_client),
    }


def is_async(workload: str) -> bool:
    return workload.startswith("async-")
