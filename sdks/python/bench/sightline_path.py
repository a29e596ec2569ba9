"""Makes ``import sightline`` work from a checkout: the package in ``sdks/python/src`` when it is not installed."""

from __future__ import annotations

import importlib.util
import os
import sys

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))


def ensure_sightline_importable() -> None:
    if importlib.util.find_spec("sightline") is None and SRC not in sys.path:
        sys.path.insert(0, SRC)
