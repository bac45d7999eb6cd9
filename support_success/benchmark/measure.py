"""Run one benchmark step in its own process and measure it.

Each step is a child process, so its peak memory is its own: ``os.wait4`` returns the
child's resource usage, whose ``ru_maxrss`` is the peak resident set of that process (and of
any process it waited for). DuckDB runs inside the child, so its buffer pool is included.
Steps therefore never inherit each other's peaks, as they would if they ran in the
benchmark's own process.

One Linux detail matters: a process's ``ru_maxrss`` starts at the resident size of the
process that forked it (at ``exec`` the kernel records the high-water mark of the memory
the child shared with its parent). A step started straight from a large parent (pytest
with Dagster and GX imported, or a benchmark that already ran queries in-process) would
report at least the parent's size. So each step is started by a tiny launcher process
(``_LAUNCHER``: bare Python, standard library only) that starts the step, waits for it with
``os.wait4`` and hands its rusage back in a file: the step is forked from a few-MB process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULT_PREFIX = "BENCHMARK_RESULT "

# Runs argv[2:] as its child, waits for it, writes its exit code and rusage to argv[1].
_LAUNCHER = """
import json, os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "maxrss": ru.ru_maxrss,
               "cpu": ru.ru_utime + ru.ru_stime}, out)
"""


@dataclass
class StepResult:
    name: str
    seconds: float | None  # wall clock of the whole child process; None = not run
    peak_rss_bytes: int | None
    returncode: int | None
    cpu_seconds: float | None = None  # user + system CPU of the child (all its threads)
    status: str = "ok"  # ok, failed, cached, not available, skipped
    detail: dict = field(default_factory=dict)  # what the step reported (BENCHMARK_RESULT line)
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "cached", "skipped", "not available")

    def as_dict(self) -> dict:
        return asdict(self)


def run_step(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
) -> StepResult:
    """Run ``argv`` as a child process; wall clock and peak RSS of that child.

    Output goes to ``log`` (or is kept in memory); a line ``BENCHMARK_RESULT {json}``
    printed by the child is parsed into ``detail``.
    """
    log_handle = open(log, "w") if log else None  # noqa: SIM115
    with tempfile.TemporaryDirectory(prefix="benchmark-step-") as scratch:
        usage_file = Path(scratch) / "rusage.json"
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER, str(usage_file), *argv],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if log_handle:
                log_handle.write(line)
                log_handle.flush()
            if len(lines) > 2000:
                del lines[:1000]
        launcher_code = proc.wait()
        seconds = time.perf_counter() - start
        if log_handle:
            log_handle.close()
        if launcher_code != 0 or not usage_file.exists():
            # The launcher itself failed (e.g. the command does not exist): no measurement.
            return StepResult(
                name=name,
                seconds=seconds,
                peak_rss_bytes=None,
                returncode=launcher_code or 1,
                status="failed",
                output_tail="".join(lines[-30:]),
            )
        usage = json.loads(usage_file.read_text())
    proc.returncode = usage["returncode"]
    detail: dict = {}
    for line in lines:
        if line.startswith(RESULT_PREFIX):
            detail.update(json.loads(line[len(RESULT_PREFIX) :]))
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    peak = usage["maxrss"] * (1 if sys.platform == "darwin" else 1024)
    return StepResult(
        name=name,
        seconds=seconds,
        peak_rss_bytes=peak,
        returncode=proc.returncode,
        cpu_seconds=usage["cpu"],
        status="ok" if proc.returncode == 0 else "failed",
        detail=detail,
        output_tail="".join(lines[-30:]),
    )


def report(detail: dict) -> None:
    """For a child step: hand figures back to the benchmark (one line on stdout)."""
    print(RESULT_PREFIX + json.dumps(detail, default=str), flush=True)


def python() -> str:
    return sys.executable


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(overrides)
    return env
