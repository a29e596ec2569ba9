"""`init()`: exporter, labels, sessions and the installed provider clients, in one call."""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased, TraceIdRatioBased

from ._version import SDK_VERSION
from .config import ConfigError, Exporter, ResolvedConfig, resolve_config
from .content import ContentPolicy
from .exporters import ExportPipeline, export_pipeline
from .instrument.auto import auto_instrument as patch_installed
from .instrument.patches import Patches
from .instrument.runtime import InstrumentRuntime
from .labels import SYSTEM_PREFIX, LabelError, Labels, check_labels, labels_from_env, merge_labels
from .memory_exporter import MemoryExporter
from .safe import logger, report_once, warn_once
from .span_stamper import SpanStamper
from .system_labels import system_labels

TRACER_NAME = "sightline"


class ExportError(RuntimeError):
    """Spans were not delivered (the message names where they were going)."""


class Sightline:
    """What `init()` returns."""

    def __init__(self, config: ResolvedConfig, pipeline: ExportPipeline, processors: List[SpanProcessor], provider: Optional[TracerProvider]) -> None:
        self.config = config
        self._pipeline = pipeline
        self._processors = processors
        self._provider = provider
        self._stopped = False
        self._lock = threading.Lock()
        self.instrumented: List[str] = []
        """The provider packages patched at `init()` (``openai``, ``anthropic``, ``google-genai``)."""

    @property
    def memory(self) -> Optional[MemoryExporter]:
        """The memory exporter (``exporter="memory"``), else None."""
        return self._pipeline.memory

    @property
    def owns_provider(self) -> bool:
        """Whether the SDK set up its own tracer provider (False: it joined the app's)."""
        return self._provider is not None

    def flush(self, file: Optional[str] = None) -> Optional[str]:
        """Exports every finished span now.

        With the ``file`` exporter, writes them as one JSON document to `file` (else ``out`` /
        ``SIGHTLINE_OUT``, else ``<session-id>.json``) and returns its path (None when there was
        nothing to write and no file was named). Returns within the export timeout; raises
        :class:`ExportError` naming the endpoint when spans were not delivered.
        """
        if file is not None and self._pipeline.file is None:
            raise ConfigError(
                f'flush(file=...) writes the file export, but the exporter is "{_describe(self.config.exporter)}": '
                'init(exporter="file") or set SIGHTLINE_OUT'
            )
        timeout_ms = int(self.config.export_timeout * 1000)
        # A processor the app's provider shut down already exported what it held.
        flushed = all([p.force_flush(timeout_ms) for p in self._processors if not getattr(p, "stopped", False)])
        delivery = self._pipeline.delivery
        lost = delivery.take_lost() if delivery else 0
        if lost:
            raise ExportError(f"Sightline: {lost} span(s) were not delivered to {_target(self.config)}")
        if not flushed:
            raise ExportError(f"Sightline: flushing to {_target(self.config)} did not finish within {self.config.export_timeout:g} s")
        return self._pipeline.file.write(file) if self._pipeline.file else None

    def shutdown(self) -> None:
        """Flushes, stops exporting and restores patched modules; bounded by the export timeout.

        The SDK is stopped even when the last export fails (then :class:`ExportError` is raised).
        """
        self._shutdown(exiting=False)

    def _shutdown(self, exiting: bool) -> None:
        global _state, _tracer
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        state = _state
        if state is not None and state.handle is self:
            state.enabled = False
            state.patches.restore()
        atexit.unregister(self._at_exit)
        failure: Optional[BaseException] = None
        try:
            self.flush()
        except Exception as err:  # noqa: BLE001
            failure = err
        if exiting:
            # No new threads at interpreter exit (Python 3.12 refuses them); the exporters' own
            # timeouts bound this.
            _quietly(self._stop_exporting)()
        else:
            _bounded(self._stop_exporting, self.config.export_timeout + 1)
        if self._provider is not None:
            _forget_global_provider(self._provider)
            _tracer = None
        if state is not None and state.handle is self:
            _state = None
        if failure is not None:
            raise failure

    def _stop_exporting(self) -> None:
        if self._provider is not None:
            self._provider.shutdown()
        else:
            for p in self._processors:
                p.shutdown()

    def _at_exit(self) -> None:
        """At interpreter exit: what is left is exported (bounded by the timeout); a failure is a warning, never the exit code."""
        try:
            self._shutdown(exiting=True)
        except Exception as err:  # noqa: BLE001
            logger.warning("%s", err)


