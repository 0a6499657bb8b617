"""The shapes real accounts have, measured against floors, and how their cost grows.

Imported by ``run.py`` (which owns running commands and printing the table):

- merged grants: ``missing-perms -g F1 ... -g FN`` over N large customer grants files (50
  policies of 20 statements each, with Denies, Conditions and codes the table does not list), in
  YAML and in JSON, against a floor that reads and parses the same files with the same loaders
  (PyYAML's C loader, ``json``); goal 3x;
  beside the JSON row, for scale, the least a Python reading of those files can do
  (``BARE_JSON_PIPELINE``), printed as its own ratio to the same floor;
- who-can over N such large files, and over a fleet of 100,000 small files, and matrix over the
  same files with every row of both tables as a column; goal 3x the parse floor, and the small
  fleet under 100 MiB;
- ``--unique`` over a log in which every line is distinct (a fresh id, host and query on each
  line of a listed row), against a dict-counting loop; goal 4x;
- growth: the same job at 1x, 10x and 100x its size, printed as exponents of time and memory
  (1.0 is linear; the memory exponent counts what grows beyond the interpreter's own), so a
  cost that grows faster than the input shows as a number rather than a hunch.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

LARGE_POLICIES = 50
LARGE_STATEMENTS = 20
UNKNOWN_CODES = 40  # distinct codes the table does not list, repeated across the statements
PAY = "POST /v3/orders/customer-orders/pay"

# Read and parse every file named (or found under a folder named) with the loaders bsscheck
# itself uses: the floor of any tool that reads these grants.
PARSE_FLOOR = "\n".join(
    [
        "import json, os, sys, yaml",
        "loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)",
        "def files(paths):",
        "    for path in paths:",
        "        if os.path.isdir(path):",
        "            for folder, _, names in os.walk(path):",
        "                yield from (os.path.join(folder, name) for name in names)",
        "        else:",
        "            yield path",
        "for path in files(sys.argv[1:]):",
        "    with open(path, encoding='utf-8') as handle:",
        "        text = handle.read()",
        "    json.loads(text) if path.endswith('.json') else yaml.load(text, Loader=loader)",
    ]
)

# The least a Python reading of merged JSON grants can do, for scale: json.loads with duplicate
# keys refused, each statement's shape checked, statements filed by action text, each code
# decided from the texts that match it (Deny wins), unknown texts counted. No positions, no
# provenance, no warnings' words, no report: far less than bsscheck answers, so its ratio to the
# parse floor shows how much of the merged-JSON goal any Python implementation could keep.
BARE_JSON_PIPELINE = "\n".join(
    [
        "import gc, json, re, sys, yaml  # the floor's imports: the two differ by the work alone",
        "gc.disable()",
        "codes = sys.argv[1].split(',')",
        "def pairs(items):",
        "    d = dict(items)",
        "    if len(d) != len(items): raise SystemExit('duplicate key')",
        "    return d",
        "by_text, statements = {}, []",
        "for path in sys.argv[2:]:",
        "    with open(path, encoding='utf-8') as handle:",
        "        doc = json.loads(handle.read(), object_pairs_hook=pairs)",
        "    for policy in doc['policies']:",
        "        for statement in policy['document']['Statement']:",
        "            if not statement.keys() <= {'Effect', 'Action', 'Condition', 'Resource'}:",
        "                raise SystemExit(1)",
        "            if statement['Effect'] not in ('Allow', 'Deny'): raise SystemExit(1)",
        "            ref = len(statements)",
        "            statements.append((statement['Effect'], 'Condition' in statement))",
        "            for text in statement['Action']:",
        "                if type(text) is not str: raise SystemExit(1)",
        "                by_text.setdefault(text, []).append(ref)",
        "def matcher(text):",
        "    if '*' not in text: return text.lower().__eq__",
        "    rx = re.compile(':'.join(re.escape(p).replace(r'\\*', '[^:]*') for p in text.split(':')), re.I)",
        "    return lambda code: rx.fullmatch(code) is not None",
        "matchers = {text: matcher(text) for text in by_text}",
        "decided = {}",
        "for code in codes:",
        "    seen = [statements[r] for t, refs in by_text.items() if matchers[t](code) for r in refs]",
        "    deny = any(e == 'Deny' for e, _ in seen)",
        "    allow = any(e == 'Allow' and not c for e, c in seen)",
        "    decided[code] = 'explicit_deny' if deny else 'allowed' if allow else 'implicit_deny'",
        "unknown = {t: len(r) for t, r in by_text.items() if not any(matchers[t](c) for c in codes)}",
        "json.dump({'decided': decided, 'unknown': unknown}, sys.stdout)",
    ]
)

# Count a log's lines by their text, as --unique must at the least.
COUNT_FLOOR = "\n".join(
    [
        "import sys",
        "counts = {}",
        "with open(sys.argv[1], encoding='utf-8') as f:",
        "    for line in f:",
        "        key = line.strip()",
        "        counts[key] = counts.get(key, 0) + 1",
    ]
)


@dataclass(frozen=True)
class ScaleSizes:
    large_files: int  # large grants files (each merged run uses them all)
    small_files: int  # the small fleet
    distinct_lines: int  # the all-distinct log
    runs: int


FULL = ScaleSizes(large_files=100, small_files=100_000, distinct_lines=1_000_000, runs=3)
QUICK = ScaleSizes(large_files=4, small_files=300, distinct_lines=20_000, runs=1)


# --------------------------------------------------------------------------- inputs


def table_codes(rows: list[dict[str, object]], table: str) -> list[str]:
    """The permission codes of one table's rows, sorted."""
    return sorted({str(code) for row in rows if row["table"] == table for code in row["permissions"]})  # type: ignore[attr-defined]


