"""The real processes the SDK's tests run against: the mock LLM providers and a Sightline server.

Both are started as child processes of the test run, as a user would run them, and both are
meant to be started once per session and shared by the tests (each takes under a second to
start, most of it Node loading):

    with MockProviders() as mocks, SightlineServer() as server:
        client = openai.OpenAI(base_url=mocks.openai, api_key="test")
        ...
        calls = server.wait_for("/api/llm-calls?service=my-app", lambda body: body["data"])

Each child writes its output to a file in its own temporary folder rather than to a pipe: the
output is then read without threads, never fills a pipe that nobody drains, and is at hand for
the error message when a start fails. Standard library only, Python 3.9 syntax.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Sequence

REPO_ROOT = Path(__file__).resolve().parents[4]
SIGHTLINE_BIN = REPO_ROOT / "apps" / "cli" / "bin" / "sightline.js"
SIGHTLINE_BUILT = REPO_ROOT / "apps" / "cli" / "dist"
MOCKS_SCRIPT = REPO_ROOT / "testing" / "serve-mocks.ts"

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class _ChildProcess:
    """A child process in a session of its own, its stdout and stderr in files of a temp folder.

    The own session lets `stop` reach what the child starts in turn (npx runs a shell that runs
    tsx that runs node) with one signal to the group, and keeps the terminal's Ctrl-C away
    from it: the test run decides when it stops.
    """

    def __init__(self, prefix: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.stdout_path = self.dir / "stdout.log"
        self.stderr_path = self.dir / "stderr.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def spawn(self, args: Sequence[str], stdin: int, env: dict[str, str] | None = None) -> None:
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                list(args),
                cwd=REPO_ROOT,
                env=env,
                stdin=stdin,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def output(self) -> tuple[str, str]:
        """What the child wrote so far to stdout and to stderr."""

        def read(path: Path) -> str:
            try:
                return path.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                return ""

        return read(self.stdout_path), read(self.stderr_path)

    def exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def stop(self, close_stdin_first: bool = False) -> None:
        """Stops the child (closing its stdin, then SIGTERM, then SIGKILL to its group) and removes the folder."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if close_stdin_first and proc.stdin is not None:
                proc.stdin.close()
                _wait(proc, STOP_TIMEOUT_S)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if proc.poll() is not None:
                    break
                _signal_group(proc, sig)
                _wait(proc, STOP_TIMEOUT_S)
            # The group outlives its leader when a grandchild ignored the signals above.
            _signal_group(proc, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> None:
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _start_failure(what: str, child: _ChildProcess, reason: str) -> RuntimeError:
    stdout, stderr = child.output()
    code = child.proc.poll() if child.proc is not None else None
    status = f"exited with code {code}" if code is not None else "still running"
    return RuntimeError(f"{what} did not start: {reason} ({status}).\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}")


def _child_env() -> dict[str, str]:
    """This process's environment without SIGHTLINE_* variables.

    Tests set those for the SDK (where to send, files to write); the server reads the same names
    (SIGHTLINE_DB, SIGHTLINE_REDACT, SIGHTLINE_ADMIN_KEY…) and must start the same every time.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("SIGHTLINE_")}


def _http_json(method: str, url: str, timeout: float = 10.0) -> tuple[int, Any]:
    """Sends a request without a body; returns the status and the body parsed as JSON (None when empty or not JSON)."""
    request = urllib.request.Request(url, method=method, headers={"accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


class MockProviders:
    """The mock OpenAI, Anthropic and Gemini APIs of testing/ (`npx tsx testing/serve-mocks.ts`).

    They answer in the real wire formats with fixed answers: OpenAI "The capital of France is
    Paris.", Anthropic and Gemini "Paris is the capital of France."; a stream when one is asked
    for, a tool call when tools are offered (Gemini: a model name containing "tool"), HTTP 429
    for the model "boom". See testing/mock-*.ts for the token counts.

    Attributes, set by `start`, each what the official client takes as its base URL:
      openai     -- `openai.OpenAI(base_url=...)`: http://127.0.0.1:PORT/v1
      anthropic  -- `anthropic.Anthropic(base_url=...)`: http://127.0.0.1:PORT
      gemini     -- `genai.Client(http_options=types.HttpOptions(base_url=...))`: http://127.0.0.1:PORT
    """

    def __init__(self, start_timeout: float = START_TIMEOUT_S) -> None:
        self.start_timeout = start_timeout
        self.openai = ""
        self.anthropic = ""
        self.gemini = ""
        self._requests_url = ""
        self._child: _ChildProcess | None = None

    def start(self) -> MockProviders:
        """Starts the mocks and waits for the line announcing their addresses."""
        child = _ChildProcess("sightline-mocks-")
        self._child = child
        # --no-install: tsx comes from the repository's node_modules, never from the registry.
        child.spawn(["npx", "--no-install", "tsx", str(MOCKS_SCRIPT)], stdin=subprocess.PIPE)
        try:
            urls = json.loads(self._read_line(child, time.monotonic() + self.start_timeout))
            self.openai, self.anthropic, self.gemini = urls["openai"], urls["anthropic"], urls["gemini"]
            self._requests_url = urls["requests"]
        except BaseException:
            self.stop()
            raise
        return self

    def _read_line(self, child: _ChildProcess, deadline: float) -> str:
        while True:
            stdout, _ = child.output()
            if "\n" in stdout:
                return stdout.split("\n", 1)[0]
            if child.exited() or time.monotonic() > deadline:
                reason = "it exited" if child.exited() else f"no address line within {self.start_timeout:g} s"
                raise _start_failure("the mock providers (npx tsx testing/serve-mocks.ts)", child, reason)
            time.sleep(0.02)

    def requests(self) -> dict[str, list[dict[str, Any]]]:
        """What the mocks received, in order: `{"openai": [{"path", "body"}, ...], "gemini": [...]}`.

        The Anthropic mock keeps no record, so it has no key here.
        """
        status, body = _http_json("GET", self._requests_url)
        assert status == 200, f"GET {self._requests_url}: {status}"
        return body

    def clear_requests(self) -> None:
        """Forgets the requests received so far, so a test reads only its own."""
        _http_json("DELETE", self._requests_url)

    def stop(self) -> None:
        """Closes the mocks' stdin (their signal to stop), then terminates and kills if need be."""
        child, self._child = self._child, None
        if child is not None:
            child.stop(close_stdin_first=True)

    def __enter__(self) -> MockProviders:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# The lines of the banner `sightline serve` writes to stderr once it listens. Each pattern needs
# what follows the address, so a banner read while it is being written never yields half a port.
_BANNER = {
    "api": re.compile(r"API \+ OTLP/HTTP +(http://\S+) +\(OpenAPI"),
    "otlp_http": re.compile(r"\n +OTLP/HTTP +(http://\S+)/v1/traces\n"),
    "grpc": re.compile(r"\n +OTLP/gRPC +(\S+)\n"),
}


class SightlineServer:
    """`sightline serve` as a user runs it: a fresh SQLite file in a temp folder, `--auth off`, free ports.

    The ports are chosen by the server (`--port 0` and the like) and read back from the banner it
    writes to stderr, so no other process can take one between choosing and listening.

    Attributes, set by `start`:
      api           -- http://127.0.0.1:PORT: the query API (and OTLP/HTTP too: /v1/traces, /v1/logs)
      otlp_http     -- http://127.0.0.1:PORT of the OTLP/HTTP-only port: the base URL, as
                       OTEL_EXPORTER_OTLP_ENDPOINT takes it
      traces_url    -- otlp_http + "/v1/traces": the `endpoint` of the HTTP OTLPSpanExporter
      otlp_grpc     -- http://127.0.0.1:PORT: the `endpoint` of the gRPC OTLPSpanExporter (the
                       http scheme makes it a plaintext channel without `insecure=True`)
      grpc_address  -- 127.0.0.1:PORT, the same without a scheme
      db_path       -- the SQLite file

    The API calls SDK tests need (JSON, snake_case, times ISO-8601; lists are pages
    `{"data": [...], "next_cursor": ...}`, newest first, 50 by default, `limit` up to 1000):
      GET /api/llm-calls?service=NAME   -- the LLM calls of a service (its service.name); each has
          trace_id, span_id, provider, request_model, model, operation, is_streaming,
          input_tokens, output_tokens, cache_read_tokens, ttft_ms, finish_reasons, tool_calls,
          is_error, session_id, user_id, cost_usd... Other filters: trace_id, provider, model,
          operation, session_id, user_id, status=error|ok, attr.KEY=VALUE.
      GET /api/llm-calls/{span_id}      -- one call with its content (input/output messages, parameters).
      GET /api/traces/{trace_id}        -- `{"trace": summary, "spans": [...]}`, each span with
          name, kind, service_name, status {code, message}, attributes, events, resource. 404
          until its spans are stored: poll it with `wait_for`.
      GET /api/sessions/{session_id}    -- `{"session", "traces", "calls", "next_cursor"}`, the
          calls in time order; a session is what spans say in `session.id` or `gen_ai.conversation.id`.
      GET /healthz                      -- liveness and ingest counters.
    Spans are stored a moment after the export returns: read them with `wait_for`, not `get`.
    The whole API is described at GET /api/openapi.json.
    """

    def __init__(self, extra_args: Sequence[str] = (), start_timeout: float = START_TIMEOUT_S) -> None:
        """`extra_args` go to `sightline serve` after the defaults, e.g. ["--no-llm-calls"] or ["--redact", "email"]."""
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.api = ""
        self.otlp_http = ""
        self.traces_url = ""
        self.otlp_grpc = ""
        self.grpc_address = ""
        self.db_path = ""
        self._child: _ChildProcess | None = None

    def start(self) -> SightlineServer:
        """Starts the server and waits until its API answers."""
        if not SIGHTLINE_BUILT.is_dir():
            raise RuntimeError(f"{SIGHTLINE_BUILT} is missing: run `npm run build` in {REPO_ROOT} first")
        child = _ChildProcess("sightline-server-")
        self._child = child
        self.db_path = str(child.dir / "sightline.db")
        # The args of the command line, in the order a user would type them.
        args = ["node", str(SIGHTLINE_BIN), "serve", "--db", self.db_path, "--auth", "off"]
        args += ["--port", "0", "--grpc-port", "0", "--otlp-http-port", "0", *self.extra_args]
        child.spawn(args, stdin=subprocess.DEVNULL, env=_child_env())
        deadline = time.monotonic() + self.start_timeout
        try:
            found = self._read_banner(child, deadline)
            self.api, self.otlp_http = found["api"], found["otlp_http"]
            self.traces_url = f"{self.otlp_http}/v1/traces"
            self.grpc_address = found["grpc"]
            self.otlp_grpc = f"http://{self.grpc_address}"
            self._wait_healthy(child, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _read_banner(self, child: _ChildProcess, deadline: float) -> dict[str, str]:
        while True:
            _, stderr = child.output()
            matches = {key: pattern.search(stderr) for key, pattern in _BANNER.items()}
            if all(matches.values()):
                return {key: m.group(1) for key, m in matches.items() if m}
            if child.exited() or time.monotonic() > deadline:
                reason = "it exited" if child.exited() else f"no banner within {self.start_timeout:g} s"
                raise _start_failure("sightline serve", child, reason)
            time.sleep(0.02)

    def _wait_healthy(self, child: _ChildProcess, deadline: float) -> None:
        while True:
            try:
                status, _ = _http_json("GET", f"{self.api}/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            if child.exited() or time.monotonic() > deadline:
                raise _start_failure("sightline serve", child, f"GET {self.api}/healthz did not answer 200")
            time.sleep(0.05)

    def get(self, path: str) -> tuple[int, Any]:
        """GET a path of the API (e.g. "/api/llm-calls?service=my-app"); returns (status, parsed JSON body).

        An error status is returned, not raised: a 404 is an answer a test may expect.
        """
        return _http_json("GET", self.api + path)

    def wait_for(self, path: str, predicate: Callable[[Any], Any], timeout: float = 15.0) -> Any:
        """Polls GET `path` until it answers 200 with a body for which `predicate` is true; returns that body.

        Raises AssertionError with the last status and body when `timeout` seconds pass first. A
        predicate that raises (a KeyError on a body not yet complete) counts as false.
        """
        deadline = time.monotonic() + timeout
        status, body = None, None
        while True:
            status, body = self.get(path)
            if status == 200:
                try:
                    if predicate(body):
                        return body
                except (KeyError, IndexError, TypeError):
                    pass
            if time.monotonic() > deadline:
                last = json.dumps(body, indent=2)
                raise AssertionError(f"GET {path}: still not as expected after {timeout:g} s; last answer {status}:\n{last}")
            time.sleep(0.05)

    def import_file(self, path: str | os.PathLike[str]) -> str:
        """Loads a file into this server with `sightline import` (OTLP/JSON lines, or the SDK's JSON file export).

        Returns what the command printed ("Sent N spans (1 OTLP request) from ..." for OTLP/JSON
        lines, "Imported N spans in M traces from ..." for the SDK's file export); raises
        AssertionError with its output when it fails. The spans are stored a moment later:
        read them with `wait_for`.
        """
        result = subprocess.run(
            ["node", str(SIGHTLINE_BIN), "import", "--url", self.api, str(path)],
            cwd=REPO_ROOT,
            env=_child_env(),
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        if result.returncode != 0:
            raise AssertionError(f"sightline import {path} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
        return result.stdout

    def stderr(self) -> str:
        """What the server logged so far (its banner, warnings, errors)."""
        return self._child.output()[1] if self._child is not None else ""

    def stop(self) -> None:
        """Stops the server (SIGTERM: it commits what it accepted and exits; then SIGKILL) and removes its folder."""
        child, self._child = self._child, None
        if child is not None:
            child.stop()

    def __enter__(self) -> SightlineServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
