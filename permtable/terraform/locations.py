"""Where a plan's resource is written: the ``.tf`` file and line of its ``resource`` block.

The plan JSON names no files. When the configuration is in the working tree, the block
``resource "TYPE" "NAME"`` (or ``data "TYPE" "NAME"``) is found in the module's directory: the
root module is the plan file's directory (or the current one), a module call's directory its
``source`` relative to its parent's. Registry modules are not in the tree: their resources are
located at the plan file, and reports name them by address.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from permtable.errors import Location
from permtable.terraform.plan import Instance, Plan

_BLOCK = re.compile(r'^[ \t]*(resource|data)\s+"([A-Za-z0-9_-]+)"\s+"([A-Za-z0-9_-]+)"\s*\{', re.MULTILINE)


class BlockFinder:
    """Finds resource blocks, reading each module directory's ``.tf`` files once."""

    def __init__(self, plan: Plan, roots: tuple[Path, ...] | None = None) -> None:
        self.plan = plan
        if roots is None:
            roots = tuple(dict.fromkeys((Path(plan.file).resolve().parent, Path.cwd())))
        self.roots = roots
        self._blocks: dict[Path, dict[tuple[str, str, str], tuple[str, int]]] = {}

    def __call__(self, instance: Instance) -> Location:
        for root in self.roots:
            directory = self._module_directory(root, instance.module)
            if directory is None:
                continue
            found = self._blocks_in(directory).get(
                ("data" if instance.mode == "data" else "resource", instance.type, instance.name)
            )
            if found is not None:
                return Location(found[0], found[1])
        return Location(self.plan.file)

    def _module_directory(self, root: Path, module: str) -> Path | None:
        directory = root
        if not module:
            return directory
        parts = module.split(".")
        prefix = ""
        for position in range(1, len(parts), 2):
            prefix = f"{prefix}.module.{parts[position]}" if prefix else f"module.{parts[position]}"
            source = self.plan.module_sources.get(prefix)
            if source is None or not source.startswith(("./", "../")):
                return None  # a registry or remote module: not in the working tree
            directory = (directory / source).resolve()
        return directory

    def _blocks_in(self, directory: Path) -> dict[tuple[str, str, str], tuple[str, int]]:
        blocks = self._blocks.get(directory)
        if blocks is not None:
            return blocks
        blocks = {}
        try:
            files = sorted(directory.glob("*.tf"))
        except OSError:
            files = []
        for path in files:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
            for match in _BLOCK.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                blocks.setdefault((match[1], match[2], match[3]), (shown, line))
        self._blocks[directory] = blocks
        return blocks
