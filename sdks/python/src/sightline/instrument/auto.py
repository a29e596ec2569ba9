"""Patching the provider packages the app has installed, and one client at a time."""

from __future__ import annotations

import importlib.util
from typing import Any, Callable, List, Tuple

from ..safe import report_once
from .patches import Patches
from .runtime import InstrumentRuntime


def _openai(patches: Patches, rt: InstrumentRuntime) -> int:
    from .openai import patch_openai_module

    return patch_openai_module(patches, rt)


def _anthropic(patches: Patches, rt: InstrumentRuntime) -> int:
    from .anthropic import patch_anthropic_module

    return patch_anthropic_module(patches, rt)


def _gemini(patches: Patches, rt: InstrumentRuntime) -> int:
    from .gemini import patch_gemini_module

    return patch_gemini_module(patches, rt)


MODULES: Tuple[Tuple[str, str, Callable[[Patches, InstrumentRuntime], int]], ...] = (
    ("openai", "openai", _openai),
    ("anthropic", "anthropic", _anthropic),
    ("google-genai", "google.genai", _gemini),
)
"""The provider packages patched on `init()`: their name, their module, how."""


def auto_instrument(patches: Patches, rt: InstrumentRuntime) -> List[str]:
    """Patches every installed provider package; the names of those patched. Never raises."""
    done: List[str] = []
    for name, module, patch in MODULES:
        try:
            if importlib.util.find_spec(module.split(".")[0]) is None or importlib.util.find_spec(module) is None:
                continue
        except (ImportError, ValueError):
            continue
        try:
            if patch(patches, rt) > 0:
                done.append(name)
        except Exception as err:  # noqa: BLE001 - a package we cannot patch is left alone
            report_once(f"sightline: patching {name}", err)
    return done


def instrument_client(patches: Patches, rt: InstrumentRuntime, client: Any) -> bool:
    """Patches one client instance (openai, anthropic or google-genai, sync or async); False for any other object."""
    kind = type(client).__module__.split(".")[0]
    if kind == "openai" and hasattr(client, "chat"):
        from .openai import patch_openai_client

        patch_openai_client(patches, rt, client)
        return True
    if kind == "anthropic" and hasattr(client, "messages"):
        from .anthropic import patch_anthropic_client

        patch_anthropic_client(patches, rt, client)
        return True
    if kind == "google" and hasattr(client, "models"):
        from .gemini import patch_gemini_client

        patch_gemini_client(patches, rt, client)
        return True
    return False
