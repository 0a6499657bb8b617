"""Python files, read with ``ast`` (never imported or run).

Three kinds of call sites:

- SDK client methods: ``x.pay_orders(...)`` (also ``_async``, ``_invoker``), whatever the client
  is called, when the file imports ``huaweicloudsdkbss`` or ``huaweicloudsdkbssintl`` in any form.
  The import is the evidence that ``pay_orders`` is the SDK's and not a namesake.
- SDK request classes: ``PayOrdersRequest(...)``, through ``from ... import ... as`` aliases,
  star imports and module aliases (``bss.PayOrdersRequest()``).
- Strings holding a BSS path: literals, f-strings, ``+`` concatenations, ``%`` and
  ``.format`` templates and ``urljoin``, with names followed within the file, class constants
  through ``self``/``cls`` (and attributes a method assigns to ``self``), and constants of
  other scanned modules (``constants``). The HTTP method comes from the call the string is
  handed to: ``requests.get``, ``session.post``, ``httpx.AsyncClient().delete``,
  ``method="POST"``, ``request("POST", url)``, ``responses.add(responses.POST, url)``; a
  helper whose name fixes it (``self._post(path)``, ``do_get``; see ``wrappers``) or whose own
  body in this file sends one method (or defaults ``method="GET"``); or the text
  (``"POST /v2/..."``). A path no call or text gives a method to is reported with none:
  guessing would put a wrong API in the report.
- A hole with a finite set of values is each of them: ``op = "freeze" if f else "unfreeze"``,
  a name assigned several strings, ``for op in ("freeze", "unfreeze")``. Beyond
  ``MAX_ALTERNATIVES`` combinations the part is a hole again.
- In a file that names BSS, a whole string that is the tail of a documented path
  (``"accounts/customer-accounts/balances"``, which a wrapper completes) is that path.

Docstrings are prose and are skipped.

Why one module of this size: it is one ``ast`` visitor with the string flattening and the
request-helper reading it needs, which share the visitor's current scope; which names hold
what is read beforehand, in ``python_bindings``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import product

from permtable.apis import METHODS
from permtable.scan.constants import Imported
from permtable.scan.paths import HOLE, find_paths, names_bss, relative_paths
from permtable.scan.python_bindings import Scope, bind_module
from permtable.scan.wrappers import verb_in_name

SDK_PACKAGES = ("huaweicloudsdkbss", "huaweicloudsdkbssintl")
OPERATION_SUFFIXES = ("_async_invoker", "_async", "_invoker")
MAX_DEPTH = 40  # names resolved through names through names (or one name rebound)...
MAX_ALTERNATIVES = 16  # strings one expression may build before its varying parts are holes
# Parameters of a request helper that carry the method, and those that carry the URL.
METHOD_PARAMETERS = frozenset({"method", "http_method", "verb"})
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
    """A string expression flattened: the texts it may build (most often one), ``HOLE`` for what
    cannot be known, and the ids of the literal nodes it was built from (a literal an HTTP call
    used is not reported again as a loose string)."""

    texts: tuple[str, ...]
    nodes: frozenset[int]


def _joined(parts: list[_StringValue | None]) -> _StringValue:
    """The concatenation of parts (None: a hole), every combination of their alternatives; when
    they are too many, the parts that vary become holes."""
    options = [part.texts if part is not None else (HOLE,) for part in parts]
    count = 1
    for option in options:
        count *= len(option)
    if count > MAX_ALTERNATIVES:
        options = [option if len(option) == 1 else (HOLE,) for option in options]
    texts = tuple(dict.fromkeys("".join(combination) for combination in product(*options)))
    nodes = frozenset().union(*(part.nodes for part in parts if part is not None))
    return _StringValue(texts, nodes)


def _either(values: list[_StringValue]) -> _StringValue:
    """A value that is one of ``values`` (a conditional, a name assigned several times)."""
    texts = tuple(dict.fromkeys(text for value in values for text in value.texts))
    if len(texts) > MAX_ALTERNATIVES:
        texts = (HOLE,)
    return _StringValue(texts, frozenset().union(*(value.nodes for value in values)))


@dataclass(frozen=True, slots=True)
class _Wrapper:
    """A request helper defined in the scanned file: the method it sends (fixed by its body or a
    ``method`` default), where its method and URL parameters sit, and whether it is a method
    (its first parameter is ``self``/``cls``, not passed at a call through an attribute)."""

    method: str | None
    method_parameter: tuple[int, str] | None
    url_parameter: tuple[int, str] | None
    bound: bool


class Scanner(ast.NodeVisitor):
    def __init__(self, source: str, tree: ast.Module, imported: Imported | None = None):
        self.lines = source.splitlines()
        self.imports = _imports(tree)
        self.skip = _docstrings(tree)
        # Relative paths count only where the file names the service they go to.
        self.names_bss = names_bss(source)
        self.findings: list[PythonFinding] = []
        self.loose: list[tuple[ast.expr, _StringValue]] = []  # strings outside HTTP calls
        self.consumed: set[int] = set()
        self.scope = Scope(None)
        self.classes: list[Scope] = []  # the class bodies around the code being read
        self.wrappers: dict[str, _Wrapper | None] = {}
        self.resolving: set[tuple[int, ...]] = set()  # bindings being flattened (``url = url + x``)
        self.flattened: dict[tuple[int, ...], _StringValue | None] = {}
        # Enclosing places that give strings a method: (the site to report, method, kind).
        self.contexts: list[tuple[ast.expr, str, str]] = []
        # Strings imported from other modules of the tree (``from .paths import BALANCES``),
        # bound before the module's own names: a name it assigns as well may be either.
        imported = imported or Imported()
        self.modules = imported.modules
        for name, value in imported.names.items():
            self.scope.bind(name, ast.Constant(value, lineno=1, col_offset=0))
        bindings = bind_module(tree, self.scope)
        self.scopes = bindings.scopes
        self.functions = bindings.functions

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
        self.scope = self.scopes.get(id(node), Scope(outer))
        contexts, self.contexts = self.contexts, []
        if isinstance(node, ast.ClassDef):
            self.classes.append(self.scope)
        self.generic_visit(node)
        if isinstance(node, ast.ClassDef):
            self.classes.pop()
        self.scope = outer
        self.contexts = contexts

    visit_FunctionDef = _visit_scoped
    visit_AsyncFunctionDef = _visit_scoped
    visit_Lambda = _visit_scoped
    visit_ClassDef = _visit_scoped

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
                if isinstance(argument, ast.Name | ast.Attribute):
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
        name = self._call_name(node)
        if method is None and isinstance(name, str):
            method = verb_in_name(name)
        if method is None and node.args:
            method = self._method_value(node.args[0])
            method_argument = node.args[0] if method else None
        if method is None and isinstance(name, str):
            return self._wrapper_call(node, name)
        if method is None:
            return None, set()
        positional = [argument for argument in node.args if argument is not method_argument]
        urls = {id(positional[0])} if positional else set()
        urls.update(id(keyword.value) for keyword in node.keywords if keyword.arg in URL_KEYWORDS)
        return method, urls

    def _wrapper_call(self, node: ast.Call, name: str) -> tuple[str | None, set[int]]:
        """A call of a request helper this file defines (``self._get(path)``, ``request(s, url)``
        with ``method="GET"`` as its default): its method, and the argument its URL parameter
        receives."""
        wrapper = self._wrapper(name)
        if wrapper is None:
            return None, set()
        # Through an attribute (``self._get``), a method's ``self`` is not among the arguments.
        shift = 1 if wrapper.bound and isinstance(node.func, ast.Attribute) else 0

        def argument(parameter: tuple[int, str] | None) -> ast.expr | None:
            if parameter is None:
                return None
            position, keyword_name = parameter
            for keyword in node.keywords:
                if keyword.arg == keyword_name:
                    return keyword.value
            index = position - shift
            return node.args[index] if 0 <= index < len(node.args) else None

        method = wrapper.method
        given = argument(wrapper.method_parameter)
        if given is not None:
            method = self._method_value(given)
        url = argument(wrapper.url_parameter)
        if method is None or url is None:
            return None, set()
        return method, {id(url)}

    def _wrapper(self, name: str) -> _Wrapper | None:
        """What the one definition named ``name`` in this file sends; None when the file defines
        it not once or it sends no single known method."""
        if name in self.wrappers:
            return self.wrappers[name]
        self.wrappers[name] = None  # a helper calling itself reads as unknown
        definitions = self.functions.get(name, [])
        if len(definitions) != 1:
            return None
        definition = definitions[0]
        parameters = [*definition.args.posonlyargs, *definition.args.args]
        bound = bool(parameters) and parameters[0].arg in ("self", "cls")
        method_parameter = url_parameter = None
        default_method = None
        defaults = definition.args.defaults
        first_default = len(parameters) - len(defaults)
        for position, parameter in enumerate(parameters):
            if parameter.arg in METHOD_PARAMETERS and method_parameter is None:
                method_parameter = (position, parameter.arg)
                if position >= first_default:
                    default_method = self._method_value(defaults[position - first_default])
            elif url_parameter is None and _names_url(parameter.arg):
                url_parameter = (position, parameter.arg)
        if url_parameter is None:
            rest = [
                (position, parameter.arg)
                for position, parameter in enumerate(parameters)
                if position >= (1 if bound else 0) and parameter.arg not in METHOD_PARAMETERS
            ]
            url_parameter = rest[0] if rest else None
        method = default_method if method_parameter is not None else self._body_method(definition)
        self.wrappers[name] = _Wrapper(method, method_parameter, url_parameter, bound)
        return self.wrappers[name]

    def _body_method(self, definition: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The one method the HTTP calls in a helper's body send, read in the helper's scope."""
        outer = self.scope
        self.scope = self.scopes.get(id(definition), outer)
        try:
            sent = set()
            for statement in definition.body:
                for node in ast.walk(statement):
                    if isinstance(node, ast.Call):
                        method, urls = self._http_call(node)
                        if method is not None and urls:
                            sent.add(method)
            return sent.pop() if len(sent) == 1 else None
        finally:
            self.scope = outer

    def _method_value(self, value: ast.expr, depth: int = 0) -> str | None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            text = value.value.strip()
            return text.upper() if text.upper() in METHODS and text in (text.upper(), text.lower()) else None
        if isinstance(value, ast.Attribute) and value.attr in METHODS:
            return value.attr  # responses.POST, HTTPMethod.POST
        if isinstance(value, ast.Name) and depth < MAX_DEPTH:
            bound = self.scope.lookup(value.id, value.lineno)
            if bound:
                methods = {
                    self._method_value(item, depth + 1) if item is not None else None for item in bound
                }
                return methods.pop() if len(methods) == 1 else None
        return None

    def _through_name(self, name: ast.Name | ast.Attribute, call: ast.Call, method: str) -> None:
        """``requests.get(url)`` where ``url`` (or ``self.url``) was bound to a string with a path."""
        value = self._flatten(name, 0)
        if value is None:
            return
        found = False
        for _, path in self._paths(value):
            self._add(method, path, None, call, "http-call")
            found = True
        if found:
            self.consumed.update(value.nodes)

    def _paths(self, value: _StringValue, relative: bool = True) -> list[tuple[str | None, str]]:
        """The BSS paths a string value holds, each with the method its text states (``"POST
        /v2/..."``): absolute, else (in a file naming BSS, when ``relative``) relative ones."""
        found: list[tuple[str | None, str]] = []
        for text in value.texts:
            absolute = [(path.method, path.path) for path in find_paths(text)]
            if not absolute and relative and self.names_bss:
                absolute = [(None, path) for path in relative_paths(text)]
            found.extend(absolute)
        return found

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
        if value is None or not any("/" in text for text in value.texts):
            return
        if self.contexts:
            site, method, kind = self.contexts[-1]
            found = False
            for _, path in self._paths(value):
                self._add(method, path, None, site if kind == "http-call" else node, kind)
                found = True
            if found:
                self.consumed.update(value.nodes)
            return
        self.loose.append((node, value))

    def _flatten(self, node: ast.expr, depth: int) -> _StringValue | None:
        """The strings an expression may build, holes for the unknown parts; None if not a string.

        ``depth`` counts names followed through their bindings (a cycle ends there); the
        structure itself (long ``+`` chains) is limited only by the interpreter's recursion
        limit, which the caller turns into "read as plain text"."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return _StringValue((node.value,), frozenset({id(node)})) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts: list[_StringValue | None] = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(_StringValue((value.value,), frozenset()))
                elif isinstance(value, ast.FormattedValue):
                    inner = (
                        self._flatten(value.value, depth + 1)
                        if isinstance(value.value, ast.Name | ast.IfExp | ast.Attribute)
                        else None
                    )
                    parts.append(_StringValue(inner.texts, frozenset()) if inner else None)
            return replace(_joined(parts), nodes=frozenset({id(node)}))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self._flatten(node.left, depth)
            right = self._flatten(node.right, depth)
            if left is None and right is None:
                return None
            return _joined([left, right])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._flatten(node.left, depth)  # "%s" holes are read as holes
        if isinstance(node, ast.IfExp):
            body = self._flatten(node.body, depth)
            orelse = self._flatten(node.orelse, depth)
            if body is None and orelse is None:
                return None
            return _either([value or _StringValue((HOLE,), frozenset()) for value in (body, orelse)])
        if isinstance(node, ast.Name):
            return self._bound(self.scope.lookup(node.id, node.lineno), depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, depth)
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute) and function.attr == "format":
                return self._flatten(function.value, depth)  # "{}" holes are read as holes
            if self._call_name(node) == "urljoin" and len(node.args) == 2:
                base = self._flatten(node.args[0], depth)
                tail = self._flatten(node.args[1], depth)
                if tail is None:
                    return None
                if base is None or any(text.startswith("/") for text in tail.texts):
                    return _joined([None, tail])
                return _joined([base, tail])
        return None

    def _bound(self, values: list[ast.expr | None] | None, depth: int) -> _StringValue | None:
        """What a name (or attribute) bound to ``values`` holds: any of them. One that cannot be
        known makes the whole a hole; a name built from itself (``url = url + x``) too."""
        if not values:
            return None
        key = tuple(map(id, values))
        if key in self.flattened:
            return self.flattened[key]  # each binding is read once: names bound in branches
        if key in self.resolving:  # that refer to each other stay linear, not exponential
            return None
        self.resolving.add(key)
        try:
            found = [self._flatten(value, depth + 1) if value is not None else None for value in values]
        finally:
            self.resolving.discard(key)
        if any(value is None for value in found):
            result = None if len(found) == 1 else _StringValue((HOLE,), frozenset())
        else:
            result = _either([value for value in found if value is not None])
        self.flattened[key] = result
        return result

    def _attribute(self, node: ast.Attribute, depth: int) -> _StringValue | None:
        """``self.BASE``, ``cls.BASE``, ``Billing.BASE`` inside the class; ``paths.BALANCES``
        of a scanned module imported whole."""
        owner = _dotted(node.value)
        if owner is None:
            return None
        if self.classes and owner in ("self", "cls", self.classes[-1].name):
            return self._bound(self.classes[-1].attributes.get(node.attr), depth)
        module = self.modules.get(owner)
        if module is not None and node.attr in module:
            return _StringValue((module[node.attr],), frozenset())
        return None

    def loose_findings(self) -> Iterator[PythonFinding]:
        """Strings with a path that no HTTP call took: a method only when the text names one."""
        # A path is reported where a literal first builds it, not again at every name that
        # extends it (``url = url + "?page=2"``): (literal, path, method) already reported.
        reported: set[tuple[int, str, str | None]] = set()
        for node, value in self.loose:
            if value.nodes & self.consumed:
                continue
            # A relative path counts only as a whole literal here: no call vouches for it.
            for method, path in self._paths(value, relative=isinstance(node, ast.Constant)):
                if any((literal, path, method) in reported for literal in value.nodes):
                    continue
                reported.update((literal, path, method) for literal in value.nodes)
                yield PythonFinding(method, path, None, node.lineno, self._column(node), "string")


def _dotted(node: ast.expr) -> str | None:
    """``paths`` or ``costs.paths``: the dotted name an attribute's owner spells, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner is not None else None
    return None


def _names_url(parameter: str) -> bool:
    lowered = parameter.lower()
    return lowered in URL_KEYWORDS or any(word in lowered for word in ("url", "uri", "path"))


def scan_python(
    source: str, tree: ast.Module | None = None, imported: Imported | None = None
) -> list[PythonFinding]:
    """Every call site in a Python source; raises SyntaxError (and RecursionError) as ast does.

    ``tree`` is the source's syntax tree when the caller has parsed it already; ``imported``
    the string constants its imports bring in from other scanned modules."""
    tree = tree if tree is not None else ast.parse(source)
    scanner = Scanner(source, tree, imported)
    scanner.visit(tree)
    return [*scanner.findings, *scanner.loose_findings()]
