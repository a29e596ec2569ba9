"""What instrumenting the ``openai`` client costs per call: Sightline's Python SDK against OpenInference's
and OpenLLMetry's openai instrumentations, and the uninstrumented client, in one run.

    .venv-python-sdk/bin/python sdks/python/bench/overhead.py [--rounds 3] [--json]

Each contender runs in a process of its own (they patch ``openai`` globally and cannot be undone
cleanly), in interleaved rounds whose order rotates, so a drift of the machine hits them all.
The client's HTTP transport answers in process with canned bytes (no socket), so the figures are
the client's and the instrumentation's work, not network noise. Figures are µs per call over the
uninstrumented client: a child's figure is the median of its blocks, a contender's the median
over rounds, with the range. A contender whose spans are missing, or whose content capture is
not what was asked for, stops the run: a broken instrumentation must not look fast.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from statistics import median
from typing import Any, Dict, List, Optional, Tuple

from sightline_path import ensure_sightline_importable

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, "overhead_child.py")
ensure_sightline_importable()

from profile_summary import summarize  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

INSTRUMENTED = ("sightline", "openinference", "openllmetry")
SHORT = {"sightline": "sightline", "openinference": "OpenInference", "openllmetry": "OpenLLMetry"}
TITLES = {"plain": "chat", "streamed": "streamed chat", "async-plain": "async chat", "async-streamed": "async streamed chat"}
FIELDS = (("wall_us", "wall"), ("cpu_us", "CPU"))

Variant = Tuple[str, str]
"""(contender, content "on" / "off"); the uninstrumented client is ("bare", "off")."""


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _sightline_version() -> str:
    from sightline import SDK_VERSION

    return SDK_VERSION


def labels() -> Dict[str, str]:
    return {
        "bare": "openai client, uninstrumented",
        "sightline": f"sightline {_sightline_version()}",
        "openinference": f"openinference-instrumentation-openai {_version('openinference-instrumentation-openai')}",
        "openllmetry": f"OpenLLMetry: opentelemetry-instrumentation-openai {_version('opentelemetry-instrumentation-openai')}",
    }


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="overhead.py",
        description="Per-call overhead of Sightline's Python SDK, OpenInference and OpenLLMetry on the openai client, "
        "each in its own process, in interleaved rounds, against an in-process mock of the API.",
    )
    p.add_argument("--calls", type=int, default=2000, help="timed chat calls per child (default 2000)")
    p.add_argument("--stream-calls", type=int, default=1000, help="timed streamed calls per child (default 1000)")
    p.add_argument("--rounds", type=int, default=3, help="rounds; each runs every contender once, the order rotating (default 3)")
    p.add_argument("--warmup", type=int, default=300, help="untimed chat calls first, and half as many streamed (default 300)")
    p.add_argument("--blocks", type=int, default=5, help="timed blocks per workload per child; the child's figure is their median (default 5)")
    p.add_argument("--content", choices=("both", "on", "off"), default="both", help="content capture on, off, or both (default both)")
    p.add_argument("--contenders", default=",".join(INSTRUMENTED), help=f"comma-separated, of: {', '.join(INSTRUMENTED)} (default all)")
    p.add_argument("--async", dest="with_async", action="store_true", help="also time AsyncOpenAI, plain and streamed")
    p.add_argument("--processor", choices=("simple", "batch"), default="simple", help="span processor into the exporter, for all (default simple)")
    p.add_argument(
        "--sightline-setup",
        choices=("join", "own"),
        default="join",
        help='join: init(exporter="none") joins the app\'s provider (default); own: init(exporter=<the exporter>), needs --processor batch',
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    p.add_argument("--profile", metavar="DIR", help="cProfile Sightline's children into DIR and print where its time goes (the figures are then not comparable)")
    args = p.parse_args(argv)
    args.contender_list = [c for c in args.contenders.split(",") if c]
    bad = [c for c in args.contender_list if c not in INSTRUMENTED]
    if bad or not args.contender_list:
        p.error(f"--contenders takes some of {', '.join(INSTRUMENTED)}")
    if args.sightline_setup == "own" and args.processor != "batch":
        p.error("--sightline-setup own: init(exporter=<SpanExporter>) batches, so give every contender --processor batch")
    if min(args.calls, args.stream_calls, args.rounds, args.blocks) < 1 or args.warmup < 0:
        p.error("--calls, --stream-calls, --rounds and --blocks must be at least 1, --warmup at least 0")
    return args


def child_env() -> Dict[str, str]:
    """This environment without variables that would change what an instrumentation records."""
    prefixes = ("SIGHTLINE_", "OTEL_", "OPENINFERENCE_", "TRACELOOP_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run_child(args: argparse.Namespace, v: Variant, workloads: List[str], profile: Optional[str]) -> Dict[str, Any]:
    contender, content = v
    cmd = [sys.executable, CHILD, "--contender", contender, "--content", content, "--workloads", ",".join(workloads)]
    cmd += ["--calls", str(args.calls), "--stream-calls", str(args.stream_calls), "--warmup", str(args.warmup), "--blocks", str(args.blocks)]
    cmd += ["--processor", args.processor, "--sightline-setup", args.sightline_setup]
    if profile:
        cmd += ["--cprofile", profile]
    done = subprocess.run(cmd, env=child_env(), stdout=subprocess.PIPE, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the {contender} child (content {content}) failed with exit code {done.returncode}; its output is above")
    return json.loads(lines[-1])


def check(v: Variant, result: Dict[str, Any], name: str) -> None:
    """One request per call, and one span per call (none for the uninstrumented client): else the run stops."""
    contender, content = v
    if result["requests"] != result["calls"]:
        raise SystemExit(f"{name}: the mock answered {result['requests']} requests for {result['calls']} calls")
    for workload, blocks in result["blocks"].items():
        for b in blocks:
            expected = 0 if contender == "bare" else b["calls"]
            if b["spans"] != expected:
                raise SystemExit(f"{name} (content {content}) exported {b['spans']} spans for {b['calls']} {workload} calls; expected {expected}")


def per_call(result: Dict[str, Any], workload: str, field: str) -> float:
    """A child's figure: the median of its blocks (a block an outside disturbance hit does not count)."""
    return median(b[field] for b in result["blocks"][workload])


