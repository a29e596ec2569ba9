"""Where an export document goes, and writing and reading it.

The file is laid out as the TypeScript SDK writes it — one session, span or trace per line — and
each line is the text JavaScript's ``JSON.stringify`` gives for the same data, so files from
either SDK look alike and can be read line by line however large.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import uuid
from typing import BinaryIO, Optional, Sequence, cast

from .document import ExportDocument

CHUNK = 1 << 20
"""Bytes buffered before each write to the file."""

_UNSAFE_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9._-]")
_MAX_NAME = 200


def output_path(target: Optional[str], doc: ExportDocument, cwd: str) -> str:
    """Where `doc` goes: `target` (a file, or a directory when it ends in ``/`` or ``\\`` or
    exists as one), else `cwd`; a directory gets :func:`default_name`.

    >>> output_path("runs/", doc, "/app")  # doctest: +SKIP
    '/app/runs/conv-42.json'
    """
    if target and not target.endswith(("/", "\\")) and not os.path.isdir(os.path.join(cwd, target)):
        return os.path.abspath(os.path.join(cwd, target))
    return os.path.abspath(os.path.join(cwd, target or ".", default_name(doc)))


def default_name(doc: ExportDocument) -> str:
    """``<session-id>.json`` when the document holds one session (characters unsafe in a file
    name replaced by ``_``, cut at 200), ``sightline-<exported_at>.json`` otherwise."""
    sessions = doc["sessions"]
    if len(sessions) == 1:
        return f"{_safe_name(sessions[0]['id'])[:_MAX_NAME]}.json"
    return f"sightline-{re.sub(r'[:.]', '-', doc['exported_at'])}.json"


def _safe_name(session_id: str) -> str:
    # JavaScript replaces each UTF-16 unit: a character outside the BMP becomes two underscores.
    return _UNSAFE_NAME_CHARACTER.sub(lambda m: "__" if ord(m.group()) > 0xFFFF else "_", session_id)


def write_document(path: str, doc: ExportDocument) -> None:
    """Writes `doc` to `path` whole or not at all (a temporary file in the same directory,
    renamed into place), creating directories as needed. Written line by line, so a large
    capture never has to fit in one string."""
    directory = os.path.dirname(path)
    os.makedirs(directory or ".", exist_ok=True)
    temporary = os.path.join(
        directory, f".{os.getpid()}-{int(time.time() * 1000)}-{uuid.uuid4().hex[:8]}.sightline.tmp"
    )
    try:
        with open(temporary, "xb", buffering=CHUNK) as out:
            _write_lines(out, doc)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise


def _write_lines(out: BinaryIO, doc: ExportDocument) -> None:
    def put(text: str) -> None:
        # A lone surrogate cannot be UTF-8; it only occurs inside a JSON string, where
        # "\udXXX" is the escape JSON.stringify writes for it.
        out.write(text.encode("utf-8", "backslashreplace"))

    def put_list(key: str, items: Sequence[object], last: bool = False) -> None:
        put(f"  {json_text(key)}: [")
        for i, item in enumerate(items):
            put(f"{',' if i else ''}\n    {json_text(item)}")
        put(("\n  " if items else "") + "]" + ("" if last else ",") + "\n")

    put("{\n")
    for key, value in doc.items():
        if key not in ("sessions", "spans", "traces"):
            put(f"  {json_text(key)}: {json_text(value)},\n")
    put_list("sessions", doc["sessions"])
    put_list("spans", doc["spans"])
    put_list("traces", doc["traces"], last=True)
    put("}\n")


def json_text(value: object) -> str:
    """`value` as ``JSON.stringify`` writes it: no spaces, characters as they are, numbers as
    JavaScript prints them (``2`` not ``2.0``, ``0.00001`` not ``1e-05``), NaN and infinities
    as ``null``, integer-like keys first (JavaScript's own property order)."""
    text = json.dumps(_as_javascript(value), ensure_ascii=False, separators=(",", ":"))
    if _ESCAPED_NUMBER_MARK in text:
        text = _MARKED_NUMBER.sub(lambda m: m.group(1), text)
    return text


# json.dumps writes floats its own way; the few that JavaScript writes differently are passed
# through as strings behind a mark made at random for this process (so no data carries it),
# then unquoted.
_NUMBER_MARK = f"\x00{uuid.uuid4().hex}:"
_ESCAPED_NUMBER_MARK = json.dumps(_NUMBER_MARK)[1:-1]
_MARKED_NUMBER = re.compile('"' + re.escape(_ESCAPED_NUMBER_MARK) + '([-.0-9e]+)"')


def _as_javascript(value: object) -> object:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e21:
            return int(value)  # JavaScript prints these in full digits, without ".0"
        text = repr(value)
        return _NUMBER_MARK + _javascript_small_number(text) if "e-" in text else value
    if isinstance(value, dict):
        entries = {str(k): v for k, v in value.items()}
        keys = list(entries)
        if any(_is_array_index(k) for k in keys):
            indexes = sorted((k for k in keys if _is_array_index(k)), key=int)
            keys = indexes + [k for k in keys if not _is_array_index(k)]
        return {k: _as_javascript(entries[k]) for k in keys}
    if isinstance(value, (list, tuple)):
        return [_as_javascript(v) for v in value]
    return value


def _javascript_small_number(python_text: str) -> str:
    """A float Python writes with a negative exponent (``1.5e-05``) as JavaScript writes it:
    in plain digits down to 1e-6 (``0.000015``), else with a bare exponent (``1.5e-7``)."""
    mantissa, exponent_text = python_text.split("e")
    exponent = int(exponent_text)
    if exponent < -6:
        return f"{mantissa}e{exponent}"
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "")
    return f"{sign}0.{'0' * (-exponent - 1)}{digits}"


def _is_array_index(key: str) -> bool:
    """A key JavaScript orders before all others: a canonical integer from 0 to 2**32 - 2."""
    return (
        key.isascii()
        and key.isdigit()
        and (key == "0" or not key.startswith("0"))
        and int(key) < 2**32 - 1
    )


def read_document(path: str) -> Optional[ExportDocument]:
    """A document written here before, to add to; None when it is gone or no longer one."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, parse_constant=_reject_constant)
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(doc, dict) and doc.get("format") == "sightline-export" and isinstance(doc.get("spans"), list):
        return cast(ExportDocument, doc)
    return None


def _reject_constant(name: str) -> object:
    """NaN and Infinity are not JSON; JavaScript would not read such a file either."""
    raise ValueError(f"{name} is not JSON")