def write_large_grants(
    folder: Path, files: int, rows: list[dict[str, object]], suffix: str, seed: int = 7
) -> list[Path]:
    """``files`` customer accounts of LARGE_POLICIES policies x LARGE_STATEMENTS statements:
    three table codes and one unknown code per statement, one Deny in ten, one Condition in
    twenty, a wildcard now and then. Written by hand (f-strings) in YAML or JSON: PyYAML's
    dumper would take longer than the benchmark."""
    rng = random.Random(seed)
    codes = table_codes(rows, "customer")
    unknown = [f"bss:custom{number}:view" for number in range(UNKNOWN_CODES)]
    wildcards = ["bss:*:*", "bss:order:*", "bss:*:view", "bss:bill*:view"]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(files):
        policies = []
        for policy in range(LARGE_POLICIES):
            statements = []
            for _ in range(LARGE_STATEMENTS):
                actions = [*rng.sample(codes, 3), rng.choice(unknown)]
                if rng.random() < 0.05:
                    actions.append(rng.choice(wildcards))
                statement: dict[str, object] = {
                    "Effect": "Deny" if rng.random() < 0.1 else "Allow",
                    "Action": actions,
                }
                if rng.random() < 0.05:
                    statement["Condition"] = {"StringEquals": {"g:DomainName": ["example"]}}
                statements.append(statement)
            policies.append(
                {"name": f"policy-{policy}", "document": {"Version": "1.1", "Statement": statements}}
            )
        account = {"type": "customer", "account": f"large-{number:04d}", "policies": policies}
        path = folder / f"large-{number:04d}{suffix}"
        path.write_text(json.dumps(account, indent=1) if suffix == ".json" else _yaml(account), "utf-8")
        written.append(path)
    return written


