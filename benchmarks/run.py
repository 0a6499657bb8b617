#!/usr/bin/env python3
"""bsscheck's performance targets, measured on the machine it runs on.

    python benchmarks/run.py               # the targets, on full-size inputs
    python benchmarks/run.py --quick       # small inputs: a smoke run in seconds
    python benchmarks/run.py --no-timing   # make the inputs and check the answers, time nothing
    python benchmarks/run.py --instructions  # also count start-up instructions (valgrind)

Run it with the Python of the environment bsscheck is installed in (a non-editable install
measures what users get; an editable one adds import overhead). It generates its inputs in a
temporary folder, runs every command several times, interleaved with its baseline so that both
see the same machine load, and prints the medians:

- start-up: ``bsscheck can-call -g GRANTS API --format json`` on one API, for the partner and
  the customer sample grants, against ``python -c "import click, yaml"`` (its dependencies' own
  import time); target 1.5x. The ratio is the median of paired runs (each bsscheck run over the
  baseline run that opened its round, moments before), so a machine whose speed drifts during
  the benchmark moves both sides of each pair alike. With ``--instructions`` (needs valgrind)
  the same two commands are also counted in CPU instructions, a measure that does not depend
  on the machine's load.
- ``--unique``: ``bsscheck can-call --unique --apis LOG`` over a 1,000,000-line API log, against
  a bare Python loop that only splits the log's lines; target 4x, peak RSS reported (and the
  peak RSS at a tenth of the log, to show it does not grow with the file).
- every API reported: ``bsscheck can-call --apis LIST --format json`` (no ``--unique``) over a
  200,000-line list, a result per line, against a loop that writes one real result record per
  line with the C JSON encoder (what such a report cannot avoid); target 6x, peak RSS reported at
  the full list and at a tenth (it grows with the results kept, about 1 KiB an API, not with
  the report's text, which is written as it is made).
- who-can: ``bsscheck who-can API -g DIR`` over 10,000 grants files; target under 10 s.
- scan: ``bsscheck scan DIR`` over a tree of 5,000 Python, Go and Java files of which 2% call
  the BSS SDKs, against a floor that reads every file and ``ast.parse``-es the Python files that
  may call BSS (what any scanner of these files must do); target 4x, and every call found.

Timings are reported, never asserted: the exit code is 1 only when a command gives a wrong
answer or fails. The test suite runs ``--quick --no-timing`` so that this script cannot rot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # the shapes of large accounts, beside this file (on the path above)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

STARTUP_API = "GET /v2/orders/customer-orders"
WHO_CAN_API = "POST /v3/orders/customer-orders/pay"
HOSTS = ("bss.myhuaweicloud.com", "bss-intl.myhuaweicloud.com", "bss.myhuaweicloud.eu")


@dataclass(frozen=True)
class Sizes:
    log_lines: int
    grants_files: int
    startup_runs: int
    unique_runs: int
    who_can_runs: int
    list_lines: int  # the list every API of which is reported (no --unique)
    scan_files: int = 5_000  # the source tree scan reads
    scale: scale.ScaleSizes = scale.FULL  # large accounts, big fleets, distinct ids


FULL = Sizes(
    log_lines=1_000_000,
    grants_files=10_000,
    startup_runs=41,
    unique_runs=5,
    who_can_runs=3,
    list_lines=200_000,
)
QUICK = Sizes(
    log_lines=20_000,
    grants_files=200,
    startup_runs=5,
    unique_runs=3,
    who_can_runs=1,
    list_lines=5_000,
    scan_files=200,
    scale=scale.QUICK,
)


# --------------------------------------------------------------------------- running commands


def bsscheck_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m cli``."""
    folder = os.path.dirname(sys.executable)
    script = shutil.which("bsscheck", path=folder)
    return [script] if script else [sys.executable, "-m", "cli"]


@dataclass(frozen=True)
class Run:
    seconds: float
    exit_code: int
    stdout: str


def run(command: Sequence[str], cwd: Path, capture: bool = False) -> Run:
    """Run once, for its wall time (and its output with ``capture``)."""
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL, text=True, check=False)
    return Run(time.perf_counter() - start, done.returncode, done.stdout or "")


