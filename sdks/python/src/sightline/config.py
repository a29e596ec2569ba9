"""What `init()` was asked for, resolved: options over environment variables over defaults."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Tuple, Union

from opentelemetry.sdk.trace.export import SpanExporter

from .labels import Labels

EXPORTERS = ("otlp", "otlp-grpc", "console", "memory", "file", "none")
"""Where spans go: OTLP over HTTP (protobuf) or gRPC, the console, memory, a JSON file, or nowhere."""

DEFAULT_EXPORT_TIMEOUT_S = 10.0
"""The export timeout when none is configured: an unreachable collector delays exit by at most this."""

Exporter = Union[str, SpanExporter]


class ConfigError(ValueError):
    """A configuration that cannot work; the message says which setting and why."""


@dataclass(frozen=True)
class ResolvedConfig:
    service_name: str
    exporter: Exporter
    out: Optional[str]
    """The file export's target, or None for the working directory."""
    url: str
    """Full URL of the traces endpoint (HTTP), or the gRPC address."""
    headers: Dict[str, str]
    capture_content: bool
    mask: Optional[Callable[[str], str]]
    labels: Labels
    sample_rate: float
    auto_instrument: bool
    export_timeout: float
    """Seconds one export (retries included), flush or shutdown may take."""
    warnings: Tuple[str, ...] = field(default=())


def resolve_config(
    env: Mapping[str, str],
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
) -> ResolvedConfig:
    """Pure: the same inputs give the same configuration. Problems it works around go in `warnings`."""
    warnings: List[str] = []
    target = out if out is not None else (env.get("SIGHTLINE_OUT") or None)
    chosen: Exporter = exporter if exporter is not None else ("file" if out is not None else _exporter_from_env(env, warnings))
    if isinstance(chosen, str) and chosen not in EXPORTERS:
        raise ConfigError(f'exporter "{chosen}" is not one of {", ".join(EXPORTERS)} (or pass a SpanExporter)')
    if not isinstance(chosen, (str, SpanExporter)):
        raise ConfigError(f"exporter must be one of {', '.join(EXPORTERS)} or a SpanExporter, got {type(chosen).__name__}")
    if out is not None and chosen != "file":
        raise ConfigError("out names the file export's target, but the exporter is not 'file'; drop one of the two")
    grpc = chosen == "otlp-grpc"
    all_headers = parse_headers(env.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS") or env.get("OTEL_EXPORTER_OTLP_HEADERS") or "")
    key = api_key if api_key is not None else env.get("SIGHTLINE_API_KEY")
    if key:
        all_headers["authorization"] = f"Bearer {key}"
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    rate = sample_rate if sample_rate is not None else _number_from_env(env, "SIGHTLINE_SAMPLE_RATE")
    rate = 1.0 if rate is None else rate
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ConfigError(f"sample_rate must be between 0 and 1, got {rate!r}")
    capture = capture_content
    if capture is None:
        capture = _bool_from_env(env, "SIGHTLINE_CAPTURE_CONTENT")
    if capture is None:
        capture = _bool_from_env(env, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
    if mask is not None and not callable(mask):
        raise ConfigError("mask must be a function from text to text")
    return ResolvedConfig(
        service_name=service_name or env.get("SIGHTLINE_SERVICE_NAME") or env.get("OTEL_SERVICE_NAME") or "unknown_service:python",
        exporter=chosen,
        out=target,
        url=_traces_url(endpoint, env, grpc),
        headers=all_headers,
        capture_content=bool(capture),
        mask=mask,
        labels=dict(labels or {}),
        sample_rate=float(rate),
        auto_instrument=auto_instrument,
        export_timeout=_export_timeout(export_timeout, env, warnings),
        warnings=tuple(warnings),
    )


def _exporter_from_env(env: Mapping[str, str], warnings: List[str]) -> str:
    named = env.get("SIGHTLINE_EXPORTER")
    if named == "otlp-json":
        warnings.append("SIGHTLINE_EXPORTER=otlp-json: OpenTelemetry for Python has no JSON exporter; using otlp (protobuf)")
        return "otlp"
    if named:
        return named
    if env.get("SIGHTLINE_OUT"):
        return "file"
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol == "grpc":
        return "otlp-grpc"
    if protocol == "http/json":
        warnings.append("OTEL_EXPORTER_OTLP_PROTOCOL=http/json: OpenTelemetry for Python has no JSON exporter; using http/protobuf")
    return "otlp"


def _traces_url(endpoint: Optional[str], env: Mapping[str, str], grpc: bool) -> str:
    """A base endpoint gets ``/v1/traces`` (HTTP); a traces endpoint is used as is."""
    if endpoint:
        return endpoint if grpc else _with_traces_path(endpoint)
    if env.get("SIGHTLINE_ENDPOINT"):
        return env["SIGHTLINE_ENDPOINT"] if grpc else _with_traces_path(env["SIGHTLINE_ENDPOINT"])
    if env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        base = env["OTEL_EXPORTER_OTLP_ENDPOINT"]
        return base if grpc else _with_traces_path(base)
    return "http://127.0.0.1:4317" if grpc else "http://127.0.0.1:4318/v1/traces"


def _with_traces_path(base: str) -> str:
    if re.search(r"/v1/traces/?$", base):
        return base
    return base.rstrip("/") + "/v1/traces"


def parse_headers(text: str) -> Dict[str, str]:
    """``k1=v1,k2=v2`` (values URL-encoded), as OTEL_EXPORTER_OTLP_HEADERS gives them."""
    out: Dict[str, str] = {}
    for part in text.split(","):
        eq = part.find("=")
        if eq <= 0:
            continue
        out[part[:eq].strip().lower()] = urllib.parse.unquote(part[eq + 1 :].strip())
    return out


def _bool_from_env(env: Mapping[str, str], name: str) -> Optional[bool]:
    v = (env.get(name) or "").strip().lower()
    if v == "":
        return None
    if v in ("true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    raise ConfigError(f'{name} must be true or false, got "{env.get(name)}"')


def _number_from_env(env: Mapping[str, str], name: str) -> Optional[float]:
    v = (env.get(name) or "").strip()
    if v == "":
        return None
    try:
        n = float(v)
    except ValueError:
        raise ConfigError(f'{name} must be a number, got "{v}"') from None
    if n != n or n in (float("inf"), float("-inf")):
        raise ConfigError(f'{name} must be a number, got "{v}"')
    return n


def _export_timeout(option: Optional[float], env: Mapping[str, str], warnings: List[str]) -> float:
    """Seconds. The OTEL_* variables are seconds too, as OpenTelemetry for Python reads them (the
    specification, and so the TypeScript SDK, says milliseconds; an app's own Python exporters
    read the same variables as seconds, and both must agree)."""
    if option is not None:
        if isinstance(option, bool) or not isinstance(option, (int, float)) or not (0 < option < float("inf")):
            raise ConfigError(f"export_timeout must be a positive number of seconds, got {option!r}")
        return float(option)
    for name in ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"):
        v = (env.get(name) or "").strip()
        if not v:
            continue
        try:
            n = float(v)
        except ValueError:
            n = -1.0
        if 0 < n < float("inf"):
            return n
        warnings.append(f'{name} must be a positive number of seconds, got "{v}"; using {DEFAULT_EXPORT_TIMEOUT_S:g} s')
        return DEFAULT_EXPORT_TIMEOUT_S
    return DEFAULT_EXPORT_TIMEOUT_S