def _yaml(account: dict[str, object]) -> str:
    lines = [f"type: {account['type']}", f"account: {account['account']}", "policies:"]
    for policy in account["policies"]:  # type: ignore[attr-defined]
        lines += [f"  - name: {policy['name']}", "    document:", '      Version: "1.1"', "      Statement:"]
        for statement in policy["document"]["Statement"]:
            lines.append(f"        - Effect: {statement['Effect']}")
            lines.append(f"          Action: {json.dumps(statement['Action'])}")
            if "Condition" in statement:
                lines.append('          Condition: {StringEquals: {"g:DomainName": ["example"]}}')
    return "\n".join(lines) + "\n"


def write_distinct_log(path: Path, lines: int, rows: list[dict[str, object]]) -> int:
    """A log of ``lines`` distinct lines: each a customer row with an id in place of each
    placeholder (fresh on every line), a BSS host or none, a query string or none. Returns the
    endpoints (rows) it names."""
    templates = [
        (str(row["method"]), str(row["path"]))
        for row in rows
        if row["table"] == "customer" and "{" in str(row["path"])
    ]
    hosts = ("", "https://bss.myhuaweicloud.com", "https://bss-intl.myhuaweicloud.com")
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        block = []
        for number in range(lines):
            method, template = templates[number % len(templates)]
            concrete = "/".join(
                f"CS{number:09d}{part_index}" if part.startswith("{") else part
                for part_index, part in enumerate(template.split("/"))
            )
            query = f"?offset={number}" if number % 3 else ""
            block.append(f"{method} {hosts[number % 3]}{concrete}{query}")
            if len(block) == 10_000:
                handle.write("\n".join(block) + "\n")
                block = []
        if block:
            handle.write("\n".join(block) + "\n")
    return len(templates)


# --------------------------------------------------------------------------- measuring


def exponent(small: float, large: float, factor: float) -> float:
    """How cost grows from one size to ``factor`` times it: 1.0 linear, 2.0 quadratic."""
    if small <= 0 or large <= 0:
        return float("nan")
    return math.log(large / small) / math.log(factor)


@dataclass(frozen=True)
class ScaleInputs:
    yaml_files: list[Path]
    json_files: list[Path]
    small: Path  # the small fleet's folder (folders of 100 files inside)
    log: Path
    endpoints: int
    sizes: ScaleSizes
    codes: tuple[str, ...] = ()  # the customer table's codes (the bare JSON pipeline decides them)

    @property
    def statements(self) -> int:
        return self.sizes.large_files * LARGE_POLICIES * LARGE_STATEMENTS


def merged_command(bsscheck: list[str], files: Sequence[Path]) -> list[str]:
    return [
        *bsscheck,
        "missing-perms",
        *(part for file in files for part in ("-g", str(file))),
        "--format",
        "json",
    ]


def unique_command(bench: ModuleType, bsscheck: list[str], log: Path) -> list[str]:
    grants = str(bench.SAMPLES / "customer-grants.yaml")
    return [*bsscheck, "can-call", "-g", grants, "--unique", "--format", "json", "--apis", str(log)]