def summarize_results(results: Dict[Variant, List[Dict[str, Any]]], workloads: List[str]) -> Dict[str, Any]:
    """Per workload and field: the uninstrumented client's median, and each variant's overhead over it (median, min, max over rounds)."""
    bare = results[("bare", "off")]
    out: Dict[str, Any] = {}
    for w in workloads:
        out[w] = {}
        for field, _ in FIELDS:
            base = median(per_call(r, w, field) for r in bare)
            rows: Dict[str, Any] = {"bare": base}
            for (contender, content), rounds in results.items():
                if contender == "bare":
                    continue
                values = [per_call(r, w, field) for r in rounds]
                over = [x - base for x in values]
                rows[f"{contender}/{content}"] = {"per_call": median(values), "over": median(over), "min": min(over), "max": max(over)}
            out[w][field] = rows
    return out


def _n(x: float, sign: bool = False) -> str:
    return f"{x:+,.0f}" if sign else f"{x:,.0f}"


def print_report(args: argparse.Namespace, summary: Dict[str, Any], workloads: List[str], contents: List[str], names: Dict[str, str], seconds: float) -> None:
    width = max(len(names[c]) for c in args.contender_list) + 4
    for content in contents:
        print(f"content capture {content}: µs per call over the uninstrumented client, median [range] over {args.rounds} rounds")
        print(" " * (width + 2) + "".join(f"{label:<26}" for _, label in FIELDS).rstrip())
        for w in workloads:
            bare = ", ".join(f"{_n(summary[w][field]['bare'])} µs {label}" for field, label in FIELDS)
            print(f"  {TITLES[w]} (uninstrumented: {bare} per call)")
            for c in args.contender_list:
                cells = []
                for field, _ in FIELDS:
                    s = summary[w][field][f"{c}/{content}"]
                    cells.append(f"{_n(s['over'], True)} [{_n(s['min'], True)}…{_n(s['max'], True)}]".ljust(26))
                print(f"    {names[c]:<{width - 2}}" + "".join(cells).rstrip())
        print()
    print("verdict (CPU time per call over the uninstrumented client, median over rounds):")
    for content in contents:
        for w in workloads:
            rows = summary[w]["cpu_us"]
            over = {c: rows[f"{c}/{content}"]["over"] for c in args.contender_list}
            line = "; ".join(f"{SHORT[c]} {_n(over[c])}" + (" µs/call over bare" if i == 0 else "") for i, c in enumerate(args.contender_list))
            print(f"  {TITLES[w]}, content {content}: {line}{_standing(over)}")
    print(
        f"\nchecked: one request and one span per call in every child{' (per block, with the batch processor)' if args.processor == 'batch' else ''}, "
        f"every answer the canned one,\nthe conversation in the spans exactly when content capture is on ({seconds:,.0f} s)"
    )