# A child's peak RSS counts what it was forked from: run it from a small launcher, not from
# this process, which holds the generated inputs' bookkeeping.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss)
"""


def peak_rss_kib(command: Sequence[str], cwd: Path) -> int | None:
    """The peak resident memory of one run of ``command``, in KiB (None where not reported)."""
    if not hasattr(os, "wait4"):
        return None
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], cwd=cwd, capture_output=True, text=True, check=False
    )
    return int(done.stdout) if done.returncode == 0 and done.stdout.strip().isdigit() else None


def interleaved(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, list[Run]]:
    """Each command ``runs`` times, taking turns, after one discarded warm-up run of each."""
    for command in commands.values():
        run(command, cwd)
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run(command, cwd))
    return results


def versus_floor(
    command: list[str], path: Path, floor: list[str], runs: int, work: Path
) -> tuple[float, float, int | None]:
    """``command PATH`` against the floor command over PATH, interleaved: the medians of both,
    and the command's peak RSS (KiB)."""
    timed = interleaved({"baseline": [*floor, str(path)], "bsscheck": [*command, str(path)]}, runs, work)
    peak = peak_rss_kib([*command, str(path)], work)
    return median_seconds(timed["bsscheck"]), median_seconds(timed["baseline"]), peak


def median_seconds(runs: list[Run]) -> float:
    return statistics.median(item.seconds for item in runs)


def paired_ratio(measured: list[Run], baseline: list[Run]) -> float:
    """The median of run-by-run ratios: each pair ran back to back, under the same load."""
    return statistics.median(m.seconds / b.seconds for m, b in zip(measured, baseline, strict=True))


