"""One contender of `overhead.py`, in a process of its own (instrumentations patch ``openai`` globally).

Sets the contender up, warms up, then times sequential calls in blocks, the workloads taking
turns, and prints what each block cost per call as one JSON line on stdout. Every answer is
checked against the canned one and must have exported its one span by its end (with a batch
processor, a block's spans are counted after a flush), and after each block the last span must
hold the conversation's content exactly when content capture is on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any, Dict, List, Optional

from sightline_path import ensure_sightline_importable

ensure_sightline_importable()

from contenders import CONTENDERS, PROCESSORS, SIGHTLINE_SETUPS, Recorder, set_up  # noqa: E402
from mock_openai import ANSWER, INPUT_MARK, OUTPUT_MARK, MockOpenAi, async_client, sync_client  # noqa: E402
from workloads import WORKLOADS, Call, calls, is_async  # noqa: E402

# A stream's span may end a moment after its last chunk was read (a wrapper's own bookkeeping).
SETTLE_S = 0.005


class Child:
    def __init__(self, contender: str, content: bool, recorder: Recorder, loop: asyncio.AbstractEventLoop, per_call: Optional[int]) -> None:
        self.contender = contender
        self.content = content
        self.recorder = recorder
        self.loop = loop
        self.per_call = per_call
        """Spans each call must have exported by its end (None with a batch processor: then only the block's total counts)."""

    def call_many(self, n: int, workload: str, call: Call) -> int:
        """Makes `n` calls one after the other, checking each; the spans finished meanwhile."""
        if is_async(workload):
            return self.loop.run_until_complete(self._call_many_async(n, workload, call))
        spans = 0
        for i in range(n):
            spans += self.after_call(i, workload, call())  # type: ignore[arg-type]
        return spans

    async def _call_many_async(self, n: int, workload: str, call: Call) -> int:
        spans = 0
        for i in range(n):
            spans += self.after_call(i, workload, await call())  # type: ignore[misc]
        return spans

    def after_call(self, i: int, workload: str, answer: str) -> int:
        """The canned answer came back, and the call's span was exported: the spans taken."""
        if answer != ANSWER:
            raise AssertionError(f"{self.contender}: {workload} call {i} answered {answer!r}, not the canned answer")
        spans = self.recorder.exporter.take()
        if self.per_call is not None and spans != self.per_call:
            raise AssertionError(f"{self.contender}: {workload} call {i} exported {spans} spans, expected {self.per_call}")
        return spans

    def block(self, n: int, workload: str, call: Call) -> Dict[str, Any]:
        """Times `n` calls: wall and CPU (all threads of this process) per call, in µs."""
        self.recorder.exporter.take()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        spans = self.call_many(n, workload, call)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        time.sleep(SETTLE_S)
        self.recorder.flush()
        spans += self.recorder.exporter.take()
        self.check_content(workload)
        return {"calls": n, "wall_us": wall * 1e6 / n, "cpu_us": cpu * 1e6 / n, "spans": spans}

    def check_content(self, workload: str) -> None:
        """The conversation is in the last span exactly when content capture is on (a wrong setting would flatter a contender)."""
        if self.contender == "bare":
            return
        recorded = self.recorder.exporter.last_recorded()
        for what, mark in (("input", INPUT_MARK), ("output", OUTPUT_MARK)):
            if (mark in recorded) != self.content:
                state = "on" if self.content else "off"
                where = "missing from" if self.content else "in"
                raise AssertionError(f"{self.contender} ({workload}): content capture is {state}, but the {what} is {where} its span: {recorded[:400]}")


def main(argv: List[str]) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--contender", choices=CONTENDERS, required=True)
    p.add_argument("--content", choices=("on", "off"), default="on")
    p.add_argument("--workloads", default="plain,streamed", help=f"comma-separated, of: {', '.join(WORKLOADS)}")
    p.add_argument("--calls", type=int, default=2000, help="plain calls (async-plain too)")
    p.add_argument("--stream-calls", type=int, default=1000, help="streamed calls (async-streamed too)")
    p.add_argument("--warmup", type=int, default=300, help="plain calls before timing; half as many streamed")
    p.add_argument("--blocks", type=int, default=5)
    p.add_argument("--processor", choices=PROCESSORS, default="simple")
    p.add_argument("--sightline-setup", choices=SIGHTLINE_SETUPS, default="join")
    p.add_argument("--cprofile", metavar="FILE", help="profile the timed blocks with cProfile into FILE")
    args = p.parse_args(argv)
    workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")

    content = args.content == "on"
    recorder = set_up(args.contender, content, args.processor, args.sightline_setup)
    import openai

    mock = MockOpenAi()
    loop = asyncio.new_event_loop()
    bound = calls(sync_client(openai, mock), async_client(openai, mock))
    per_call = 0 if args.contender == "bare" else 1 if args.processor == "simple" else None
    child = Child(args.contender, content, recorder, loop, per_call)
    count = {w: args.stream_calls if w.endswith("streamed") else args.calls for w in workloads}

    made = 0
    for w in workloads:
        n = args.warmup // 2 if w.endswith("streamed") else args.warmup
        child.call_many(n, w, bound[w])
        made += n
    recorder.flush()
    recorder.exporter.take()

    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    blocks: Dict[str, List[Dict[str, Any]]] = {w: [] for w in workloads}
    for _block in range(args.blocks):
        for w in workloads:
            n = -(-count[w] // args.blocks)
            blocks[w].append(child.block(n, w, bound[w]))
            made += n
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print(json.dumps({"blocks": blocks, "requests": mock.requests, "calls": made}))


if __name__ == "__main__":
    main(sys.argv[1:])