class _State:
    def __init__(self, handle: Sightline, labels: Labels, patches: Patches) -> None:
        self.handle = handle
        self.labels = labels
        self.patches = patches
        self.enabled = True
        # What every call asks for, made once: the configuration does not change while running.
        self.content = ContentPolicy(handle.config.capture_content, handle.config.mask)


_state: Optional[_State] = None
_init_lock = threading.Lock()
_tracer: Optional[trace.Tracer] = None


def _get_tracer() -> trace.Tracer:
    # The API hands out a tracer of the provider in force; after shutdown a new one is asked for.
    global _tracer
    if _tracer is None:
        _tracer = trace.get_tracer(TRACER_NAME, SDK_VERSION)
    return _tracer


_NO_CONTENT = ContentPolicy(False)


def _content() -> ContentPolicy:
    state = _state  # read once
    return state.content if state is not None else _NO_CONTENT


def _enabled() -> bool:
    state = _state  # read once: shutdown() on another thread may clear it
    return state.enabled if state is not None else True


runtime = InstrumentRuntime(tracer=_get_tracer, content=_content, enabled=_enabled)
"""What instrumentation reads at call time (so it follows init and shutdown)."""

manual_patches = Patches()
"""Patches applied by `instrument(client)`, before or without `init()`."""


def init(
    *,
    service_name: Optional[str] = None,
    endpoint: Optional[str] = None,
    api_key: Optional[str] = None,
    headers: Optional[Mapping[str, str]] = None,
    exporter: Optional[Exporter] = None,
    out: Optional[str] = None,
    capture_content: Optional[bool] = None,
    mask: Optional[Callable[[str], str]] = None,
    labels: Optional[Mapping[str, str]] = None,
    sample_rate: Optional[float] = None,
    auto_instrument: bool = True,
    export_timeout: Optional[float] = None,
) -> Sightline:
    """Sets Sightline up: exporter, labels, sessions and (unless ``auto_instrument=False``) the
    installed ``openai``, ``anthropic`` and ``google-genai`` packages.

    Every option has an environment default (``SIGHTLINE_*``, then the standard ``OTEL_*``
    variables). Joins the app's tracer provider if it has one. Calling it again returns the
    running instance. Raises :class:`ConfigError` or :class:`LabelError` for settings that
    cannot work; nothing else it does can fail the app.
    """
    global _state, _tracer
    with _init_lock:
        if _state is not None:
            warn_once("init() was already called; returning the running Sightline instance")
            return _state.handle
        config = resolve_config(
            os.environ,
            service_name=service_name,
            endpoint=endpoint,
            api_key=api_key,
            headers=headers,
            exporter=exporter,
            out=out,
            capture_content=capture_content,
            mask=mask,
            labels=labels,
            sample_rate=sample_rate,
            auto_instrument=auto_instrument,
            export_timeout=export_timeout,
        )
        for message in config.warnings:
            warn_once(message)
        merged = merge_labels(system_labels(), labels_from_env(os.environ, warn_once), config.labels)
        pipeline = export_pipeline(config)
        stamper = SpanStamper(lambda: _labels_now(merged))
        processors: List[SpanProcessor] = [stamper] + ([pipeline.processor] if pipeline.processor else [])
        provider: Optional[TracerProvider] = None
        existing = _app_provider()
        if existing is not None:
            add = getattr(existing, "add_span_processor", None)
            if callable(add):
                for p in processors:
                    add(p)
            else:
                warn_once("the app's tracer provider does not accept span processors; Sightline's spans go to the app's exporters only")
        else:
            provider = TracerProvider(resource=_resource(config), sampler=_sampler(config.sample_rate), shutdown_on_exit=False)
            for p in processors:
                provider.add_span_processor(p)
            trace.set_tracer_provider(provider)
        _tracer = None
        handle = Sightline(config, pipeline, processors, provider)
        patches = Patches()
        _state = _State(handle, merged, patches)
        if config.auto_instrument:
            handle.instrumented = patch_installed(patches, runtime)
        atexit.register(handle._at_exit)
        return handle


