"""The README and docs/ say what bsscheck does: every console example runs, every link resolves.

A ```console block is a shell session: each ``$ command`` runs (in bash, in a scratch folder
holding the repository's samples/ and tests/, with ``bsscheck`` on PATH), and what follows it is
its output, stdout and stderr as a terminal shows them. In the expected output a line ``...``
stands for any number of lines, and ``…`` inside a line for any text (a date, an age in days).
An HTML comment ``<!-- env: NAME=VALUE ... -->`` right before a block sets variables for it; by
default COLUMNS=100 and BSSCHECK_MAX_TABLE_AGE=0 (the age warning is shown where it is the
subject). BSSCHECK_UPDATE_GOLDEN=1 rewrites the output of blocks that elide nothing.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = "@@bsscheck-docs-end@@"
DEFAULT_ENV = {"COLUMNS": "100", "BSSCHECK_MAX_TABLE_AGE": "0"}


@dataclass
class Example:
    file: Path
    start: int  # index of the first line inside the fence
    end: int  # index of the closing fence
    env: dict[str, str]
    commands: list[str]
    expected: list[list[str]]

    @property
    def name(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.start}"


def examples(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").split("\n")
    found = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "```console":
            index += 1
            continue
        env = dict(DEFAULT_ENV)
        previous = lines[index - 1].strip() if index else ""
        if previous.startswith("<!-- env:") and previous.endswith("-->"):
            env.update(item.split("=", 1) for item in previous[len("<!-- env:") : -3].split())
        start = index + 1
        end = start
        while lines[end].strip() != "```":
            end += 1
        commands: list[str] = []
        expected: list[list[str]] = []
        continued = False
        for line in lines[start:end]:
            if continued:  # the command goes on ("\" at the end of its line)
                commands[-1] += "\n" + line
                continued = line.endswith("\\")
            elif line.startswith("$ "):
                commands.append(line[2:])
                expected.append([])
                continued = line.endswith("\\")
            elif expected:
                expected[-1].append(line)
            else:
                raise AssertionError(f"{path}:{start + 1}: a console block starts with a command")
        found.append(Example(path, start, end, env, commands, expected))
        index = end + 1
    return found


ALL = [example for path in DOCS for example in examples(path)]


def run(example: Example, sandbox: Path) -> list[list[str]]:
    """Each command's output, run in one bash session (so ``echo $?`` and ``cd`` work)."""
    script = ["exec 2>&1"]  # stderr and stdout through one pipe, in program order
    for command in example.commands:
        script.append(f"{command}\n__status=$?; printf '\\n{MARKER}\\n'; (exit $__status)")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY")
    }
    environment.update(
        PATH=f"{sandbox / 'bin'}{os.pathsep}{environment.get('PATH', '')}",
        TERM="dumb",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        **example.env,
    )
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=sandbox,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    # stderr and stdout arrive in program order through one pipe.
    assert done.stderr == "", done.stderr
    outputs = done.stdout.split(f"\n{MARKER}\n")
    assert len(outputs) == len(example.commands) + 1, done.stdout
    return [[line.rstrip() for line in text.split("\n")] if text else [] for text in outputs[:-1]]


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def matches(expected: list[str], actual: list[str]) -> bool:
    pattern = []
    for line in _trimmed(expected):
        if line == "...":
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(
                "…".join(re.escape(part) for part in line.split("…")).replace("…", "[^\n]*") + "\n"
            )
    return re.fullmatch("".join(pattern), "".join(line + "\n" for line in _trimmed(actual))) is not None


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for name in ("samples", "tests"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    binaries = folder / "bin"
    binaries.mkdir()
    shim = binaries / "bsscheck"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return folder


def test_the_docs_have_examples():
    assert len(ALL) >= 20
    assert any(example.file.name == "README.md" for example in ALL)


@pytest.mark.parametrize("example", ALL, ids=lambda example: example.name)
def test_console_example(example: Example, sandbox: Path):
    actual = run(example, sandbox)
    if os.environ.get("BSSCHECK_UPDATE_GOLDEN") and not any(
        line == "..." or "…" in line for lines in example.expected for line in lines
    ):
        _rewrite(example, actual)
        return
    for command, wanted, got in zip(example.commands, example.expected, actual, strict=True):
        assert matches(wanted, got), (
            f"{example.name}: $ {command}\n--- expected\n"
            + "\n".join(wanted)
            + "\n--- got\n"
            + "\n".join(got)
        )


def _rewrite(example: Example, actual: list[list[str]]) -> None:
    lines = example.file.read_text(encoding="utf-8").split("\n")
    body = []
    for command, output in zip(example.commands, actual, strict=True):
        body.extend(f"$ {command}".split("\n"))
        body.extend(_trimmed(output))
    # Later examples in the file move by the change in length; they are re-read when they run.
    lines[example.start : example.end] = body
    example.file.write_text("\n".join(lines), encoding="utf-8")
    for other in ALL:
        if other.file == example.file and other.start > example.start:
            shift = len(body) - (example.end - example.start)
            other.start += shift
            other.end += shift
    example.end = example.start + len(body)


# --------------------------------------------------------------------------- links

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^#{1,6} (.*)$", line)):
            found.add(_anchor(match.group(1)))
    return found


def _links(path: Path) -> list[tuple[int, str]]:
    links = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            links.extend((number, target) for target in _LINK.findall(line))
    return links


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path):
    broken = []
    for number, target in _links(path):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{number}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{number}: {target} (no such heading)")
    assert broken == [], f"{path.name}: " + "; ".join(broken)


def test_the_matcher_elides_only_what_it_is_told_to():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["age: … days"], ["age: 1,266 days"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["age: … days"], ["age: 12 weeks"])
