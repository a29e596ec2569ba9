"""Sightline for Python: one line to trace your app's LLM calls with OpenTelemetry.

    import sightline
    sightline.init(service_name="support-bot")

Every call of the installed ``openai``, ``anthropic`` and ``google-genai`` clients is then a span
in the OpenTelemetry GenAI conventions; ``@observe`` adds your own functions, ``with_session``
the session and user they belong to.
"""

from __future__ import annotations

from typing import TypeVar

from ._version import SDK_VERSION
from .config import ConfigError
from .context import SessionScope, session, with_session
from .labels import LABEL_ATTRIBUTE_PREFIX, LabelError, Labels
from .memory_exporter import MemoryExporter
from .observe import KINDS, make_observe
from .safe import warn_once
from .sdk import (
    ExportError,
    Sightline,
    add_label,
    get_labels,
    init,
    manual_patches,
    remove_label,
    runtime,
    set_labels,
    uninstrument_modules,
)

__all__ = [
    "KINDS",
    "LABEL_ATTRIBUTE_PREFIX",
    "SDK_VERSION",
    "ConfigError",
    "ExportError",
    "LabelError",
    "Labels",
    "MemoryExporter",
    "SessionScope",
    "Sightline",
    "add_label",
    "get_labels",
    "init",
    "instrument",
    "observe",
    "remove_label",
    "session",
    "set_labels",
    "uninstrument",
    "with_session",
]

observe = make_observe(runtime)
"""Wraps a function so each call is a span: ``@observe`` or ``@observe(name=..., kind="tool")``."""

C = TypeVar("C")


def instrument(client: C) -> C:
    """Instruments one client instance (openai, anthropic or google-genai; sync or async) and returns it.

    A client this SDK does not know is returned unchanged, with a warning.
    """
    from .instrument.auto import instrument_client

    try:
        known = instrument_client(manual_patches, runtime, client)
    except Exception as err:  # noqa: BLE001 - never fail the app
        warn_once(f"instrument(): could not instrument {type(client).__name__}: {err}")
        return client
    if not known:
        warn_once(f"instrument(): {type(client).__name__} is not a client this SDK instruments (supported: openai, anthropic, google-genai)")
    return client


def uninstrument() -> None:
    """Restores every method this SDK patched, on instances and installed packages alike."""
    manual_patches.restore()
    uninstrument_modules()