def _resource(config: ResolvedConfig) -> Resource:
    return Resource.create(
        {"service.name": config.service_name, "telemetry.sdk.name": "sightline", "telemetry.sdk.version": SDK_VERSION}
    )


def _sampler(rate: float) -> Any:
    return ParentBased(ALWAYS_ON if rate >= 1 else TraceIdRatioBased(rate))


def _app_provider() -> Optional[Any]:
    """The app's own tracer provider, if it set one."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
        return None
    return provider


def _forget_global_provider(provider: TracerProvider) -> None:
    """Takes a provider this SDK set out of the API again (as the TypeScript SDK's shutdown does),
    so a later `init()` can set a new one. The API has no public way: this is its test helpers' way."""
    try:
        from opentelemetry.util._once import Once

        if getattr(trace, "_TRACER_PROVIDER", None) is provider:
            trace._TRACER_PROVIDER = None
            trace._TRACER_PROVIDER_SET_ONCE = Once()
    except Exception as err:  # noqa: BLE001
        report_once("sightline: releasing the tracer provider", err)


def _bounded(fn: Callable[[], None], seconds: float) -> None:
    """Runs `fn` on a daemon thread and waits at most `seconds`: a stuck exporter cannot hold the app's exit."""
    worker = threading.Thread(target=_quietly(fn), name="sightline-shutdown", daemon=True)
    try:
        worker.start()
    except RuntimeError:
        _quietly(fn)()
        return
    worker.join(seconds)


def _quietly(fn: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception as err:  # noqa: BLE001
            report_once("sightline: shutting down the export", err)

    return run


def _labels_now(otherwise: Labels) -> Labels:
    state = _state  # read once
    return state.labels if state is not None else otherwise


_labels_lock = threading.Lock()
"""Label changes read, change and replace the labels: one at a time."""


def _running(what: str) -> _State:
    if _state is None:
        raise RuntimeError(f"{what}: call sightline.init() first")
    return _state


def get_labels() -> Dict[str, str]:
    """The labels on every span now (system, environment and yours)."""
    return dict(_running("get_labels").labels)


def set_labels(labels: Mapping[str, str], *, replace: bool = False) -> None:
    """Merges labels into (with ``replace=True``, replaces) your labels; system labels are always kept."""
    state = _running("set_labels")
    with _labels_lock:
        system = {k: v for k, v in state.labels.items() if k.startswith(SYSTEM_PREFIX)}
        mine = {} if replace else {k: v for k, v in state.labels.items() if not k.startswith(SYSTEM_PREFIX)}
        state.labels = {**system, **mine, **check_labels(labels, mine)}


def add_label(key: str, value: str) -> None:
    set_labels({key: value})


def remove_label(key: str) -> None:
    state = _running("remove_label")
    if key.startswith(SYSTEM_PREFIX):
        raise LabelError(f'label "{key}" is a system label and cannot be removed')
    with _labels_lock:
        state.labels = {k: v for k, v in state.labels.items() if k != key}


def uninstrument_modules() -> None:
    """Restores the installed packages' patched methods (the SDK keeps running)."""
    if _state is not None:
        _state.patches.restore()


def _describe(exporter: Exporter) -> str:
    return exporter if isinstance(exporter, str) else type(exporter).__name__


def _target(config: ResolvedConfig) -> str:
    """Where spans go, for messages: the endpoint for OTLP, else the exporter's name."""
    if isinstance(config.exporter, str) and config.exporter.startswith("otlp"):
        return config.url
    return _describe(config.exporter)
