"""Python files, read with ``ast`` (never imported or run).

Three kinds of call sites:

- SDK client methods: ``x.pay_orders(...)`` (also ``_async``, ``_invoker``), whatever the client
  is called, when the file imports ``huaweicloudsdkbss`` or ``huaweicloudsdkbssintl`` in any form.
  The import is the evidence that ``pay_orders`` is the SDK's and not a namesake.
- SDK request classes: ``PayOrdersRequest(...)``, through ``from ... import ... as`` aliases,
  star imports and module aliases (``bss.PayOrdersRequest()``).
- Strings holding a BSS path: literals, f-strings, ``+`` concatenations, ``%`` and
  ``.format`` templates and ``urljoin``, with names bound once to such strings followed within
  the file. The HTTP method comes from the call the string is handed to: ``requests.get``,
  ``session.post``, ``httpx.AsyncClient().delete``, ``method="POST"``, ``request("POST", url)``,
  ``responses.add(responses.POST, url)``; or from the text (``"POST /v2/..."``). A path no call
  or text gives a method to is reported with none: guessing would put a wrong API in the report.

Docstrings are prose and are skipped.

Why one module of this size: it is one ``ast`` visitor with the string flattening it needs;
its parts share the visitor's scopes and import aliases.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from permtable.apis import METHODS
from permtable.scan.paths import HOLE, find_paths

SDK_PACKAGES = ("huaweicloudsdkbss", "huaweicloudsdkbssintl")
OPERATION_SUFFIXES = ("_async_invoker", "_async", "_invoker")
VERBS = {verb.lower(): verb for verb in METHODS}
MAX_DEPTH = 12  # names resolved through names through names...
# Keyword arguments (and route-table keys) that carry the URL of a request.
URL_KEYWORDS = frozenset({"url", "uri", "path", "endpoint", "resource_path", "href"})


@dataclass(frozen=True, slots=True)
class PythonFinding:
    method: str | None
    path: str
    operation: str | None
    line: int
    column: int  # 1-based, in characters
    kind: str


@dataclass
class _Scope:
    parent: _Scope | None
    bindings: dict[str, ast.expr | None] = field(default_factory=dict)  # None: bound more than once

    def bind(self, name: str, value: ast.expr | None) -> None:
        self.bindings[name] = None if name in self.bindings else value

    def lookup(self, name: str) -> ast.expr | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return None


@dataclass
class _Imports:
    sdk: bool = False
    star: bool = False
    names: dict[str, str] = field(default_factory=dict)  # local name -> name in the SDK


def _is_sdk(module: str | None) -> bool:
    return bool(module) and str(module).split(".")[0] in SDK_PACKAGES


def _imports(tree: ast.AST) -> _Imports:
    found = _Imports()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(_is_sdk(alias.name) for alias in node.names):
                found.sdk = True
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_sdk(node.module):
            found.sdk = True
            for alias in node.names:
                if alias.name == "*":
                    found.star = True
                else:
                    found.names[alias.asname or alias.name] = alias.name
    return found


def operation_for_method(name: str) -> str | None:
    """``pay_orders``, ``pay_orders_async``, ``pay_orders_invoker`` -> ``pay_orders``."""
    from permtable.operations import operation_map  # noqa: PLC0415

    operations = operation_map().operations
    if name in operations:
        return name
    for suffix in OPERATION_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in operations:
            return name[: -len(suffix)]
    return None


def _request_operation(name: str) -> str | None:
    from permtable.operations import operation_map, snake_name  # noqa: PLC0415

    if not name.endswith("Request") or name == "Request":
        return None
    snake = snake_name(name)
    return snake if snake in operation_map().operations else None


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of string statements: docstrings and bare strings used as comments."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr):
            found.add(id(node.value))
    return found


@dataclass(frozen=True, slots=True)
class _StringValue:
    """A string expression flattened: text with ``HOLE`` for what cannot be known, and the ids
    of the literal nodes it was built from (a literal an HTTP call used is not reported again
    as a loose string)."""

    text: str
    nodes: frozenset[int]


class Scanner(ast.NodeVisitor):
    def __init__(self, source: str, tree: ast.Module, imported: dict[str, str] | None = None):
        self.lines = source.splitlines()
        self.imports = _imports(tree)
        self.skip = _docstrings(tree)
        self.findings: list[PythonFinding] = []
        self.loose: list[tuple[ast.expr, _StringValue]] = []  # strings outside HTTP calls
        self.consumed: set[int] = set()
        self.scope = _Scope(None)
        self.scopes: dict[int, _Scope] = {}
        # Enclosing places that give strings a method: (the site to report, method, kind).
        self.contexts: list[tuple[ast.expr, str, str]] = []
        # Strings imported from other modules of the tree (``from .paths import BALANCES``),
        # bound before the module's own names: a name it assigns as well becomes unknown.
        for name, value in (imported or {}).items():
            self.scope.bind(name, ast.Constant(value, lineno=1, col_offset=0))
        _Binder(self).bind_module(tree)

    # ------------------------------------------------------------------ positions

    def _column(self, node: ast.expr) -> int:
        """ast columns count UTF-8 bytes; reports count characters."""
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        return len(line.encode("utf-8")[: node.col_offset].decode("utf-8", errors="replace")) + 1

    def _add(self, method: str | None, path: str, operation: str | None, node: ast.expr, kind: str) -> None:
        self.findings.append(PythonFinding(method, path, operation, node.lineno, self._column(node), kind))

    # ------------------------------------------------------------------ scopes

    def _visit_scoped(self, node: ast.AST) -> None:
        outer = self.scope
        self.scope = self.scopes.get(id(node), _Scope(outer))
        contexts, self.contexts = self.contexts, []
        self.generic_visit(node)
        self.scope = outer
        self.contexts = contexts

    visit_FunctionDef = _visit_scoped
    visit_AsyncFunctionDef = _visit_scoped
    visit_Lambda = _visit_scoped

    # ------------------------------------------------------------------ calls

    def visit_Call(self, node: ast.Call) -> None:
        self._sdk(node)
        if self._string_call(node):
            self._string(node)
            return
        method, urls = self._http_call(node)
        self.visit(node.func)
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if method is not None and id(argument) in urls:
                if isinstance(argument, ast.Name):
                    self._through_name(argument, node, method)
                self._within(node, method, "http-call", argument)
            else:
                self.visit(argument)

    def _within(self, site: ast.expr, method: str, kind: str, node: ast.AST) -> None:
        """Visit ``node`` knowing the strings in it are the URL of a call with ``method``."""
        self.contexts.append((site, method, kind))
        try:
            self.visit(node)
        finally:
            self.contexts.pop()

    def visit_Tuple(self, node: ast.Tuple | ast.List) -> None:
        """``("POST", "/v2/...")``: a route table's row names its method next to its path."""
        method = None
        for position, element in enumerate(node.elts):
            value = self._method_value(element) if isinstance(element, ast.Constant) else None
            if value is not None:
                method = value
                for rest in node.elts[position + 1 :]:
                    self._within(rest, method, "string", rest)
                for before in node.elts[: position + 1]:
                    self.visit(before)
                return
        self.generic_visit(node)

    visit_List = visit_Tuple

    def visit_Dict(self, node: ast.Dict) -> None:
        """``{"method": "POST", "url": "/v2/..."}``."""
        method = None
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "method":
                method = self._method_value(value)
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                self.visit(key)
            if method is not None and isinstance(key, ast.Constant) and key.value in URL_KEYWORDS:
                self._within(value, method, "string", value)
            else:
                self.visit(value)

    def _sdk(self, node: ast.Call) -> None:
        if not self.imports.sdk:
            return
        from permtable.operations import operation_map  # noqa: PLC0415

        operations = operation_map().operations
        function = node.func
        if isinstance(function, ast.Attribute):
            operation = operation_for_method(function.attr)
            if operation is not None:
                found = operations[operation]
                self._add(found.method, found.path, operation, node, "sdk-call")
                return
            name = function.attr
        elif isinstance(function, ast.Name):
            # An alias names its SDK class; a bare name counts too, since only files that import
            # an SDK get here (star imports, or the class imported under its own name).
            name = self.imports.names.get(function.id, function.id)
        else:
            return
        operation = _request_operation(name)
        if operation is not None:
            found = operations[operation]
            self._add(found.method, found.path, operation, node, "sdk-request")

    def _http_call(self, node: ast.Call) -> tuple[str | None, set[int]]:
        """The HTTP method a call sends, and which of its arguments is the URL."""
        method = None
        method_argument = None
        for keyword in node.keywords:
            if keyword.arg == "method":
                method = self._method_value(keyword.value)
                method_argument = keyword.value
        if method is None:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if isinstance(name, str) and name in VERBS:
                method = VERBS[name]
            elif node.args:
                method = self._method_value(node.args[0])
                method_argument = node.args[0] if method else None
        if method is None:
            return None, set()
        positional = [argument for argument in node.args if argument is not method_argument]
        urls = {id(positional[0])} if positional else set()
        urls.update(id(keyword.value) for keyword in node.keywords if keyword.arg in URL_KEYWORDS)
        return method, urls

    def _method_value(self, value: ast.expr, depth: int = 0) -> str | None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            text = value.value.strip()
            return text.upper() if text.upper() in METHODS and text in (text.upper(), text.lower()) else None
        if isinstance(value, ast.Attribute) and value.attr in METHODS:
            return value.attr  # responses.POST, HTTPMethod.POST
        if isinstance(value, ast.Name) and depth < MAX_DEPTH:
            bound = self.scope.lookup(value.id)
            if bound is not None:
                return self._method_value(bound, depth + 1)
        return None

    def _through_name(self, name: ast.Name, call: ast.Call, method: str) -> None:
        """``requests.get(url)`` where ``url`` was bound to a string with a path."""
        bound = self.scope.lookup(name.id)
        value = self._flatten(bound, 0) if bound is not None else None
        if value is None:
            return
        found = False
        for path in find_paths(value.text):
            self._add(method, path.path, None, call, "http-call")
            found = True
        if found:
            self.consumed.update(value.nodes)

    # ------------------------------------------------------------------ strings

    def _string_call(self, node: ast.Call) -> bool:
        function = node.func
        return (
            isinstance(function, ast.Attribute)
            and function.attr == "format"
            and isinstance(function.value, ast.Constant | ast.JoinedStr)
        ) or self._call_name(node) == "urljoin"

    @staticmethod
    def _call_name(node: ast.Call) -> str | None:
        function = node.func
        if isinstance(function, ast.Attribute):
            return function.attr
        return function.id if isinstance(function, ast.Name) else None

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._string(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._string(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Add | ast.Mod) and self._flatten(node, 0) is not None:
            self._string(node)
        else:
            self.generic_visit(node)

    def _string(self, node: ast.expr) -> None:
        if id(node) in self.skip:
            return
        value = self._flatten(node, 0)
        if value is None or "/" not in value.text:
            return
        if self.contexts:
            site, method, kind = self.contexts[-1]
            found = False
            for path in find_paths(value.text):
                self._add(method, path.path, None, site if kind == "http-call" else node, kind)
                found = True
            if found:
                self.consumed.update(value.nodes)
            return
        self.loose.append((node, value))

    def _flatten(self, node: ast.expr, depth: int) -> _StringValue | None:
        """The string an expression builds, holes for the unknown parts; None if not a string.

        ``depth`` counts names followed through their bindings (a cycle ends there); the
        structure itself (long ``+`` chains) is limited only by the interpreter's recursion
        limit, which the caller turns into "read as plain text"."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return _StringValue(node.value, frozenset({id(node)})) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                elif isinstance(value, ast.FormattedValue):
                    inner = (
                        self._flatten(value.value, depth + 1) if isinstance(value.value, ast.Name) else None
                    )
                    parts.append(inner.text if inner else HOLE)
            return _StringValue("".join(parts), frozenset({id(node)}))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self._flatten(node.left, depth)
            right = self._flatten(node.right, depth)
            if left is None and right is None:
                return None
            return _StringValue(
                (left.text if left else HOLE) + (right.text if right else HOLE),
                (left.nodes if left else frozenset()) | (right.nodes if right else frozenset()),
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._flatten(node.left, depth)  # "%s" holes are read as holes
        if isinstance(node, ast.Name):
            bound = self.scope.lookup(node.id)
            return self._flatten(bound, depth + 1) if bound is not None else None
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute) and function.attr == "format":
                return self._flatten(function.value, depth)  # "{}" holes are read as holes
            if self._call_name(node) == "urljoin" and len(node.args) == 2:
                base = self._flatten(node.args[0], depth)
                tail = self._flatten(node.args[1], depth)
                if tail is None:
                    return None
                text = (
                    HOLE + tail.text if tail.text.startswith("/") or base is None else base.text + tail.text
                )
                return _StringValue(text, tail.nodes | (base.nodes if base else frozenset()))
        return None

    def loose_findings(self) -> Iterator[PythonFinding]:
        """Strings with a path that no HTTP call took: a method only when the text names one."""
        for node, value in self.loose:
            if value.nodes & self.consumed:
                continue
            for path in find_paths(value.text):
                yield PythonFinding(path.method, path.path, None, node.lineno, self._column(node), "string")


class _Binder(ast.NodeVisitor):
    """First pass: which names are bound to which expressions, per function scope."""

    def __init__(self, scanner: Scanner):
        self.scanner = scanner
        self.scope = scanner.scope

    def bind_module(self, tree: ast.Module) -> None:
        self.generic_visit(tree)

    def _scoped(self, node: ast.AST) -> None:
        outer = self.scope
        self.scope = _Scope(outer)
        self.scanner.scopes[id(node)] = self.scope
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                self.scope.bindings[argument.arg] = None  # a parameter's value is never known
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = _scoped
    visit_AsyncFunctionDef = _scoped
    visit_Lambda = _scoped

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.value if len(node.targets) == 1 else None)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, None)
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._target(node.target, None)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def _target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.scope.bind(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._target(element, None)


def scan_python(
    source: str, tree: ast.Module | None = None, imported: dict[str, str] | None = None
) -> list[PythonFinding]:
    """Every call site in a Python source; raises SyntaxError (and RecursionError) as ast does.

    ``tree`` is the source's syntax tree when the caller has parsed it already; ``imported``
    the string constants its imports bring in from other scanned modules."""
    tree = tree if tree is not None else ast.parse(source)
    scanner = Scanner(source, tree, imported)
    scanner.visit(tree)
    return [*scanner.findings, *scanner.loose_findings()]