def prepare(
    bench: ModuleType, bsscheck: list[str], work: Path, rows: list[dict[str, object]], sizes: ScaleSizes
) -> tuple[ScaleInputs, list[str]]:
    """Make the inputs and check the answers bsscheck gives on them (the problems found)."""
    inputs = ScaleInputs(
        write_large_grants(work / "large-yaml", sizes.large_files, rows, ".yaml"),
        write_large_grants(work / "large-json", sizes.large_files, rows, ".json"),
        work / "small-fleet",
        work / "distinct.log",
        0,
        sizes,
        tuple(table_codes(rows, "customer")),
    )
    bench.generate_grants(inputs.small, sizes.small_files, rows)
    inputs = replace(inputs, endpoints=write_distinct_log(inputs.log, sizes.distinct_lines, rows))
    print(
        f"scale inputs: {sizes.large_files} large grants files ({inputs.statements:,} statements) in YAML "
        f"and JSON, a fleet of {sizes.small_files:,} small files, a log of {sizes.distinct_lines:,} "
        f"distinct lines ({inputs.endpoints} rows)"
    )
    problems: list[str] = []
    # The merged account decides every API; who-can answers every account; --unique finds one
    # endpoint per row and counts every line.
    done = bench.run(merged_command(bsscheck, inputs.yaml_files[:2]), work, capture=True)
    if done.exit_code not in (0, 1) or "results" not in json.loads(done.stdout or "{}"):
        problems.append(f"missing-perms over merged large grants exited {done.exit_code}")
    done = bench.run(
        [*bsscheck, "who-can", PAY, "-g", str(inputs.small), "--format", "json"], work, capture=True
    )
    accounts = json.loads(done.stdout)["summary"]["accounts"] if done.exit_code == 0 else None
    if accounts != sizes.small_files:
        problems.append(
            f"who-can over the small fleet answered for {accounts} account(s), not {sizes.small_files}"
        )
    done = bench.run([*bsscheck, "matrix", "-g", str(inputs.small), "--format", "json"], work, capture=True)
    grid = json.loads(done.stdout)["summary"] if done.exit_code == 0 else {}
    columns = len({(row["method"], row["path"]) for row in rows})
    cells = sum(grid.get("cells", {}).values())
    expected = (sizes.small_files, columns, sizes.small_files * columns)
    if (grid.get("accounts"), grid.get("apis"), cells) != expected:
        problems.append(
            f"matrix over the small fleet answered {grid.get('accounts')} account(s) by {grid.get('apis')} "
            f"API(s) in {cells} cell(s), not {sizes.small_files} by {columns}"
        )
    done = bench.run(unique_command(bench, bsscheck, inputs.log), work, capture=True)
    results = json.loads(done.stdout)["results"] if done.exit_code in (0, 1) else []
    counted = sum(result["count"] for result in results)
    if len(results) != inputs.endpoints or counted != sizes.distinct_lines:
        problems.append(
            f"--unique over distinct lines gave {len(results)} endpoint(s) for {counted} line(s), "
            f"not {inputs.endpoints} for {sizes.distinct_lines}"
        )
    return inputs, problems


def measure(
    bench: ModuleType, bsscheck: list[str], work: Path, inputs: ScaleInputs, table: list[object]
) -> None:
    """Add the timed rows to ``table`` and print the growth exponents."""
    sizes = inputs.sizes
    small = inputs.small
    floor = [sys.executable, "-c", PARSE_FLOOR]
    bare: tuple[float, float] | None = None
    for label, files in (("YAML", inputs.yaml_files), ("JSON", inputs.json_files)):
        command = merged_command(bsscheck, files)
        commands = {"floor": [*floor, *map(str, files)], "bsscheck": command}
        if label == "JSON":
            codes = ",".join(inputs.codes)
            commands["bare"] = [sys.executable, "-c", BARE_JSON_PIPELINE, codes, *map(str, files)]
        timed = bench.interleaved(commands, sizes.runs, work)
        measured, baseline = bench.median_seconds(timed["bsscheck"]), bench.median_seconds(timed["floor"])
        if "bare" in timed:
            bare = (bench.median_seconds(timed["bare"]), baseline)
        table.append(
            bench.Row(
                f"missing-perms, {len(files)} merged {label} files ({inputs.statements:,} statements)",
                measured,
                baseline,
                "<= 3x",
                measured <= 3 * baseline,
                bench.mib(bench.peak_rss_kib(command, work)),
            )
        )
    # who-can asks one API of every account; matrix asks every row of both tables (the columns
    # of a matrix given no APIs): the same files, many more answers per account.
    for name, question, title in (("who-can", [PAY], "who-can,"), ("matrix", [], "matrix, every table row,")):
        for label, folder, count in (
            ("large YAML", work / "large-yaml", sizes.large_files),
            ("small", small, sizes.small_files),
        ):
            command = [*bsscheck, name, *question, "-g", str(folder), "--format", "json"]
            timed = bench.interleaved({"floor": [*floor, str(folder)], "bsscheck": command}, sizes.runs, work)
            measured, baseline = bench.median_seconds(timed["bsscheck"]), bench.median_seconds(timed["floor"])
            peak = bench.peak_rss_kib(command, work)
            small_fleet = folder == small
            goal = "<= 3x, < 100 MiB" if small_fleet else "<= 3x"
            bounded = not small_fleet or (peak is not None and peak < 100 * 1024)
            passed = measured <= 3 * baseline and bounded
            row = f"{title} {count:,} {label} grants files"
            table.append(bench.Row(row, measured, baseline, goal, passed, bench.mib(peak)))
    command = unique_command(bench, bsscheck, inputs.log)
    timed = bench.interleaved(
        {"floor": [sys.executable, "-c", COUNT_FLOOR, str(inputs.log)], "bsscheck": command}, sizes.runs, work
    )
    measured, baseline = bench.median_seconds(timed["bsscheck"]), bench.median_seconds(timed["floor"])
    table.append(
        bench.Row(
            f"can-call --unique, {sizes.distinct_lines:,} distinct lines",
            measured,
            baseline,
            "<= 4x",
            measured <= 4 * baseline,
            bench.mib(bench.peak_rss_kib(command, work)),
        )
    )
    if bare is not None:
        seconds, baseline = bare
        print(
            f"merged JSON, for scale: a bare plain-value pipeline (no positions, provenance, warnings' "
            f"words or report) takes {seconds:.3f} s, {seconds / baseline:.2f}x the parse floor"
        )
    _growth(bench, bsscheck, work, inputs.yaml_files, small, sizes)


