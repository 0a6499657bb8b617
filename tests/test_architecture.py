"""Structural contracts: imports go one way (cli -> permtable), commands and formats are registered.

These read the source with ``ast`` rather than trusting a linter configuration, so they fail
the moment someone adds ``import click`` to the library, even inside a function.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "permtable"
FORBIDDEN_IN_LIBRARY = ("click", "rich", "cli")
VIEWS = __import__("cli.formats", fromlist=["ALL_VIEWS"]).ALL_VIEWS


def _library_files() -> list[Path]:
    files = sorted(LIBRARY.rglob("*.py"))
    assert len(files) >= 10, "the library's modules were not found"
    return files


def _imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    """Every module a file imports: import statements, and import_module/__import__ with a literal."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((first.value, node.lineno))
    return found


@pytest.mark.parametrize("path", _library_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_library_never_imports_the_cli_layer(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for module, line in _imported_modules(tree)
        if module.split(".")[0] in FORBIDDEN_IN_LIBRARY
    ]
    assert offending == [], "permtable must not import click, rich or cli"


def test_library_has_no_print_calls():
    offending = []
    for path in _library_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == [], "the library returns data; the CLI prints"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_graph() -> dict[str, set[str]]:
    """Library module -> the library modules it imports: at the top, in functions, or only for
    type checking (a cycle through a type hint is still a cycle of meaning)."""
    modules = {_module_name(path): path for path in _library_files()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = set()
        for written, _ in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            # ``from permtable.scan import x`` names a package, ``from permtable.scan.model ...`` a module
            module = written
            while module and module not in modules:
                module = module.rpartition(".")[0]
            if module and module != name:
                imported.add(module)
        graph[name] = imported
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_library_has_no_import_cycle():
    graph = _import_graph()
    assert len(graph) >= 30 and "permtable.values" in graph
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    """Control: a graph with a cycle through three modules, and a module outside it."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_import_checker_catches_a_violation():
    """Control: the checker sees imports hidden in functions and dynamic imports."""
    source = (
        "import os\n"
        "def f():\n    import rich.console\n"
        "def g():\n    from click import echo\n"
        "def h():\n    importlib.import_module('cli.main')\n"
    )
    modules = [module for module, _ in _imported_modules(ast.parse(source))]
    assert [m for m in modules if m.split(".")[0] in FORBIDDEN_IN_LIBRARY] == [
        "rich.console",
        "click",
        "cli.main",
    ]


def test_importing_the_whole_library_loads_no_cli_modules():
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import permtable\n"
        "for info in pkgutil.walk_packages(permtable.__path__, 'permtable.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in ('click', 'rich', 'cli'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


# --------------------------------------------------------------------------- commands


def _modules_in(package: str) -> list[str]:
    module = importlib.import_module(package)
    return sorted(
        info.name for info in pkgutil.iter_modules(module.__path__) if not info.name.startswith("_")
    )


def test_every_command_module_is_registered_and_vice_versa():
    from cli.main import COMMANDS

    assert sorted(COMMANDS.values()) == _modules_in("cli.commands")
    assert len(set(COMMANDS.values())) == len(COMMANDS)


@pytest.mark.parametrize("name", sorted(__import__("cli.main", fromlist=["COMMANDS"]).COMMANDS))
def test_each_command_module_defines_its_click_command(name):
    from cli.main import COMMANDS, main

    module = importlib.import_module(f"cli.commands.{COMMANDS[name]}")
    command = getattr(module, "command", None)
    assert isinstance(command, click.Command), f"cli.commands.{COMMANDS[name]} must define `command`"
    assert command.name == name
    # Every command documents its exit codes; a group does so on each subcommand.
    documented = list(command.commands.values()) if isinstance(command, click.Group) else [command]
    for each in documented:
        assert each.help and "Exit:" in each.help, f"{name} {each.name}: document the exit codes"
    with click.Context(main) as ctx:
        assert main.get_command(ctx, name) is command
        assert main.list_commands(ctx) == list(COMMANDS)


def test_unknown_command_is_none():
    from cli.main import main

    with click.Context(main) as ctx:
        assert main.get_command(ctx, "no-such-command") is None


def test_console_script_points_at_the_error_boundary():
    """pyproject declares it (an installed copy may be older than the checkout under test)."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert declared == {"bsscheck": "cli.main:console"}  # console runs cli.main.run, then exits


# --------------------------------------------------------------------------- formats


def test_every_format_module_is_registered_and_vice_versa():
    from cli.formats import FORMATS

    assert sorted(module for module, _ in FORMATS.values()) == _modules_in("cli.formats")


@pytest.mark.parametrize("name", sorted(__import__("cli.formats", fromlist=["FORMATS"]).FORMATS))
def test_every_format_renders_the_views_it_declares(name):
    from cli.formats import FORMATS, ReportFormat

    module_name, views = FORMATS[name]
    module = importlib.import_module(f"cli.formats.{module_name}")
    assert views, f"format {name!r} renders nothing"
    assert issubclass(module.FORMAT, ReportFormat)
    for view in views:
        assert view in VIEWS
        assert callable(getattr(module.FORMAT, view, None)), f"format {name!r} lacks {view}"
    # ... and it renders no view it does not declare (a method the registry would never reach)
    rendered = {view for view in VIEWS if callable(getattr(module.FORMAT, view, None))}
    assert rendered <= set(views), f"format {name!r} renders undeclared views {rendered - set(views)}"


def test_every_command_offers_exactly_the_formats_for_its_view():
    from cli.formats import format_names
    from cli.main import COMMANDS

    for module_name in COMMANDS.values():
        command = importlib.import_module(f"cli.commands.{module_name}").command
        # A group (bsscheck table) offers formats on its subcommands, each rendering the view
        # "<module>_<subcommand>"; a subcommand that writes no report (table import) has none.
        if isinstance(command, click.Group):
            targets = [(f"{module_name}_{name}", sub) for name, sub in command.commands.items()]
        else:
            targets = [(module_name, command)]
        for view, target in targets:
            options = [param for param in target.params if param.name == "output_format"]
            if target is not command and not options:
                continue
            (option,) = options
            # diff renders two reports: two grants files, or a Terraform plan (--terraform-plan).
            views = (view, "terraform_diff") if view == "diff" else (view,)
            expected = list(dict.fromkeys(name for shown in views for name in format_names(shown)))
            assert list(option.type.choices) == expected
            assert {"table", "json"} <= set(option.type.choices)


def test_exit_codes_are_distinct_named_constants():
    from cli import exitcodes

    assert (exitcodes.OK, exitcodes.FINDINGS, exitcodes.INPUT_ERROR) == (0, 1, 2)


def test_every_data_file_is_declared_as_package_data():
    # Tests import the source tree, so a data file missing from package-data would pass here
    # and fail only in an installed copy: check the declaration itself.
    import fnmatch

    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]
    for package, patterns in declared.items():
        folder = ROOT.joinpath(*package.split("."))
        data = [p.name for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
        for name in data:
            assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), f"{package}/{name}"
    assert set(declared) >= {"permtable.data", "cli.schemas"}


def test_every_package_is_declared_for_installation():
    # pyproject lists packages explicitly; one left out works from the source tree (so every
    # other test passes) and is missing from an installed copy.
    import tomllib

    declared = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("permtable", "cli")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found == declared
