"""String constants one Python module of the scanned tree imports from another.

Projects keep their API paths in a module of their own (``paths.py``: ``BALANCES =
"/v2/accounts/customer-accounts/balances"``) and call them elsewhere (``from .paths import
BALANCES``; ``session.get(BASE + BALANCES)``). The module-level string constants of every
scanned module are read once; ``from X import NAME`` in another module binds NAME to that
string, relative imports resolved from the importing file's folder, absolute ones by the path
the module name spells. A name assigned in the importing module as well is left unresolved.
A module imported whole (``from . import paths``, ``import costs.paths as paths``) lends its
constants as attributes: ``paths.BALANCES``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

MARKER = re.compile(r"/v[0-9]|[Bb][Ss][Ss]")


_VERSIONED_BYTES = re.compile(rb"/v[0-9]")


def may_call_bss(data: bytes) -> bool:
    """Whether a file's bytes name a versioned path, a BSS host or a BSS SDK, tested before any
    decoding (every marker is ASCII): a file that fails is never decoded nor parsed, which is
    most of a large tree. Plain substring tests, and a regex with the literal ``/v`` to skip
    ahead to: an alternation with character classes has none (13 MB: 0.17 s -> 0.02 s)."""
    return b"bss" in data or b"BSS" in data or b"Bss" in data or _VERSIONED_BYTES.search(data) is not None


def module_constants(tree: ast.Module) -> dict[str, tuple[str, int]]:
    """The module-level names bound once to a string literal, with the line of each."""
    found: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if target.id in seen:
            found.pop(target.id, None)  # bound twice: its value is not one string
            continue
        seen.add(target.id)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found[target.id] = (value.value, value.lineno)
    return found


@dataclass(frozen=True, slots=True)
class Imported:
    """What a module's imports bring in: constants by local name, and the constants of modules
    imported whole by the dotted name the code uses for them (``paths``, ``costs.paths``)."""

    names: dict[str, str] = field(default_factory=dict)
    modules: dict[str, dict[str, str]] = field(default_factory=dict)


class ProjectConstants:
    """The string constants of the scanned Python modules, by file."""

    def __init__(self) -> None:
        self._by_file: dict[PurePosixPath, dict[str, tuple[str, int]]] = {}
        self._paths: dict[PurePosixPath, str] = {}  # as the scan names the file
        # The constants another module imported: (file as the scan names it, line).
        self.used: set[tuple[str, int]] = set()

    def add(self, path: str, constants: dict[str, tuple[str, int]]) -> None:
        if constants:
            key = PurePosixPath(path.replace("\\", "/"))
            self._by_file[key] = constants
            self._paths[key] = path

    def bss_names(self) -> set[str]:
        """Names whose string holds a versioned path, a BSS host or a BSS SDK name: a module
        that imports one may call BSS although nothing in its own text says so."""
        return {
            name
            for constants in self._by_file.values()
            for name, (value, _) in constants.items()
            if MARKER.search(value)
        }

    def imported(self, path: str, tree: ast.Module) -> Imported:
        """The constants ``path``'s imports bring in."""
        caller = PurePosixPath(path.replace("\\", "/"))
        result = Imported()
        if not self._by_file:
            return result
        for statement in _imports(tree):
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    found = self._module(caller, alias.name, 0)
                    if found is not None:
                        # ``import a.b`` names it ``a.b``; ``import a.b as p`` names it ``p``.
                        result.modules[alias.asname or alias.name] = self._lend(*found)
                continue
            for alias in statement.names:
                # ``from . import paths``: a module; ``from .paths import X``: a constant.
                inner = f"{statement.module}.{alias.name}" if statement.module else alias.name
                module = self._module(caller, inner, statement.level)
                if module is not None:
                    result.modules[alias.asname or alias.name] = self._lend(*module)
                    continue
                found = self._module(caller, statement.module, statement.level) if statement.module else None
                if found is not None and alias.name in found[1]:
                    file, constants = found
                    value, line = constants[alias.name]
                    result.names[alias.asname or alias.name] = value
                    self.used.add((self._paths[file], line))
        return result

    def _lend(self, file: PurePosixPath, constants: dict[str, tuple[str, int]]) -> dict[str, str]:
        """A module's constants for use as attributes; each counts as used (its line is then
        reported where it is called, as for a named import)."""
        self.used.update((self._paths[file], line) for _, line in constants.values())
        return {name: value for name, (value, _) in constants.items()}

    def _module(
        self, caller: PurePosixPath, module: str, level: int
    ) -> tuple[PurePosixPath, dict[str, tuple[str, int]]] | None:
        parts = module.split(".")
        if level > 0:
            base = caller.parent
            for _ in range(level - 1):
                base = base.parent
            for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
                if candidate in self._by_file:
                    return candidate, self._by_file[candidate]
            return None
        endings = ("/".join(parts) + ".py", "/".join((*parts, "__init__.py")))
        for file, constants in self._by_file.items():
            text = file.as_posix()
            if any(text == ending or text.endswith("/" + ending) for ending in endings):
                return file, constants
        return None


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements, at any depth of statements: only statement lists are walked,
    never expressions, which a long module has far more of."""
    found: list[ast.Import | ast.ImportFrom] = []
    # Statements, and the except handlers and match cases whose bodies hold statements.
    stack: list[ast.AST] = list(tree.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, ast.Import | ast.ImportFrom):
            found.append(statement)
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                stack.extend(
                    item for item in block if isinstance(item, ast.stmt | ast.excepthandler | ast.match_case)
                )
    return found
