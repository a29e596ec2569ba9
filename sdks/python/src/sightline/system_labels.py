"""The labels Sightline sets itself (keys starting with ``sightline_``)."""

from __future__ import annotations

import platform
import socket

from ._version import SDK_VERSION
from .labels import Labels


def system_labels() -> Labels:
    return {
        "sightline_sdk_version": SDK_VERSION,
        "sightline_runtime": f"python {platform.python_version()}",
        "sightline_hostname": socket.gethostname()[:256],
        "sightline_os": f"{platform.system().lower()} {platform.release()}"[:256],
    }
