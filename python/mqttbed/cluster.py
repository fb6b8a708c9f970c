"""Sharded runs on a Dask cluster (docs/simulation.md, "On a Dask cluster").

Each shard is one Dask task; the task starts `python -m mqttbed._worker` on its worker (SimGrid's
engine is process-global, so a shard needs a process of its own), which simulates the shard and
leaves its files in the shared shard folder. The coordinator (mqttbed.run) then merges the
shards' histories in time order and judges them once, in its own child process.

A worker that dies mid-shard: Dask itself reruns the task elsewhere up to the scheduler's
`distributed.scheduler.allowed-failures` (default 3) and then raises KilledWorker; set it to 0
to leave the decision to mqttbed, which reruns a failed shard `retry_shards` times and
otherwise raises ShardFailed naming the shard."""
import ctypes
import signal
import subprocess
import sys
import tempfile
import uuid


class ShardFailed(RuntimeError):
    """A shard of a sharded run did not finish; the message names it. No report is written."""


def _die_with_parent():
    # The shard's process ends with the worker that started it (a killed worker leaves no
    # shard behind writing into the shared folder).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _run_shard(job):
    """A Dask task: one shard, in a child process of this worker."""
    from mqttbed.runner import _child_env, _communicate
    import json
    with tempfile.TemporaryFile("w+") as log:
        child = subprocess.Popen([sys.executable, "-m", "mqttbed._worker"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                 text=True, env=_child_env(), preexec_fn=_die_with_parent)
        try:
            outcome = _communicate(child, job, None)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
        log.seek(0)
        log_text = log.read().strip()[-2000:]
    if outcome is None or "error" in outcome:
        message = (outcome or {}).get("error", {}).get("message") or (
            f"its process ended with status {child.returncode}: {log_text}")
        raise RuntimeError(message)
    return json.dumps({"shard": job["shard"]})


def _describe(error):
    if type(error).__name__ == "KilledWorker":
        return f"its Dask worker died ({error})"
    return f"{type(error).__name__}: {error}"


def run_shards(client, job, count, shard_dir, retry_shards=0):
    """Runs shards 0..count-1 of `job` (a worker job: scenario text, seed, mutation) as Dask tasks
    of `client`, each leaving its files in `shard_dir`; waits for all. A failed shard is
    submitted again up to `retry_shards` times, then ShardFailed names it (the other shards
    are cancelled)."""
    from distributed import as_completed
    run_id = uuid.uuid4().hex[:8]
    index = {}
    tries = [0] * count

    def submit(shard):
        shard_job = dict(job, shard=shard, count=count, dir=str(shard_dir))
        future = client.submit(_run_shard, shard_job, pure=False,
                               key=f"mqttbed-shard-{shard}-of-{count}-{run_id}-{tries[shard]}")
        index[future.key] = shard
        return future

    pending = as_completed([submit(shard) for shard in range(count)])
    for future in pending:
        if future.status == "finished":
            continue
        shard = index[future.key]
        error = future.exception()
        if tries[shard] < retry_shards:
            tries[shard] += 1
            print(f"mqttbed: shard {shard}/{count} failed ({_describe(error)}); running it "
                  f"again (retry {tries[shard]} of {retry_shards})", file=sys.stderr)
            pending.add(submit(shard))
            continue
        for other in list(pending.futures):
            other.cancel()
        retried = f" (after {tries[shard]} retries)" if tries[shard] else ""
        raise ShardFailed(f"sharded run: shard {shard}/{count} failed: {_describe(error)}"
                          f"{retried}; no report written")
