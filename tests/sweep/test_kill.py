"""Killing a real sweep process (SIGKILL, Ctrl-C) loses at most the runs in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from simulation.sweep import run_experiment
from simulation.sweep.parts import run_ids

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")

EXPERIMENT = """
name = "killme"
steps = 36
replications = 12
seed = 3

[fixed]
n_organisations = 60

[vary]
pressure = [0.2, 0.5, 0.8]
"""
N_RUNS = 36


def start_sweep(path: Path, out: Path, token: str) -> subprocess.Popen:
    env = os.environ | {"SWEEP_TEST_TOKEN": token}
    env.pop("ALLIANCES_SWEEP_FAIL", None)
    command = [sys.executable, "-m", "simulation.cli", "sweep", str(path), "--out", str(out),
               "--workers", "2"]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def finished(out: Path) -> set[str]:
    """Run ids in the visible ``runs`` parts (read while the sweep merges them)."""
    for _ in range(20):
        try:
            return run_ids(out) if (out / "runs").is_dir() else set()
        except OSError:  # a part merged away between listing and reading
            time.sleep(0.01)
    return run_ids(out)


def wait_for_parts(process: subprocess.Popen, out: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(finished(out)) < count:
        if process.poll() is not None:
            pytest.fail(f"the sweep ended before it could be stopped: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("no parts appeared")
        time.sleep(0.02)


def processes_with(token: str) -> list[int]:
    """Processes whose environment holds the token: the sweep, its forkserver and workers."""
    needle = f"SWEEP_TEST_TOKEN={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_gone(token: str, timeout: float = 15) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := processes_with(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:  # do not leave them behind even if the test fails
        os.kill(pid, signal.SIGKILL)
    return left


def check_complete(out: Path, reference: Path) -> None:
    assert [p.name for p in (out / "runs").iterdir()] == ["part-0.parquet"]
    assert not (out / ".journal").exists()
    for table in ("runs", "alliances", "timeseries"):
        got = pd.read_parquet(out / table)
        want = pd.read_parquet(reference / table)
        assert len(got) == len(want)
        if table == "runs":
            assert got["run_id"].is_unique and len(got) == N_RUNS
        keys = ["run_id"] + [k for k in ("alliance_id", "step") if k in got.columns]
        # other people may commit while this test runs; the provenance columns follow
        got, want = (
            f.drop(columns=["git_commit", "package_version"], errors="ignore") for f in (got, want)
        )
        pd.testing.assert_frame_equal(
            got.sort_values(keys).reset_index(drop=True),
            want.sort_values(keys).reset_index(drop=True),
            check_exact=True,
        )


@pytest.fixture
def experiment(write_experiment):
    return write_experiment(EXPERIMENT)


@pytest.fixture
def reference(experiment, tmp_path):
    out = tmp_path / "reference"
    assert run_experiment(experiment, out).ok
    return out


def test_sigkill_loses_only_runs_in_flight_and_the_rerun_completes(experiment, reference, tmp_path):
    out = tmp_path / "out"
    token = uuid.uuid4().hex
    process = start_sweep(experiment, out, token)
    wait_for_parts(process, out, 4)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # the workers notice that the sweep is gone and stop
    assert wait_until_gone(token) == []
    kept = len(finished(out))
    assert 4 <= kept < N_RUNS

    rerun = start_sweep(experiment, out, token)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert f"{N_RUNS} runs planned" in stdout and "0 failed" in stdout
    # runs that were only in chunk journals when the sweep was killed are kept too
    already = int(stdout.split(" already done")[0].rsplit(" ", 1)[1])
    assert already >= kept
    assert not list(out.rglob(".*.tmp-*"))
    check_complete(out, reference)
    assert wait_until_gone(token) == []


def test_ctrl_c_stops_cleanly_with_exit_130_and_the_rerun_completes(
    experiment, reference, tmp_path
):
    out = tmp_path / "out"
    token = uuid.uuid4().hex
    process = start_sweep(experiment, out, token)
    wait_for_parts(process, out, 4)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "interrupted:" in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert wait_until_gone(token) == []
    kept = len(finished(out))
    assert 4 <= kept < N_RUNS

    rerun = start_sweep(experiment, out, token)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert f"{kept} already done" in stdout
    check_complete(out, reference)
