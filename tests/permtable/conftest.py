"""Fixtures for the permtable tests; the helpers live in pt_helpers.py."""

from __future__ import annotations

import pytest

from permtable.tables import TableSet


@pytest.fixture
def tables() -> TableSet:
    """The bundled tables, as a run without --table uses them."""
    return TableSet()