def instructions(command: Sequence[str], cwd: Path) -> int | None:
    """CPU instructions of one run, counted by valgrind's callgrind (None without valgrind)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    done = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].strip())
    return None


# --------------------------------------------------------------------------- inputs


def table_rows(bsscheck: list[str], cwd: Path) -> list[dict[str, object]]:
    done = run([*bsscheck, "apis", "--format", "json"], cwd, capture=True)
    if done.exit_code != 0:
        raise SystemExit(f"bsscheck apis failed (exit {done.exit_code}): is bsscheck installed?")
    entries: list[dict[str, object]] = json.loads(done.stdout)["entries"]
    return entries


def _shape(path: str) -> tuple[str, ...]:
    return tuple("{}" if part.startswith("{") else part for part in path.strip("/").split("/"))


@dataclass(frozen=True)
class ApiLog:
    path: Path
    lines: int
    apis: int  # lines that name an API (the rest are comments and blank lines)
    distinct: tuple[str, ...]  # every distinct API text written, in first-written order


def log_variants(rows: list[dict[str, object]], rng: random.Random, ids: int = 20) -> list[str]:
    """Ways of writing about 50 APIs: every customer row (templates, concrete ids, URLs with a
    BSS host and a query string, lower-case methods, a missing space, a trailing slash), and
    partner-only rows, which a customer account does not find in its table, written without
    concrete ids so that each stays one endpoint."""
    customer = [row for row in rows if row["table"] == "customer"]
    shapes = {(row["method"], _shape(str(row["path"]))) for row in customer}
    partner_only = [
        row
        for row in rows
        if row["table"] == "partner" and (row["method"], _shape(str(row["path"]))) not in shapes
    ]
    variants: list[str] = []
    for row in customer:
        method, template = str(row["method"]), str(row["path"])
        variants.append(f"{method} {template}")
        for number in range(ids):
            concrete = "/".join(
                f"CS{rng.randrange(16**10):010X}" if part.startswith("{") or part == "**" else part
                for part in template.split("/")
            )
            variants.append(
                rng.choice((f"{method} {concrete}", f"{method.lower()} {concrete}", f"{method}{concrete}/"))
            )
            host = HOSTS[number % len(HOSTS)]
            variants.append(f"{method} https://{host}{concrete}?limit=10&offset={number}")
    for row in partner_only:
        method, template = str(row["method"]), str(row["path"])
        variants += [
            f"{method} {template}",
            f"{method.lower()} {template}",
            f"{method} https://{HOSTS[1]}{template}?offset=0",
            f"{method} {template}/",
        ]
    return variants


def generate_api_log(path: Path, lines: int, rows: list[dict[str, object]], seed: int = 1) -> ApiLog:
    """An API log of ``lines`` lines: about 95% APIs (some with a trailing comment), the rest
    comments and blank lines, written in blocks so that a million lines take a second."""
    rng = random.Random(seed)
    variants = log_variants(rows, rng)
    comments = ["# replayed from the gateway log", "", "   ", "# --- batch boundary ---"]
    seen: dict[str, None] = {}
    apis = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        written = 0
        while written < lines:
            count = min(10_000, lines - written)
            block = []
            for _ in range(count):
                roll = rng.random()
                if roll < 0.05:
                    block.append(rng.choice(comments))
                    continue
                text = rng.choice(variants)
                seen.setdefault(text)
                apis += 1
                block.append(f"{text}  # job {rng.randrange(100)}" if roll > 0.9 else text)
            handle.write("\n".join(block) + "\n")
            written += count
    return ApiLog(path, lines, apis, tuple(seen))


def generate_grants(folder: Path, files: int, rows: list[dict[str, object]], seed: int = 2) -> int:
    """``files`` grants files in folders of 100: partner accounts with roles, customer accounts
    with inline IAM policies (Allow and Deny, some with a Condition) and bare policy JSON files."""
    rng = random.Random(seed)
    partner_codes = scale.table_codes(rows, "partner")
    customer_codes = scale.table_codes(rows, "customer")
    patterns = ["bss:*:*", "bss:order:*", "bss:*:view", "bss:bill*:view", *customer_codes]
    for number in range(files):
        team = folder / f"team-{number // 100:03d}"
        team.mkdir(parents=True, exist_ok=True)
        kind = number % 10
        if kind < 5:
            roles = "".join(
                f"  - name: role-{index}\n"
                f"    actions: {json.dumps(rng.sample(partner_codes, rng.randint(1, 6)))}\n"
                for index in range(rng.randint(1, 3))
            )
            text = f"type: partner\naccount: acct-{number:05d}\nroles:\n{roles}"
            (team / f"acct-{number:05d}.yaml").write_text(text, "utf-8")
        elif kind < 9:
            statements = [
                f"        - Effect: Allow\n          Action: {json.dumps(rng.sample(patterns, 3))}\n"
            ]
            if rng.random() < 0.3:
                statements.append(
                    f'        - Effect: Deny\n          Action: ["{rng.choice(customer_codes)}"]\n'
                )
            if rng.random() < 0.1:
                statements.append(
                    f'        - Effect: Allow\n          Action: ["{rng.choice(customer_codes)}"]\n'
                    '          Condition: {StringEquals: {"g:DomainName": ["example"]}}\n'
                )
            text = (
                f"type: customer\naccount: acct-{number:05d}\npolicies:\n  - name: policy\n    document:\n"
                f'      Version: "1.1"\n      Statement:\n{"".join(statements)}'
            )
            (team / f"acct-{number:05d}.yaml").write_text(text, "utf-8")
        else:
            document = {
                "Version": "1.1",
                "Statement": [{"Effect": "Allow", "Action": rng.sample(patterns, 2)}],
            }
            (team / f"acct-{number:05d}.json").write_text(json.dumps(document, indent=2), "utf-8")
    return files


# --------------------------------------------------------------------------- answers


def endpoint_of(result: dict[str, object]) -> tuple[object, ...]:
    """What --unique counts as one endpoint, read from a result of a run without --unique."""
    entry = result["entry"]
    if isinstance(entry, dict):
        return ("row", entry["row"])
    return ("api", result["method"], result["path"])


def check_unique(bsscheck: list[str], log: ApiLog, grants: Path, work: Path) -> tuple[int, list[str]]:
    """Run --unique over the log and check it against can-call without --unique over the log's
    distinct lines: the same endpoints, in first-seen order, and counts adding up to the log's
    APIs. Returns the number of endpoints and the problems found."""
    problems: list[str] = []
    unique = run(
        [*bsscheck, "can-call", "-g", str(grants), "--apis", str(log.path), "--unique", "--format", "json"],
        work,
        capture=True,
    )
    if unique.exit_code not in (0, 1):
        return 0, [f"can-call --unique exited {unique.exit_code}"]
    record = json.loads(unique.stdout)
    distinct = work / "distinct-apis.txt"
    distinct.write_text("\n".join(log.distinct) + "\n", "utf-8")
    plain = run(
        [*bsscheck, "can-call", "-g", str(grants), "--apis", str(distinct), "--format", "json"],
        work,
        capture=True,
    )
    if plain.exit_code not in (0, 1):
        return 0, [f"can-call over the distinct lines exited {plain.exit_code}"]
    expected = list(dict.fromkeys(endpoint_of(result) for result in json.loads(plain.stdout)["results"]))
    found = [endpoint_of(result) for result in record["results"]]
    if found != expected:
        problems.append(
            f"--unique found {len(found)} endpoint(s), can-call over the distinct lines {len(expected)}"
        )
    counted = sum(int(result["count"]) for result in record["results"])
    if counted != log.apis or record["summary"].get("inputs") != log.apis:
        problems.append(f"--unique counted {counted} input(s), the log has {log.apis} API line(s)")
    return len(found), problems


def who_can_available(bsscheck: list[str], work: Path) -> bool:
    return run([*bsscheck, "who-can", "--help"], work).exit_code == 0


# --------------------------------------------------------------------------- scan

_PLAIN_PY = """
def handler_{i}(request, settings):
    \"\"\"Return the page for item {i}, rendered from the template cache.\"\"\"
    name = request.args.get("name", "world")
    items = [settings.prefix + str(n) for n in range({i} % 17 + 3)]
    if not items:
        raise ValueError("no items for %s" % name)
    return {{"name": name, "items": items, "total": len(items)}}
