"""The child process of one mqttbed.run(): reads a job (JSON) on stdin, runs the scenario once
in this process (SimGrid's engine is process-global; live runs against a broker come here
too) and writes JSON lines to the protocol pipe: {"progress": {...}} and {"warning": "..."}
while running, then {"result": {...}} or {"error": ...}.

Ctrl-C belongs to the parent: this process ignores SIGINT and is ended by the parent with
SIGTERM, which the parent follows by deleting the staging folder it gave us."""
import json
import os
import signal
import sys
import threading


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol gets its own copy of stdout; fd 1 then points at stderr so that anything
    # else printing to stdout (C or C++ code) cannot corrupt the protocol.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    job = json.load(sys.stdin)
    lock = threading.Lock()

    def send(record):  # also called from the run's threads (progress, live warnings)
        with lock:
            protocol.write(json.dumps(record) + "\n")

    try:
        from mqttbed import _mqttbed
        if "shard" in job:  # one shard of a sharded run, on a cluster worker (mqttbed/cluster.py)
            _mqttbed.run_shard_text(job["text"], job["file"], job.get("seed"), job["shard"],
                                    job["count"], job["dir"], job.get("mutation", ""))
            send({"result": {"shard": job["shard"]}})
            return 0
        if job.get("compare"):
            send({"result": _mqttbed.compare_scenario_text(
                job["text"], job["file"], seed=job.get("seed"), out_dir=job["out_dir"],
                transports=job["compare"])})
            return 0
        result = _mqttbed.run_scenario_text(
            job["text"], job["file"], seed=job.get("seed"), out_dir=job["out_dir"],
            history_path=job.get("history_path", ""), mutation=job.get("mutation", ""),
            junit_path=job.get("junit_path", ""), shards=job.get("shards", 1),
            retry_shards=job.get("retry_shards", 0), shard_dir=job.get("shard_dir", ""),
            on_progress=(lambda p: send({"progress": p})) if job.get("progress") else None,
            live=job.get("live") or {}, on_warning=lambda message: send({"warning": message}))
    except ValueError as error:
        send({"error": {"type": "ValueError", "message": str(error)}})
        return 2
    except Exception as error:  # reported to the parent, which raises it
        send({"error": {"type": type(error).__name__, "message": str(error)}})
        return 3
    send({"result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
