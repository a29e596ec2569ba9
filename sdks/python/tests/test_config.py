"""`init()`'s options over environment variables over defaults."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from sightline.config import DEFAULT_EXPORT_TIMEOUT_S, ConfigError, parse_headers, resolve_config


def test_defaults_send_protobuf_to_a_local_sightline_without_content():
    c = resolve_config({})
    assert c.exporter == "otlp"
    assert c.url == "http://127.0.0.1:4318/v1/traces"
    assert c.service_name == "unknown_service:python"
    assert c.capture_content is False
    assert c.sample_rate == 1.0
    assert c.export_timeout == DEFAULT_EXPORT_TIMEOUT_S
    assert c.headers == {}


def test_sightline_variables_then_otel_variables():
    env = {
        "SIGHTLINE_SERVICE_NAME": "bot",
        "OTEL_SERVICE_NAME": "ignored",
        "SIGHTLINE_ENDPOINT": "http://collector:4318/",
        "SIGHTLINE_API_KEY": "sl_abc",
        "OTEL_EXPORTER_OTLP_HEADERS": "x-team=a%20b,Authorization=replaced",
        "SIGHTLINE_CAPTURE_CONTENT": "true",
        "SIGHTLINE_SAMPLE_RATE": "0.25",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "2.5",
    }
    c = resolve_config(env)
    assert c.service_name == "bot"
    assert c.url == "http://collector:4318/v1/traces"
    assert c.headers == {"x-team": "a b", "authorization": "Bearer sl_abc"}
    assert c.capture_content is True
    assert c.sample_rate == 0.25
    assert c.export_timeout == 2.5


def test_otel_endpoints_and_protocol():
    assert resolve_config({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://h:4318"}).url == "http://h:4318/v1/traces"
    assert resolve_config({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://h:9/custom"}).url == "http://h:9/custom"
    grpc = resolve_config({"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://h:4317"})
    assert (grpc.exporter, grpc.url) == ("otlp-grpc", "http://h:4317")
    assert resolve_config({}, exporter="otlp-grpc").url == "http://127.0.0.1:4317"
    json_asked = resolve_config({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
    assert json_asked.exporter == "otlp" and "no JSON exporter" in json_asked.warnings[0]
    # The TypeScript SDK's exporter name, set for a deployment's Node services too, must not stop a Python app.
    shared = resolve_config({"SIGHTLINE_EXPORTER": "otlp-json"})
    assert shared.exporter == "otlp" and "no JSON exporter" in shared.warnings[0]
    assert resolve_config({"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "1"}).capture_content is True


def test_options_win_over_the_environment():
    c = resolve_config(
        {"SIGHTLINE_ENDPOINT": "http://env:4318", "SIGHTLINE_API_KEY": "env", "SIGHTLINE_CAPTURE_CONTENT": "true"},
        endpoint="http://option:4318/v1/traces",
        api_key="option",
        capture_content=False,
        headers={"X-Extra": "1"},
    )
    assert c.url == "http://option:4318/v1/traces"
    assert c.headers == {"authorization": "Bearer option", "x-extra": "1"}
    assert c.capture_content is False


def test_file_export_from_out_or_sightline_out():
    assert (resolve_config({}, out="run.json").exporter, resolve_config({}, out="run.json").out) == ("file", "run.json")
    c = resolve_config({"SIGHTLINE_OUT": "traces/"})
    assert (c.exporter, c.out) == ("file", "traces/")


def test_an_exporter_object_is_used_as_given():
    mine = ConsoleSpanExporter()
    assert resolve_config({}, exporter=mine).exporter is mine


@pytest.mark.parametrize(
    ("env", "options", "message"),
    [
        ({}, {"exporter": "kafka"}, 'exporter "kafka" is not one of otlp, otlp-grpc, console, memory, file, none'),
        ({"SIGHTLINE_EXPORTER": "zipkin"}, {}, 'exporter "zipkin" is not one of'),
        ({}, {"exporter": "memory", "out": "x.json"}, "out names the file export's target, but the exporter is not 'file'"),
        ({}, {"sample_rate": 1.5}, "sample_rate must be between 0 and 1, got 1.5"),
        ({"SIGHTLINE_SAMPLE_RATE": "half"}, {}, 'SIGHTLINE_SAMPLE_RATE must be a number, got "half"'),
        ({"SIGHTLINE_CAPTURE_CONTENT": "maybe"}, {}, 'SIGHTLINE_CAPTURE_CONTENT must be true or false, got "maybe"'),
        ({}, {"export_timeout": 0}, "export_timeout must be a positive number of seconds, got 0"),
        ({}, {"mask": "not a function"}, "mask must be a function from text to text"),
    ],
)
def test_settings_that_cannot_work_say_which_and_why(env, options, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_config(env, **options)


def test_an_invalid_timeout_variable_is_warned_about_and_the_default_used():
    c = resolve_config({"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "soon"})
    assert c.export_timeout == DEFAULT_EXPORT_TIMEOUT_S
    assert 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT must be a positive number of seconds, got "soon"' in c.warnings[0]


def test_parse_headers():
    assert parse_headers("a=1, B = two%2C,=skipped,noequals") == {"a": "1", "b": "two,"}
