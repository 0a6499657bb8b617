"""Streams, signals and output files, through the installed command as a shell runs it.

Every case runs ``bsscheck`` (the console script beside this Python; ``python -m cli`` where the
package is not installed) under bash, with the redirections a CI script or a careless user
writes: a full disk, closed descriptors, a reader that stops early under ``set -o pipefail``,
``-o`` aimed at things a report must not replace, and SIGTERM in the middle of a write.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTNER = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"  # one API is not callable: exit 1
CALLABLE = "GET /v2/orders/customer-orders"  # callable with the partner sample: exit 0

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def bsscheck_argv() -> list[str]:
    script = shutil.which("bsscheck", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "cli"]


def bsscheck() -> str:
    return shlex.join(bsscheck_argv())


def shell(script: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("COLUMNS", "FORCE_"))
    }
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail\nB={bsscheck()}\n{script}"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("bsscheck: error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def big_api_list(folder: Path, lines: int) -> Path:
    apis = (ROOT / PARTNER_APIS).read_text("utf-8").splitlines()
    rows = [line for line in apis if line and not line.startswith("#")]
    path = folder / "big-apis.txt"
    path.write_text("\n".join(rows[i % len(rows)] for i in range(lines)) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- standard streams


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json", "sarif"])
def test_stdout_on_a_full_disk_is_one_line_and_exit_2(fmt):
    done = shell(f"$B can-call -g {PARTNER} --apis {PARTNER_APIS} --format {fmt} > /dev/full")
    assert done.returncode == 2, done
    assert "cannot write the report to standard output" in one_error_line(done)


def test_stdin_closed_is_one_line_and_exit_2():
    done = shell(f"$B can-call -g {PARTNER} --apis - <&-")
    assert done.returncode == 2, done
    assert "standard input is closed" in one_error_line(done)


def test_stdout_closed_is_one_line_and_exit_2_unless_the_report_goes_to_a_file(tmp_path):
    done = shell(f"$B can-call -g {PARTNER} --apis {PARTNER_APIS} >&-")
    assert done.returncode == 2, done
    assert "standard output is closed" in one_error_line(done)
    report = tmp_path / "report.json"
    done = shell(f"$B can-call -g {PARTNER} --apis {PARTNER_APIS} --format json -o {report} >&-")
    assert done.returncode == 1, done  # the finding, as with stdout open
    assert report.read_text("utf-8").startswith("{")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (f"can-call -g {PARTNER} '{CALLABLE}'", 0),
        (f"can-call -g {PARTNER} --apis {PARTNER_APIS}", 1),
        ("can-call -g no-such-file.yaml 'GET /v2/x'", 2),
        ("can-call -g samples/customer-grants.yaml 'GET /v2/orders/customer-orders'", 0),  # warns
    ],
)
def test_stderr_closed_changes_no_exit_code(args, code):
    assert shell(f"$B {args} > /dev/null").returncode == code
    done = shell(f"$B {args} > /dev/null 2>&-")
    assert done.returncode == code, done


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_a_reader_closing_the_pipe_keeps_the_exit_code(tmp_path, fmt):
    # Larger than a pipe's buffer, so the reader really leaves before bsscheck has written.
    apis = big_api_list(tmp_path, 3000)
    failing = shell(f"$B can-call -g {PARTNER} --apis {apis} --format {fmt} | head -1 > /dev/null")
    assert failing.returncode == 1, failing  # 1: an API is not callable, as without the pipe
    assert failing.stderr == "", failing.stderr
    passing = shell(
        f"yes '{CALLABLE}' | head -3000 > {tmp_path}/ok.txt\n"
        f"$B can-call -g {PARTNER} --apis {tmp_path}/ok.txt --format {fmt} | head -1 > /dev/null"
    )
    assert passing.returncode == 0, passing
    assert passing.stderr == "", passing.stderr
    browse = shell("$B apis | head -1 > /dev/null")
    assert browse.returncode == 0, browse


# --------------------------------------------------------------------------- -o


def test_dash_is_stdout(tmp_path):
    done = shell(f"$B can-call -g {ROOT / PARTNER} '{CALLABLE}' --format json -o -", cwd=tmp_path)
    assert done.returncode == 0, done
    assert done.stdout.startswith("{") and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
def test_a_device_is_never_replaced(tmp_path):
    # A null device of our own, not /dev/null: were the check ever to regress, this test must
    # not destroy the machine's /dev/null (as root, os.replace would).
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this container forbids creating device nodes")
    before = os.stat(device)
    done = shell(f"$B can-call -g {PARTNER} '{CALLABLE}' -o {device}")
    assert done.returncode == 2, done
    assert "not a regular file (a character device)" in one_error_line(done)
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_fifo_a_symlink_and_a_read_only_file_are_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = tmp_path / "target.json"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    read_only = tmp_path / "read-only.json"
    read_only.write_text("keep", encoding="utf-8")
    read_only.chmod(0o444)
    for path, words in ((fifo, "a FIFO"), (link, "symbolic link"), (read_only, "read-only")):
        done = shell(f"$B can-call -g {PARTNER} '{CALLABLE}' -o {path}")
        assert done.returncode == 2, done
        assert words in one_error_line(done)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()
    assert target.read_text("utf-8") == "keep" and read_only.read_text("utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo",
        "link.json",
        "read-only.json",
        "target.json",
    ]


def test_an_input_file_is_never_overwritten(tmp_path):
    apis = tmp_path / "apis.txt"
    shutil.copy(ROOT / PARTNER_APIS, apis)
    grants = tmp_path / "grants.yaml"
    shutil.copy(ROOT / PARTNER, grants)
    for target in (apis, grants):
        done = shell(f"$B can-call -g {grants} --apis {apis} -o {target}")
        assert done.returncode == 2, done
        assert "one of this run's input files" in one_error_line(done)
    assert apis.read_bytes() == (ROOT / PARTNER_APIS).read_bytes()
    assert grants.read_bytes() == (ROOT / PARTNER).read_bytes()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_file_of_another_user_in_a_world_writable_folder_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "report.json"
    theirs.write_text("theirs", encoding="utf-8")
    os.chown(theirs, 65534, 65534)
    done = shell(f"$B can-call -g {PARTNER} '{CALLABLE}' -o {theirs}")
    assert done.returncode == 2, done
    assert "belongs to another user" in one_error_line(done)
    assert theirs.read_text("utf-8") == "theirs" and theirs.stat().st_uid == 65534


def test_repeated_single_value_options_are_a_usage_error(tmp_path):
    done = shell(f"$B can-call -g {PARTNER} --apis {PARTNER_APIS} --apis samples/customer-apis.txt")
    assert done.returncode == 2, done
    assert "--apis is given twice" in done.stderr and done.stdout == ""
    done = shell(f"$B can-call -g {ROOT / PARTNER} '{CALLABLE}' -o a.json --output=b.json", cwd=tmp_path)
    assert done.returncode == 2 and "-o and --output are one option" in done.stderr
    assert list(tmp_path.iterdir()) == []
    # Options meant to repeat still do.
    done = shell(f"$B can-call -g {PARTNER} -g {PARTNER} '{CALLABLE}' --fail-on denied --fail-on near-miss")
    assert done.returncode == 0, done


# --------------------------------------------------------------------------- signals


def test_sigterm_during_the_write_leaves_no_temporary_and_the_old_report(tmp_path):
    apis = big_api_list(tmp_path, 60_000)
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.json"
    report.write_text("the previous report", encoding="utf-8")
    process = subprocess.Popen(
        [
            *bsscheck_argv(),
            "can-call",
            "-g",
            PARTNER,
            "--apis",
            str(apis),
            "--format",
            "json",
            "-o",
            str(report),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    seen_temporary = False
    while time.monotonic() < deadline and process.poll() is None:
        if any(name.endswith(".tmp") for name in os.listdir(out)):
            seen_temporary = True
            process.send_signal(signal.SIGTERM)
            break
        time.sleep(0.001)
    process.wait(timeout=90)
    assert seen_temporary, "the write finished before the temporary was seen; make the list larger"
    assert process.returncode == 128 + signal.SIGTERM
    assert os.listdir(out) == ["report.json"]
    assert report.read_text("utf-8") == "the previous report"
