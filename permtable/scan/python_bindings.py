"""Which expressions each name of a Python module may hold, read before the module is scanned.

Scopes follow Python's: a function's own, a class body's (not visible inside its methods), the
module's. A name may be bound several times; ``Scope.lookup`` tells which bindings a read can
see: in straight-line code of the same scope the last one before it, elsewhere (a branch, a
loop, a closure that runs later) any of them. A class also collects its attributes: its body's
names and what its methods assign to ``self``. The functions the module defines are listed by
name, for the scanner to read request helpers from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass
class Scope:
    """Names and every expression bound to them here (a name bound several times may hold any of
    them; ``None``: a value that cannot be known, such as a parameter's)."""

    parent: Scope | None
    bindings: dict[str, list[ast.expr | None]] = field(default_factory=dict)
    # A class body's names are not visible inside its methods (Python's rule).
    is_class: bool = False
    name: str = ""  # a class's
    attributes: dict[str, list[ast.expr | None]] = field(default_factory=dict)  # class: self.X

    lines: dict[str, list[int]] = field(default_factory=dict)  # where each binding is
    branching: set[str] = field(default_factory=set)  # names bound inside an if, loop or try

    def bind(self, name: str, value: ast.expr | None, line: int = 0, straight: bool = True) -> None:
        self.bindings.setdefault(name, []).append(value)
        self.lines.setdefault(name, []).append(line)
        if not straight:
            self.branching.add(name)

    def lookup(self, name: str, line: int | None = None) -> list[ast.expr | None] | None:
        """The expressions ``name`` may hold where it is read. In straight-line code of this
        very scope, a read at ``line`` sees the last binding before it; wherever the order is
        not the text's (a branch, a loop, a closure read later), it may see any binding."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                values = scope.bindings[name]
                if scope is self and line is not None and len(values) > 1 and name not in scope.branching:
                    before = [value for value, at in zip(values, scope.lines[name], strict=True) if at < line]
                    if before:
                        return [before[-1]]
                return values
            scope = scope.parent
        return None


@dataclass
class Bindings:
    module: Scope
    scopes: dict[int, Scope] = field(default_factory=dict)  # by id of the function or class node
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)


def bind_module(tree: ast.Module, module: Scope) -> Bindings:
    """The bindings of ``tree``, its module-level names added to ``module`` (which may hold
    names imported from other modules already)."""
    bindings = Bindings(module)
    _Binder(bindings).generic_visit(tree)
    return bindings


class _Binder(ast.NodeVisitor):
    def __init__(self, bindings: Bindings):
        self.bindings = bindings
        self.scope = bindings.module
        self.classes: list[Scope] = []
        self.branches = 0  # if, loop and try bodies around the statement, in this scope

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        outer = self.scope
        # A method sees the module's names, not its class body's.
        self.scope = Scope(outer.parent if outer.is_class else outer)
        self.bindings.scopes[id(node)] = self.scope
        for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            self.scope.bind(argument.arg, None, node.lineno)  # a parameter's value is never known
        if not isinstance(node, ast.Lambda):
            self.bindings.functions.setdefault(node.name, []).append(node)
        branches, self.branches = self.branches, 0
        self.generic_visit(node)
        self.branches = branches
        self.scope = outer

    visit_FunctionDef = _scoped
    visit_AsyncFunctionDef = _scoped
    visit_Lambda = _scoped

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.scope
        self.scope = Scope(outer, is_class=True, name=node.name)
        self.bindings.scopes[id(node)] = self.scope
        self.classes.append(self.scope)
        self.generic_visit(node)
        self.classes.pop()
        # What the body binds is a class attribute too (``self.BASE``).
        for name, values in self.scope.bindings.items():
            self.scope.attributes.setdefault(name, []).extend(values)
        self.scope = outer

    def _branch(self, node: ast.AST) -> None:
        self.branches += 1
        self.generic_visit(node)
        self.branches -= 1

    visit_If = _branch
    visit_While = _branch
    visit_Try = _branch
    visit_TryStar = _branch
    visit_Match = _branch

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
        if isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Tuple | ast.List | ast.Set):
            # ``for op in ("freeze", "unfreeze")``: each element in turn.
            for element in node.iter.elts:
                self.scope.bind(node.target.id, element, node.lineno, straight=False)
        else:
            self._target(node.target, None)
        self._branch(node)

    visit_AsyncFor = visit_For

    def _target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.scope.bind(target.id, value, target.lineno, straight=self.branches == 0)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._target(element, None)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in ("self", "cls")
            and self.classes
        ):
            # ``self.base = "..."`` in a method: an attribute of the class around it.
            self.classes[-1].attributes.setdefault(target.attr, []).append(value)
