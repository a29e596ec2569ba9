"""Fixtures: the mock providers and a real Sightline (one each per test run), and a running SDK per test."""

from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import sightline  # noqa: E402
from support.servers import MockProviders, SightlineServer  # noqa: E402


@pytest.fixture(scope="session")
def mocks() -> Iterator[MockProviders]:
    """The mock OpenAI, Anthropic and Gemini APIs on 127.0.0.1 (the repository's own, shared with the TypeScript SDK's tests)."""
    with MockProviders() as providers:
        yield providers


@pytest.fixture(scope="session")
def server() -> Iterator[SightlineServer]:
    """A real Sightline on free ports, with a fresh SQLite file."""
    with SightlineServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without SIGHTLINE_* / OTEL_* settings from the machine, and stops what it started."""
    for name in list(os.environ):
        if name.startswith(("SIGHTLINE_", "OTEL_")):
            monkeypatch.delenv(name)
    yield
    sightline.uninstrument()
    handle = sightline.sdk._state.handle if sightline.sdk._state else None
    if handle is not None:
        handle.shutdown()


@pytest.fixture
def sdk() -> sightline.Sightline:
    """Sightline recording into memory, content captured."""
    return sightline.init(service_name="sdk-test", exporter="memory", capture_content=True)
