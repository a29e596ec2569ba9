"""Where an instrumented child's time goes: cProfile files summed, the instrumentation's own functions first.

Only functions of Sightline and of the OpenTelemetry SDK and API are listed (the client's own
work is the same with or without instrumentation), each as file:line with its own time
(``tottime``) and its time including callees (``cumtime``).
"""

from __future__ import annotations

import os
import pstats
from typing import List, Tuple

OWN_FILES = (os.sep + "sightline" + os.sep, os.sep + "opentelemetry" + os.sep)


def _short(path: str) -> str:
    for marker in ("site-packages" + os.sep, os.sep + "src" + os.sep):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def summarize(files: List[str], top: int = 25) -> str:
    if not files:
        return "no profiles were written"
    stats = pstats.Stats(*files)
    rows: List[Tuple[float, float, int, str]] = []
    total = 0.0
    for (path, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += tottime
        if any(marker in path for marker in OWN_FILES):
            rows.append((tottime, cumtime, calls, f"{_short(path)}:{line} {name}"))
    own = sum(r[0] for r in rows)
    rows.sort(reverse=True)
    out = [
        f"\nprofile of {len(files)} Sightline child(ren): {total:.2f} s in all, {own:.2f} s ({own / total:.0%}) in sightline and "
        f"opentelemetry functions' own time; the {top} largest:",
        f"  {'tottime s':>9} {'cumtime s':>9} {'calls':>8}  where",
    ]
    out += [f"  {t:9.3f} {c:9.3f} {n:8d}  {where}" for t, c, n, where in rows[:top]]
    return "\n".join(out)
