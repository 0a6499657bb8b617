"""Finding the BSS APIs a code base calls, without running it.

``scan_paths`` walks files (``walker``), reads Python with ``ast`` (``python_source``) and other
languages with patterns (``text_source``), and returns a ``ScanReport``: every API found, each
with all the places that call it. Paths are normalised here; deciding which table row an API
is stays with the router, as for every other way of naming an API.

Nothing here is imported unless a scan is asked for (``bsscheck scan``, ``--from-source``).
"""

from __future__ import annotations

from permtable.scan.model import CallSite, ScannedApi, ScanReport, SkippedFile
from permtable.scan.scanner import refs_from_scan, scan_paths

__all__ = ["CallSite", "ScanReport", "ScannedApi", "SkippedFile", "refs_from_scan", "scan_paths"]
