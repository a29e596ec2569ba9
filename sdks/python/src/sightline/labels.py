"""Labels: small string key/values carried on every span, for filtering and grouping.

The same rules, variables and precedence as the TypeScript SDK: keys match
``^[a-z][a-z0-9_]{0,62}$``, values are strings of at most 256 characters, at most 64 labels,
keys starting with ``sightline_`` are the SDK's own. Precedence: system < environment < explicit.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, Mapping, Optional

Labels = Dict[str, str]

LABEL_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
MAX_LABEL_VALUE = 256
MAX_LABELS = 64
SYSTEM_PREFIX = "sightline_"
"""Keys with this prefix are the SDK's own (SDK version, runtime, host, OS)."""
LABEL_ATTRIBUTE_PREFIX = "sightline.label."
"""Labels go on spans as attributes under this prefix."""
ENV_PREFIX = "SIGHTLINE_LABEL_"


class LabelError(ValueError):
    """A label that breaks the rules; the message names the label and the rule."""


def check_label(key: object, value: object) -> None:
    """Checks one user label; raises :class:`LabelError`."""
    if not isinstance(key, str) or not LABEL_KEY.fullmatch(key):
        raise LabelError(
            f"label key {_quote(key)} is invalid: keys match ^[a-z][a-z0-9_]{{0,62}}$ (lowercase letters, digits, _)"
        )
    if key.startswith(SYSTEM_PREFIX):
        raise LabelError(f'label key "{key}" is reserved: keys starting with "{SYSTEM_PREFIX}" are set by Sightline')
    if not isinstance(value, str):
        raise LabelError(f'label "{key}" must have a string value, got {_type_name(value)}')
    if len(value) > MAX_LABEL_VALUE:
        raise LabelError(f'label "{key}" is {len(value)} characters long; values are at most {MAX_LABEL_VALUE}')


def check_labels(labels: object, already_there: Optional[Mapping[str, str]] = None) -> Labels:
    """Checks a set of user labels, and their count counting what they are merged into."""
    if not isinstance(labels, Mapping):
        raise LabelError("labels must be a mapping of string values")
    for k, v in labels.items():
        check_label(k, v)
    keys = {k for k in (already_there or {}) if not k.startswith(SYSTEM_PREFIX)} | set(labels)
    if len(keys) > MAX_LABELS:
        raise LabelError(f"too many labels: {len(keys)}; at most {MAX_LABELS}")
    return dict(labels)


def labels_from_env(env: Mapping[str, str], on_invalid: Callable[[str], None] = lambda _m: None) -> Labels:
    """``SIGHTLINE_LABEL_<KEY>=value`` variables as labels (the key lowercased).

    A variable that breaks the rules (or comes after the first 64) is passed to `on_invalid` with
    the reason and skipped: a stray variable in the deployment must not stop the app starting.
    """
    out: Labels = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        try:
            check_label(key, value)
            if len(out) >= MAX_LABELS:
                raise LabelError(f"too many labels; at most {MAX_LABELS}")
        except LabelError as err:
            on_invalid(f"{name}: {err}; the variable is ignored")
            continue
        out[key] = value
    return out


def merge_labels(system: Mapping[str, str], env: Mapping[str, str], explicit: Mapping[str, str]) -> Labels:
    """Precedence: system < environment < explicit."""
    return {**system, **env, **check_labels(explicit, env)}


def label_attributes(labels: Mapping[str, str]) -> Dict[str, str]:
    """Labels as span attributes (``sightline.label.<key>``)."""
    return {LABEL_ATTRIBUTE_PREFIX + k: v for k, v in labels.items()}


def _quote(key: object) -> str:
    import json

    try:
        return json.dumps(key)
    except (TypeError, ValueError):
        return repr(key)


def _type_name(value: object) -> str:
    if value is None:
        return "None"
    return type(value).__name__