def _growth(
    bench: ModuleType, bsscheck: list[str], work: Path, files: list[Path], small: Path, sizes: ScaleSizes
) -> None:
    """Time and memory exponents from 1x to 10x to 100x of two jobs (as far as the inputs go)."""
    base = bench.peak_rss_kib(
        [*bsscheck, "can-call", "-g", str(bench.SAMPLES / "customer-grants.yaml"), PAY], work
    )
    teams = sorted(path for path in small.iterdir() if path.is_dir())
    jobs: dict[str, list[tuple[int, list[str]]]] = {
        "missing-perms, merged large files": [],
        "who-can, small files": [],
    }
    for count in (1, 10, 100):
        if count <= len(files):
            jobs["missing-perms, merged large files"].append((count, merged_command(bsscheck, files[:count])))
        # Folders of 100 files: 10, 100 and 1,000 of them for 1,000, 10,000 and 100,000 files.
        folders = teams[: count * 10]
        if len(folders) == count * 10:
            jobs["who-can, small files"].append(
                (
                    count * 1000,
                    [
                        *bsscheck,
                        "who-can",
                        PAY,
                        *(p for f in folders for p in ("-g", str(f))),
                        "--format",
                        "json",
                    ],
                )
            )
    print(f"growth (1.0 = linear; memory counts what grows beyond a one-API run's {bench.mib(base)}):")
    for name, steps in jobs.items():
        if len(steps) < 2:
            print(f"  {name}: not enough input for a growth figure at this size")
            continue
        measured = [
            (size, bench.run(command, work).seconds, bench.peak_rss_kib(command, work))
            for size, command in steps
        ]
        parts = [f"{size:,}: {seconds:.2f} s, {bench.mib(peak)}" for size, seconds, peak in measured]
        (size_a, time_a, rss_a), (size_b, time_b, rss_b) = measured[-2], measured[-1]
        factor = size_b / size_a
        grown_a = max((rss_a or 0) - (base or 0), 1)
        grown_b = max((rss_b or 0) - (base or 0), 1)
        time_growth = exponent(time_a, time_b, factor)
        memory_growth = exponent(grown_a, grown_b, factor)
        print(
            f"  {name}: "
            + "; ".join(parts)
            + f" -> time exponent {time_growth:.2f}, memory exponent {memory_growth:.2f}"
        )