"""
_SDK_PY = """from huaweicloudsdkbss.v2 import BssClient, ListCustomerOrdersRequest


def orders_{i}(client: BssClient):
    return client.list_customer_orders(ListCustomerOrdersRequest(limit=10))
"""
_SDK_GO = """package billing

import (
\tbss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
\t"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

func Orders{i}(client *bss.BssClient) {{
\t_, _ = client.ListCustomerOrders(&model.ListCustomerOrdersRequest{{}})
}}
"""
_SDK_JAVA = """import com.huaweicloud.sdk.bss.v2.BssClient;

class Orders{i} {{
    Object run(BssClient bssClient, Object request) {{
        return bssClient.listCustomerOrders(request);
    }}
}}
"""
# The floor reads every file and parses the Python files that may call BSS, found by the
# quickest test there is (substrings, then ``/v`` and a digit): what any scanner must do.
SCAN_FLOOR = (
    "import ast, pathlib, re, sys\n"
    "versioned = re.compile(rb'/v[0-9]')\n"
    "for path in pathlib.Path(sys.argv[1]).rglob('*'):\n"
    "    if path.is_file():\n"
    "        data = path.read_bytes()\n"
    "        may = b'bss' in data or b'BSS' in data or b'Bss' in data or versioned.search(data)\n"
    "        if path.suffix == '.py' and may:\n"
    "            for node in ast.walk(ast.parse(data)):\n"
    "                pass\n"
)


def generate_tree(folder: Path, files: int) -> int:
    """``files`` source files in folders of 100; every 50th calls the BSS SDK (Python, Go or
    Java in turn), the rest are ordinary Python modules of about 4 KB. Returns the calls."""
    calls = 0
    for index in range(files):
        sub = folder / f"pkg{index // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if index % 50 == 0:
            kind = (index // 50) % 3
            template, suffix = ((_SDK_PY, ".py"), (_SDK_GO, ".go"), (_SDK_JAVA, ".java"))[kind]
            (sub / f"calls_{index}{suffix}").write_text(template.format(i=index), "utf-8")
            calls += 1
        else:
            text = "import os\nimport re\n" + "".join(_PLAIN_PY.format(i=index * 40 + n) for n in range(40))
            (sub / f"module_{index}.py").write_text(text, "utf-8")
    return calls


def check_scan(bsscheck: list[str], folder: Path, calls: int, work: Path) -> list[str]:
    done = run([*bsscheck, "scan", str(folder), "--format", "json"], work, capture=True)
    if done.exit_code != 0:
        return [f"scan exited {done.exit_code}"]
    sites = json.loads(done.stdout)["summary"]["sites"]
    return [] if sites == calls else [f"scan found {sites} call site(s), not {calls}"]


def check_who_can(bsscheck: list[str], folder: Path, files: int, work: Path) -> list[str]:
    done = run([*bsscheck, "who-can", WHO_CAN_API, "-g", str(folder), "--format", "json"], work, capture=True)
    if done.exit_code != 0:
        return [f"who-can exited {done.exit_code}"]
    accounts = json.loads(done.stdout)["summary"]["accounts"]
    return [] if accounts == files else [f"who-can answered for {accounts} account(s), not {files}"]


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Row:
    name: str
    measured: float
    baseline: float | None
    target: str
    passed: bool
    rss: str = ""
    ratio: float | None = None  # when not measured / baseline (paired runs, instructions)
    unit: str = "s"

    def cells(self) -> list[str]:
        ratio = self.ratio
        if ratio is None and self.baseline:
            ratio = self.measured / self.baseline
        return [
            self.name,
            self._amount(self.measured),
            self._amount(self.baseline) if self.baseline else "-",
            f"{ratio:.2f}x" if ratio is not None else "-",
            self.target,
            "PASS" if self.passed else "FAIL",
            self.rss,
        ]

    def _amount(self, value: float) -> str:
        return f"{value / 1e6:.0f} M" if self.unit == "instructions" else f"{value:.3f} s"


def print_table(rows: list[Row]) -> None:
    header = ["target", "measured", "baseline", "ratio", "goal", "result", "peak RSS"]
    lines = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def mib(kib: int | None) -> str:
    return f"{kib / 1024:.1f} MiB" if kib is not None else "n/a"


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, few runs: a smoke run")
    parser.add_argument("--no-timing", action="store_true", help="make the inputs and check the answers only")
    parser.add_argument("--keep", metavar="DIR", help="generate the inputs in DIR and keep them")
    parser.add_argument(
        "--instructions", action="store_true", help="also count start-up CPU instructions (needs valgrind)"
    )
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL
    bsscheck = bsscheck_command()
    work = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="bsscheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _measure(bsscheck, work, sizes, options.no_timing, options.instructions)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def _measure(bsscheck: list[str], work: Path, sizes: Sizes, no_timing: bool, count_instructions: bool) -> int:
    print(f"bsscheck: {' '.join(bsscheck)}")
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPU(s)"
    )
    partner_grants = SAMPLES / "partner-grants.yaml"
    customer_grants = SAMPLES / "customer-grants.yaml"
    rows = table_rows(bsscheck, work)

    started = time.perf_counter()
    log = generate_api_log(work / "api.log", sizes.log_lines, rows)
    tenth = generate_api_log(work / "api-tenth.log", max(sizes.log_lines // 10, 1), rows)
    has_who_can = who_can_available(bsscheck, work)
    fleet = work / "fleet"
    if has_who_can:
        generate_grants(fleet, sizes.grants_files, rows)
    size = log.path.stat().st_size
    print(
        f"inputs in {time.perf_counter() - started:.1f} s: API log of {log.lines:,} lines "
        f"({size / 1e6:.1f} MB, {log.apis:,} APIs, {len(log.distinct):,} distinct lines)"
        + (f", {sizes.grants_files:,} grants files" if has_who_can else "")
    )

    problems: list[str] = []
    endpoints, found = check_unique(bsscheck, log, customer_grants, work)
    problems += found
    print(f"--unique: {endpoints} endpoint(s) for {log.apis:,} API line(s)" + ("" if found else ", checked"))
    tree = work / "tree"
    tree_calls = generate_tree(tree, sizes.scan_files)
    problems += check_scan(bsscheck, tree, tree_calls, work)
    if has_who_can:
        problems += check_who_can(bsscheck, fleet, sizes.grants_files, work)
    else:
        print("who-can: who-can not available (this bsscheck has no who-can command); skipped")
    table: list[Row] = []
    bench = sys.modules[__name__]
    scale_inputs, found = scale.prepare(bench, bsscheck, work, rows, sizes.scale)
    problems += found
    for problem in problems:
        print(f"WRONG ANSWER: {problem}")
    if no_timing:
        return 1 if problems else 0

    baseline_command = [sys.executable, "-c", "import click, yaml"]
    startup_commands = {
        kind: [*bsscheck, "can-call", "-g", str(grants), STARTUP_API, "--format", "json"]
        for kind, grants in (("partner", partner_grants), ("customer", customer_grants))
    }
    startup = interleaved(
        {"baseline": baseline_command, **startup_commands},
        sizes.startup_runs,
        work,
    )
    baseline = median_seconds(startup["baseline"])
    for kind in startup_commands:
        ratio = paired_ratio(startup[kind], startup["baseline"])
        table.append(
            Row(
                f"start-up: can-call --format json, 1 API, {kind}",
                median_seconds(startup[kind]),
                baseline,
                "<= 1.5x",
                ratio <= 1.5,
                ratio=ratio,
            )
        )
    if count_instructions:
        counted_baseline = instructions(baseline_command, work)
        for kind, command in startup_commands.items():
            counted = instructions(command, work)
            if counted is None or counted_baseline is None:
                print("--instructions: valgrind is not available (or reported nothing); not counted")
                break
            table.append(
                Row(
                    f"start-up in CPU instructions, {kind}",
                    counted,
                    counted_baseline,
                    "<= 1.5x",
                    counted <= 1.5 * counted_baseline,
                    unit="instructions",
                )
            )

    split_loop = "\n".join(
        [
            "import sys",
            "with open(sys.argv[1], encoding='utf-8') as f:",
            "    for line in f:",
            "        line.split()",
        ]
    )
    unique_command = [
        *bsscheck,
        "can-call",
        "-g",
        str(customer_grants),
        "--unique",
        "--format",
        "json",
        "--apis",
    ]
    split = [sys.executable, "-c", split_loop]
    measured, baseline, peak = versus_floor(unique_command, log.path, split, sizes.unique_runs, work)
    table.append(
        Row(
            f"can-call --unique, {log.lines:,}-line log",
            measured,
            baseline,
            "<= 4x",
            measured <= 4 * baseline,
            mib(peak),
        )
    )

    full_list = generate_api_log(work / "api-list.txt", sizes.list_lines, rows, seed=3)
    full_tenth = generate_api_log(work / "api-list-tenth.txt", max(sizes.list_lines // 10, 1), rows, seed=3)
    full_command = [
        *bsscheck,
        "can-call",
        "-g",
        str(customer_grants),
        "--format",
        "json",
        "--max-file-size",
        "1000000000",
        "--apis",
    ]
    # The floor writes what such a report cannot avoid writing: a result record per line,
    # serialised by the C encoder (a real record of this account, taken from one run).
    sample = work / "one-api.txt"
    sample.write_text(f"{STARTUP_API}\n", encoding="utf-8")
    one = run([*full_command, str(sample)], work, capture=True)
    record_file = work / "record.json"
    record_file.write_text(json.dumps(json.loads(one.stdout)["results"][0]), encoding="utf-8")
    write_loop = "\n".join(
        [
            "import json, sys",
            "record = json.loads(open(sys.argv[1], encoding='utf-8').read())",
            "with open(sys.argv[2], encoding='utf-8') as f:",
            "    for line in f:",
            "        line.split()",
            "        sys.stdout.write(json.dumps(record) + ',\\n')",
        ]
    )
    floor = [sys.executable, "-c", write_loop, str(record_file)]
    measured, baseline, peak_full = versus_floor(
        full_command, full_list.path, floor, max(1, sizes.unique_runs // 2), work
    )
    peak_full_tenth = peak_rss_kib([*full_command, str(full_tenth.path)], work)
    table.append(
        Row(
            f"can-call, every API reported, {full_list.lines:,}-line list",
            measured,
            baseline,
            "<= 6x",
            measured <= 6 * baseline,
            mib(peak_full),
        )
    )

    scan_command = [*bsscheck, "scan", "--format", "json"]
    scan_measured, scan_floor, scan_peak = versus_floor(
        scan_command, tree, [sys.executable, "-c", SCAN_FLOOR], max(1, sizes.who_can_runs), work
    )
    table.append(
        Row(
            f"scan, {sizes.scan_files:,}-file tree ({tree_calls} SDK calls)",
            scan_measured,
            scan_floor,
            "<= 2x",
            scan_measured <= 2 * scan_floor,
            mib(scan_peak),
        )
    )
    scale.measure(bench, bsscheck, work, scale_inputs, table)
    print()
    print_table(table)
    print()
    bare = peak_rss_kib([sys.executable, "-c", split_loop, str(log.path)], work)
    small = peak_rss_kib([*unique_command, str(tenth.path)], work)
    print(
        f"peak RSS: --unique {mib(peak)} over {log.lines:,} lines, {mib(small)} over {tenth.lines:,}; "
        f"the bare split loop {mib(bare)}"
    )
    print(
        f"peak RSS: every API reported {mib(peak_full)} over {full_list.lines:,} lines, "
        f"{mib(peak_full_tenth)} over {full_tenth.lines:,}"
    )
    print(
        "medians of interleaved runs (after a warm-up run of each); ratios are measured / baseline,"
        " start-up ratios the median of back-to-back pairs"
    )
    if not has_who_can:
        print("who-can not available: its target was not measured")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