def _standing(over: Dict[str, float]) -> str:
    """Whether Sightline's overhead is the lowest, and by how much it is not."""
    if "sightline" not in over or len(over) < 2:
        return ""
    others = {c: x for c, x in over.items() if c != "sightline"}
    best = min(others, key=lambda c: others[c])
    if over["sightline"] < others[best]:
        return f" — sightline lowest, {_n(others[best] - over['sightline'])} µs under {SHORT[best]}"
    return f" — sightline NOT lowest: {SHORT[best]} is {_n(over['sightline'] - others[best])} µs under it"


def describe(args: argparse.Namespace, workloads: List[str], contents: List[str]) -> str:
    content = {"both": "on and off", "on": "on", "off": "off"}[args.content]
    setup = (
        'Sightline joins it: init(exporter="none")\n  adds its span stamper to the app\'s processors and no exporter of its own'
        if args.sightline_setup == "join"
        else "Sightline sets up a provider of\n  its own: init(exporter=<that exporter>), which batches into it"
    )
    processor = "SimpleSpanProcessor" if args.processor == "simple" else "BatchSpanProcessor"
    return f"""  The official openai client with an in-process mock transport (canned bytes, no socket; a 10-message, ~2 KB
  history; streams of 20 SSE chunks with usage last). Each contender runs in a process of its own, in {args.rounds}
  interleaved rounds (the order rotates). Workloads: {", ".join(TITLES[w] for w in workloads)}.
  A child warms up ({args.warmup:,} calls of each chat workload, {args.warmup // 2:,} of each streamed one), then makes {args.calls:,}
  chat calls and {args.stream_calls:,} streamed ones (include_usage) per workload, one after the other, in {args.blocks} blocks per
  workload taking turns; its figure is the median of its blocks.
  Spans: the app's TracerProvider (set as the global one) → {processor} → an exporter that counts spans
  and drops them, the same for all; {setup}.
  Content {content}. On: Sightline capture_content=True, OpenInference's default TraceConfig, OpenLLMetry's default
  TRACELOOP_TRACE_CONTENT=true. Off: capture_content=False, TraceConfig(hide_inputs, hide_outputs),
  TRACELOOP_TRACE_CONTENT=false. Everything else at its defaults (OpenLLMetry's metrics go to the API's no-op
  meter, as for an app without a MeterProvider; it also injects traceparent into each request).
  CPU is time.process_time() (every thread of the child); wall is time.perf_counter().
"""


def main(argv: List[str]) -> None:
    args = parse_args(argv)
    workloads = ["plain", "streamed"] + (["async-plain", "async-streamed"] if args.with_async else [])
    assert all(w in WORKLOADS for w in workloads)
    contents = ["on", "off"] if args.content == "both" else [args.content]
    names = labels()
    variants: List[Variant] = [("bare", "off")] + [(c, content) for content in contents for c in args.contender_list]
    header = (
        f"Sightline Python SDK overhead benchmark — {datetime.datetime.now().isoformat(timespec='seconds')}, "
        f"Python {platform.python_version()}, openai {_version('openai')}, opentelemetry-sdk {_version('opentelemetry-sdk')}"
    )
    if not args.json:
        print(header)
        print(describe(args, workloads, contents))
    profile_dir = args.profile
    if profile_dir:
        os.makedirs(profile_dir, exist_ok=True)
        print(f"  profiling Sightline's children into {profile_dir}: their figures are inflated and not comparable\n", file=sys.stderr)

    results: Dict[Variant, List[Dict[str, Any]]] = {v: [] for v in variants}
    started = time.perf_counter()
    for r in range(args.rounds):
        order = [variants[(i + r) % len(variants)] for i in range(len(variants))]
        for v in order:
            profile = os.path.join(profile_dir, f"sightline-content-{v[1]}-round-{r + 1}.prof") if profile_dir and v[0] == "sightline" else None
            result = run_child(args, v, workloads, profile)
            check(v, result, names[v[0]])
            results[v].append(result)
        print(f"  round {r + 1}/{args.rounds} done ({time.perf_counter() - started:,.0f} s)", file=sys.stderr)
    seconds = time.perf_counter() - started
    summary = summarize_results(results, workloads)

    if args.json:
        print(
            json.dumps(
                {
                    "header": header,
                    "settings": {k: v for k, v in vars(args).items() if k != "contender_list"},
                    "contenders": {c: names[c] for c in ["bare", *args.contender_list]},
                    "summary": summary,
                    "rounds": [{"contender": c, "content": content, "results": rs} for (c, content), rs in results.items()],
                    "seconds": seconds,
                },
                indent=1,
            )
        )
    else:
        print_report(args, summary, workloads, contents, names, seconds)
    if profile_dir:
        profiles = [os.path.join(profile_dir, f) for f in sorted(os.listdir(profile_dir)) if f.endswith(".prof")]
        print(summarize(profiles), file=sys.stderr if args.json else sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
