"""The JSON file export: one document per flush, with sessions, spans and trace trees, in the
same shape as the TypeScript SDK's (``sightline import`` reads either)."""

from __future__ import annotations

from .document import export_document
from .export import FileExport
from .output import output_path, read_document, write_document

__all__ = ["FileExport", "export_document", "output_path", "read_document", "write_document"]
