"""Coverage-guided fuzzing of every loader a user's bytes reach, with atheris (libFuzzer).

Every input goes through all of them, so a seed of any kind (grants, policy, table, API list)
reaches every parser:

- ``files.decode`` then ``parse_document`` in YAML and in JSON mode, then
  ``table_from_node`` on the tree (and, for a table that loads, its router);
- the grants loader, through a file: ``load_grants_file`` takes a path, and a policy's
  ``file:`` resolves next to it, so the bytes are written once as ``grants.yaml`` and once as
  ``grants.json`` in a scratch directory; grants that load are reviewed and evaluated against
  every row of their bundled table (``queries.can_call``);
- ``iter_api_lines`` and ``parse_api`` on the text, each API resolved and near-missed on both
  bundled routers.

The contract is the library's: a value or an ``InputError``. Any other exception propagates, and
atheris reports it as a crash with the input saved (``-artifact_prefix``). The crashes found so
far are fixed; their inputs are kept in fuzz/crashes/ as regression seeds.

Not a test module (pytest collects ``test_*.py`` under ``tests/`` only); it needs atheris,
an optional dependency. How to install and run it: fuzz/README.md.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

try:
    import atheris
except ImportError:  # pragma: no cover - the harness is useless without it
    sys.exit("fuzz_loaders.py needs atheris (an optional dependency): pip install atheris")

with atheris.instrument_imports(include=["permtable"]):
    from permtable import apis, documents, files, grants, queries, tables
    from permtable.errors import InputError
    from permtable.evaluate import EvaluationPolicy
    from permtable.model import AccountType
    from permtable.router import Router


T = TypeVar("T")
NAME = "fuzz-input"


class _Stop(Exception):
    """An InputError ended this path of the input."""


def _run(action: Callable[[], T], text: str) -> T:
    try:
        return action()
    except InputError as error:
        if "\n" in str(error):
            raise AssertionError(f"an InputError spans lines: {str(error)!r}") from error
        raise _Stop from None


# --------------------------------------------------------------------------- targets

_SCRATCH = Path(tempfile.mkdtemp(prefix="bsscheck-fuzz-"))
_SAMPLE_POLICY = '{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:view"]}]}'
for _name in ("policy.json", "customer-policy.json"):
    (_SCRATCH / _name).write_text(_SAMPLE_POLICY, encoding="utf-8")
_TABLES = tables.TableSet()
_ROUTERS = [_TABLES.get(kind).router for kind in AccountType]
_OPTIONS = [EvaluationPolicy(), EvaluationPolicy(strict=True, assume_conditions=True)]


def _documents(text: str) -> None:
    for json_syntax in (False, True):
        try:
            root = _run(lambda js=json_syntax: documents.parse_document(text, NAME, json_syntax=js), text)
            table = _run(lambda r=root: tables.table_from_node(r, NAME), text)
        except _Stop:
            continue
        router = Router(table)
        for ref in queries.entry_refs(table):
            assert router.resolve(ref) is not None, ref.api


def _grants(data: bytes, text: str) -> None:
    for suffix in (".yaml", ".json"):
        path = _SCRATCH / f"grants{suffix}"
        path.write_bytes(data)
        try:
            loaded = _run(lambda p=path: grants.load_grants_file(str(p)), text)
        except _Stop:
            continue
        own = _TABLES.get(loaded.account_type).table
        refs = queries.entry_refs(own)
        for options in _OPTIONS:
            report = queries.can_call(refs, loaded, _TABLES, options)
            assert len(report.results) == len(refs)


def _api_lines(text: str) -> None:
    try:
        refs = _run(lambda: list(apis.iter_api_lines(text, NAME)), text)
    except _Stop:
        refs = []
    try:
        refs.append(_run(lambda: apis.parse_api(text), text))
    except _Stop:
        pass
    for ref in refs:
        for router in _ROUTERS:
            entry = router.resolve(ref)
            assert router.resolve(ref) is entry
            router.suggestions(ref)


def TestOneInput(data: bytes) -> None:  # the name atheris documents
    try:
        text = _run(lambda: files.decode(data, NAME), "")
    except _Stop:
        return
    _documents(text)
    _grants(data, text)
    _api_lines(text)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
