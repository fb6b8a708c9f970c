"""Sharded runs (docs/simulation.md, "Sharded runs"): a shard killed mid-run fails the run naming
it (exit 3, no report) or is rerun with --retry-shards; and on a real Dask cluster (a scheduler
and two worker processes on loopback, started here) a sharded run's verdicts equal the local
run's, a killed worker fails the run naming the shard, and with retry_shards it is rerun."""
import json
import re
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

import mqttbed
from conftest import ROOT, mqttbed_binary

FLAKY = ROOT / "scenarios" / "flaky-network.yaml"


def report_without_wall_clock(path):
    report = json.loads(pathlib.Path(path).read_text())
    report.pop("wall_clock")
    return report


def verdict_statuses(report):
    return [(v["guarantee"], v["status"]) for v in report["verdicts"]]


def wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def children_of(pid):
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def run_cli(args, kill_a_shard=False):
    """`mqttbed run ARGS`; with kill_a_shard, SIGKILLs one shard process as soon as it runs."""
    process = subprocess.Popen([mqttbed_binary(), "run", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    if kill_a_shard:
        victim = wait_for(lambda: children_of(process.pid), "the shard processes")[-1]
        os.kill(victim, signal.SIGKILL)
    output, _ = process.communicate(timeout=600)
    return process.returncode, output


def test_a_killed_shard_fails_the_run_naming_it(tmp_path):
    out = tmp_path / "killed"
    code, output = run_cli([str(FLAKY), "--quiet", "--no-html", "--shards", "2", "--out",
                            str(out)], kill_a_shard=True)
    assert code == 3, output
    assert re.search(r"sharded run: shard [01]/2 failed: killed by signal 9", output), output
    assert not (out / "report.json").exists()


def test_a_killed_shard_is_rerun_with_retry_shards(tmp_path):
    code, output = run_cli([str(FLAKY), "--quiet", "--no-html", "--shards", "2", "--out",
                            str(tmp_path / "plain")])
    assert code in (0, 1), output
    code, output = run_cli([str(FLAKY), "--quiet", "--no-html", "--shards", "2",
                            "--retry-shards", "1", "--out", str(tmp_path / "retried")],
                           kill_a_shard=True)
    assert code in (0, 1), output
    assert re.search(r"shard [01]/2 failed \(killed by signal 9.*\); running it again", output), \
        output
    # The rerun shard plays exactly what it would have: the report is the same.
    assert (report_without_wall_clock(tmp_path / "retried" / "report.json") ==
            report_without_wall_clock(tmp_path / "plain" / "report.json"))


@pytest.fixture
def dask_cluster(tmp_path):
    """A dask-scheduler and two dask-worker processes (one thread each, no nanny, so a killed
    worker stays dead) on 127.0.0.1; the scheduler gives up on a task after one dead worker
    (allowed-failures 0), leaving reruns to mqttbed. Yields (client, worker processes)."""
    distributed = pytest.importorskip("distributed")
    env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="0")
    scheduler_file = tmp_path / "scheduler.json"
    bin_dir = pathlib.Path(sys.executable).parent
    dask_tool = lambda name: shutil.which(name) or str(bin_dir / name)
    logs = open(tmp_path / "dask.log", "w")
    processes = [subprocess.Popen(
        [dask_tool("dask-scheduler"), "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)], env=env, stdout=logs, stderr=logs)]
    try:
        wait_for(scheduler_file.exists, "the scheduler file")
        workers = [subprocess.Popen(
            [dask_tool("dask-worker"), "--scheduler-file", str(scheduler_file), "--host",
             "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            env=env, stdout=logs, stderr=logs) for _ in range(2)]
        processes += workers
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout=60)
        try:
            client.wait_for_workers(2, timeout=120)
            yield client, workers
        finally:
            client.close()
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        logs.close()


def test_dask_sharded_run_matches_the_local_runs(tmp_path, dask_cluster):
    client, _ = dask_cluster
    local = mqttbed.run(FLAKY, seed=5, out_dir=tmp_path / "local", html=False)
    local_sharded = mqttbed.run(FLAKY, seed=5, out_dir=tmp_path / "local2", html=False, shards=2)
    on_dask = mqttbed.run(FLAKY, seed=5, out_dir=tmp_path / "dask", html=False, shards=2,
                          client=client, shard_dir=tmp_path / "shards")
    assert verdict_statuses(on_dask.json) == verdict_statuses(local.json)
    assert verdict_statuses(on_dask.json)
    # Where the shards run changes nothing: the same report as the local sharded run.
    assert (report_without_wall_clock(on_dask.report_path) ==
            report_without_wall_clock(local_sharded.report_path))


def run_and_kill_a_worker(client, workers, shard_dir, out_dir, **kwargs):
    """mqttbed.run on the cluster (a longer flaky-network) in a thread; SIGKILLs the worker of a
    shard while that shard is half-written. Returns (result or exception, killed shard)."""
    scenario = mqttbed.Scenario.load(FLAKY)
    scenario.set("duration", "40m")
    outcome = {}

    def target():
        try:
            outcome["result"] = mqttbed.run(scenario, seed=5, out_dir=out_dir, html=False,
                                            shards=2, client=client, shard_dir=shard_dir,
                                            **kwargs)
        except Exception as error:  # handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    partial = wait_for(lambda: sorted(shard_dir.glob("shard-*.jsonl.tmp")),
                       "a shard's history being written")[0]
    shard = int(partial.name.split("-")[1].split(".")[0])
    pids = client.run(os.getpid)
    running = {addr: keys for addr, keys in client.processing().items()}
    address = next(addr for addr, keys in running.items()
                   if any(f"mqttbed-shard-{shard}-of-2" in str(k) for k in keys))
    assert not (shard_dir / f"shard-{shard}.json").exists(), "the shard finished too soon"
    os.kill(pids[address], signal.SIGKILL)
    thread.join(timeout=600)
    return outcome, shard


def test_a_killed_dask_worker_fails_the_run_naming_the_shard(tmp_path, dask_cluster):
    client, workers = dask_cluster
    outcome, shard = run_and_kill_a_worker(client, workers, tmp_path / "shards", tmp_path / "out")
    error = outcome.get("error")
    assert isinstance(error, mqttbed.ShardFailed), outcome
    assert f"shard {shard}/2 failed: its Dask worker died" in str(error)
    assert not (tmp_path / "out" / "report.json").exists()


def test_a_killed_dask_worker_s_shard_is_rerun(tmp_path, dask_cluster):
    client, workers = dask_cluster
    outcome, _ = run_and_kill_a_worker(client, workers, tmp_path / "shards", tmp_path / "out",
                                       retry_shards=1)
    assert "result" in outcome, outcome
    assert (tmp_path / "out" / "report.json").exists()
    assert outcome["result"].verdicts
