"""The OpenAI API as canned bytes behind the client's own transport, for the overhead benchmark.

The official client runs for real (request building, retries off, response parsing, SSE
decoding) but its HTTP client gets a mock transport: no socket, no server, so what is timed
is the client and whatever instruments it, not network noise. The bodies are encoded once;
answering a request costs the same for every contender.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

try:  # openai>=3 ships its HTTP stack as the httpx2 fork; older clients use httpx
    import httpx2 as httpx
except ImportError:  # pragma: no cover - openai<3
    import httpx  # type: ignore[no-redef]

MODEL = "gpt-4o-mini"
BASE_URL = "http://bench.invalid/v1"

ANSWER = (
    "Your order 4521 left our Leeds warehouse on Tuesday with DPD and should reach you on Friday "
    "between 9 and 1; I have emailed the tracking link to the address on your account."
)
"""The canned answer; the streamed one arrives a word or two per chunk."""

INPUT_MARK = "change the delivery address"
"""Text only the last user message has: in a span's attributes exactly when input content was recorded."""

OUTPUT_MARK = "warehouse on Tuesday with DPD"
"""Text only the answer has, across several stream chunks: in a span exactly when output content was recorded."""

HISTORY: List[Dict[str, str]] = [
    {
        "role": "system",
        "content": (
            "You are the support assistant of Northwind Outfitters, an online shop for outdoor clothing. "
            "Answer in two sentences at most, in a friendly but plain tone. Never promise refunds; offer to "
            "open a ticket instead. Orders ship from Leeds with DPD; delivery takes two to four working days. "
            "Customers may change a delivery address until the parcel is out for delivery, through the courier's "
            "own page. Use the customer's first name once you know it, and do not repeat order details back in full."
        ),
    },
    {
        "role": "user",
        "content": "Hi, I ordered a rain jacket last week and haven't heard anything since. Can you check on it? "
        "The confirmation email said it would ship within two days, and it has been six now.",
    },
    {"role": "assistant", "content": "Of course. Could you give me the order number, or the email address you ordered with?"},
    {"role": "user", "content": "It's jo.bramley@example.com. I think the order was placed on the 3rd, in the evening."},
    {
        "role": "assistant",
        "content": "Thanks, Jo. I can see two orders on that account: 4498 (walking socks, delivered) and 4521 "
        "(the Ridgeline rain jacket in navy, size M, with the free hood upgrade). Is 4521 the one you mean?",
    },
    {"role": "user", "content": "Yes, the jacket. I need it for a trip on Saturday, so I'm a bit worried it won't come in time."},
    {
        "role": "assistant",
        "content": "I understand. Let me look at the shipping record for 4521; it shows the parcel was packed on "
        "Monday and handed to the courier the next day.",
    },
    {"role": "user", "content": "Handed over when exactly? And do you know which courier? The tracking email never arrived."},
    {
        "role": "assistant",
        "content": "It went with DPD. I'll resend the tracking details; sometimes they land in the spam folder, "
        "so it's worth a look there too. The email comes from notifications@northwind.example.",
    },
    {"role": "user", "content": "Great, thanks. So when will 4521 actually arrive, and can I change the delivery address if I'm away?"},
]
"""Ten messages of a support conversation, about 2 KB: what an app sends with each turn."""

_USAGE = {
    "prompt_tokens": 487,
    "completion_tokens": 41,
    "total_tokens": 528,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}


def _completion() -> Dict[str, Any]:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1_763_800_000,
        "model": f"{MODEL}-2024-07-18",
        "system_fingerprint": "fp_bench",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": ANSWER, "refusal": None}, "logprobs": None, "finish_reason": "stop"}
        ],
        "usage": _USAGE,
    }


def answer_pieces() -> List[str]:
    """The answer as the streamed chunks carry it: one or two words each, 18 in all."""
    words = ANSWER.split(" ")
    per_chunk = -(-len(words) // 18)
    return [" ".join(words[i : i + per_chunk]) + (" " if i + per_chunk < len(words) else "") for i in range(0, len(words), per_chunk)]


def _stream_frames() -> List[Dict[str, Any]]:
    """The chunks of a streamed answer: role, the text, the finish reason, then usage (include_usage)."""
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_763_800_000, "model": f"{MODEL}-2024-07-18"}
    base["system_fingerprint"] = "fp_bench"

    def choice(delta: Dict[str, Any], finish: Any = None) -> Dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}], "usage": None}

    frames = [choice({"role": "assistant", "content": "", "refusal": None})]
    frames += [choice({"content": piece}) for piece in answer_pieces()]
    frames.append(choice({}, "stop"))
    frames.append({**base, "choices": [], "usage": _USAGE})
    return frames


COMPLETION_BODY = json.dumps(_completion()).encode()
STREAM_FRAMES = _stream_frames()
STREAM_BODY = ("".join(f"data: {json.dumps(f)}\n\n" for f in STREAM_FRAMES) + "data: [DONE]\n\n").encode()


class MockOpenAi:
    """Answers ``POST /chat/completions`` with the canned completion, or the canned SSE stream when the request asks to stream.

    Whether to stream is read from the raw body without decoding it (a JSON parse would cost
    more than some of what is measured); ``requests`` counts the calls answered.
    """

    def __init__(self) -> None:
        self.requests = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if not request.url.path.endswith("/chat/completions"):
            return httpx.Response(404, json={"error": {"message": f"no route {request.url.path}"}})
        if b'"stream":true' in request.content or b'"stream": true' in request.content:
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=STREAM_BODY)
        return httpx.Response(200, headers={"content-type": "application/json"}, content=COMPLETION_BODY)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)


def sync_client(openai: Any, mock: MockOpenAi) -> Any:
    """An ``openai.OpenAI`` whose requests the mock answers in process (no retries)."""
    transport = httpx.MockTransport(mock.handle)
    return openai.OpenAI(api_key="x", base_url=BASE_URL, max_retries=0, http_client=httpx.Client(transport=transport))


def async_client(openai: Any, mock: MockOpenAi) -> Any:
    """An ``openai.AsyncOpenAI`` whose requests the mock answers in process (no retries)."""
    transport = httpx.MockTransport(mock.handle_async)
    return openai.AsyncOpenAI(api_key="x", base_url=BASE_URL, max_retries=0, http_client=httpx.AsyncClient(transport=transport))
