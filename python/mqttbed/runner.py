"""mqttbed.run(): one run in a child process, simulated or live against a real broker
(broker="tcp://host:port"), results back as Python objects.

SimGrid's engine is process-global and cannot be created twice in one process, so every run
starts `python -m mqttbed._worker`, which runs the scenario once and exits (live runs too:
same protocol, same clean-up). The child writes into a staging folder next to the output
folder; only a finished run's files are moved into place, so Ctrl-C (KeyboardInterrupt) or
a crash leaves no half-written files: the child is terminated and the staging folder
deleted."""
import dataclasses
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings

from mqttbed import _mqttbed, cluster
from mqttbed.cluster import ShardFailed
from mqttbed.history import read_history
from mqttbed.results import Report
from mqttbed.scenario import Scenario

BrokerUnreachable = _mqttbed.BrokerUnreachable  # a ConnectionError


@dataclasses.dataclass(frozen=True)
class Progress:
    now_s: float             # virtual time reached
    end_s: float             # virtual time the run ends (duration + settle)
    events: int              # events processed so far
    connected_clients: int

    @property
    def fraction(self):
        return min(1.0, self.now_s / self.end_s) if self.end_s > 0 else 0.0


class RunResult(Report):
    """A finished run: its report (verdicts, expectations, metrics) and its files.
    `broker` is the URL of a live run, None for a simulated one."""

    def __init__(self, j, out_dir, html_path, history_path, summary_text, broker=None,
                 junit_path=None):
        out_dir = pathlib.Path(out_dir)
        super().__init__(j, out_dir / "report.json")
        self.out_dir = out_dir
        self.report_path = out_dir / "report.json"
        self.html_path = pathlib.Path(html_path) if html_path else None
        self.history_path = pathlib.Path(history_path) if history_path else None
        self.summary_text = summary_text
        self.broker = broker
        self.junit_path = pathlib.Path(junit_path) if junit_path else None  # JUnit XML, if asked

    def history(self):
        """Iterator over the run's history events (run with history=True or a path)."""
        if self.history_path is None:
            raise ValueError("this run kept no history: pass history=True to mqttbed.run()")
        return read_history(self.history_path)

    def __repr__(self):
        live = f", broker={self.broker!r}" if self.broker else ""
        return (f"RunResult({self.scenario.get('name')!r}, seed={self.scenario.get('seed')}, "
                f"passed={self.passed}{live}, out_dir={str(self.out_dir)!r})")


def _as_scenario(scenario):
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, dict):
        return Scenario.from_dict(scenario)
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.load(scenario)
    raise TypeError(f"expected a Scenario, a dict or a path, found {type(scenario).__name__}")


def _child_env():
    env = dict(os.environ)
    package_root = str(pathlib.Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return env


def _stop(child):
    """Ends the child: SIGTERM, and SIGKILL if it is still there after a grace period."""
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _run_worker(job, staging, on_progress):
    """Runs `job` in a `mqttbed._worker` child whose stderr goes to staging/worker.log;
    returns (its final record or None, its exit status, the log's text)."""
    with open(staging / "worker.log", "w+") as log:
        child = subprocess.Popen([sys.executable, "-m", "mqttbed._worker"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                 text=True, env=_child_env(), start_new_session=True)
        try:
            outcome = _communicate(child, job, on_progress)
        finally:
            _stop(child)
            child.stdout.close()
        log.seek(0)
        return outcome, child.returncode, log.read()


def _communicate(child, job, on_progress):
    """Sends the job and reads the protocol until the child exits; returns its last record."""
    child.stdin.write(json.dumps(job))
    child.stdin.close()
    outcome = None
    for line in child.stdout:
        record = json.loads(line)
        if "progress" in record:
            if on_progress is not None:
                on_progress(Progress(**record["progress"]))
        elif "warning" in record:
            warnings.warn(record["warning"], RuntimeWarning, stacklevel=3)
        else:
            outcome = record
    child.wait()
    return outcome


def _live_job(broker, live):
    """The live options of a job, the CLI's flags by keyword (docs/live.md); {} to simulate."""
    known = _mqttbed.live_options()
    unknown = sorted(set(live) - set(known))
    if unknown:
        raise TypeError(f"run() got unexpected keyword argument(s) {', '.join(unknown)} "
                        f"(live options: {', '.join(k for k in known if k != 'broker')})")
    given = {key: value for key, value in live.items() if value is not None and value is not False}
    if broker is None:
        if given:
            raise ValueError(f"{', '.join(sorted(given))}: live options need "
                             f"broker=\"tcp://host:port\"")
        return {}
    return dict(given, broker=str(broker))


def run(scenario, *, seed=None, out_dir=None, history=False, mutation=None, on_progress=None,
        html=True, broker=None, junit=None, shards=1, client=None, retry_shards=0,
        shard_dir=None, **live):
    """Runs `scenario` (a Scenario, a dict or a file path) in a child process: simulated, or
    live in real time against `broker` ("tcp://host:port" or "ssl://host:port").

    seed: overrides the scenario's seed. out_dir: where report.json (and report.html,
    history.jsonl) go, default runs/<name>-<seed>/. history: True keeps the history as
    out_dir/history.jsonl, a path keeps it there. mutation: a test-only broker misbehaviour
    (e.g. "skip_will", see sim/broker/broker.h). on_progress(Progress) is called about once
    per virtual second (per real second live). junit: a path to also write the verdicts as
    JUnit XML, as the CLI's --junit (one testcase per guarantee and per expect: threshold).

    Live only, the CLI's flags as keywords (mqttbed._mqttbed.live_options()): client_prefix
    (client ids on the wire), username and password (every client's), cafile (TLS trust
    store), broker_restart_cmd (`CMD crash` / `CMD restart` for broker_crash faults),
    emulate_latency (the fault proxy adds the scenario's network latency), live_processes.
    Warnings of the live run (faults it cannot act out) are issued as RuntimeWarning.

    Sharded (docs/simulation.md, "Sharded runs"): shards=N splits the fleet by account into N
    shards, each simulated by a process of its own, histories merged in time order and judged
    once. client: a dask.distributed Client; the shards then run as its tasks, leaving their
    files in shard_dir (a folder the workers and this machine share; default a temporary
    folder beside out_dir). retry_shards: how often a failed shard is run again before the
    run fails with ShardFailed (a RuntimeError naming the shard; no report is written).

    Raises ScenarioError (ValueError) for a bad scenario, ValueError for a bad argument,
    BrokerUnreachable (a ConnectionError) when the broker does not accept a probe connection
    within seconds, RuntimeError when the run fails; KeyboardInterrupt stops the child and
    leaves nothing behind."""
    live = _live_job(broker, live)
    shards, retry_shards = int(shards), int(retry_shards)
    if client is not None and shards < 2:
        raise ValueError("client: a Dask client runs the shards of a sharded run; give shards=N "
                         "(N > 1)")
    if shard_dir is not None and client is None:
        raise ValueError("shard_dir: the folder of a Dask run's shards; give client= too")
    scenario = _as_scenario(scenario)
    info = scenario.validate()
    run_seed = info["seed"] if seed is None else int(seed)
    out_dir = pathlib.Path(out_dir or f"runs/{info['name']}-{run_seed}")
    if history is True:
        history_path = out_dir / "history.jsonl"
    else:
        history_path = pathlib.Path(history) if history else None
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-",
                                            dir=out_dir.parent))
    job = {"text": scenario.to_yaml(), "file": scenario.source_name(), "seed": run_seed,
           "out_dir": str(staging), "mutation": mutation or "", "progress": on_progress is not None,
           "history_path": str(staging / "history.jsonl") if history_path else "", "live": live,
           "junit_path": str(staging / "junit.xml") if junit else "", "shards": shards,
           "retry_shards": retry_shards}
    try:
        if client is not None:
            job["shard_dir"] = str(pathlib.Path(shard_dir) if shard_dir else staging / "shards")
            shard_job = {key: job[key] for key in ("text", "file", "seed", "mutation")}
            cluster.run_shards(client, shard_job, shards, job["shard_dir"], retry_shards)
        outcome, returncode, log_text = _run_worker(job, staging, on_progress)
        if outcome is None or "error" in outcome:
            error = (outcome or {}).get("error") or {
                "type": "RuntimeError",
                "message": f"the run's child process ended with status {returncode}: "
                           f"{log_text.strip()[-2000:]}"}
            kind = {"ValueError": ValueError, "ShardingError": ValueError,
                    "ShardFailed": ShardFailed,
                    "BrokerUnreachable": BrokerUnreachable}.get(error["type"], RuntimeError)
            raise kind(error["message"])
        out_dir.mkdir(parents=True, exist_ok=True)
        if history_path:
            history_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging / "history.jsonl"), str(history_path))
        if junit:
            pathlib.Path(junit).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging / "junit.xml"), str(junit))
        os.replace(staging / "report.json", out_dir / "report.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    html_path = None
    if html:
        html_path = _mqttbed.write_report_html([str(out_dir / "report.json")],
                                               str(out_dir / "report.html"))
    with open(out_dir / "report.json", encoding="utf-8") as file:
        report = json.load(file)
    return RunResult(report, out_dir, html_path, history_path, outcome["result"]["summary"],
                     broker=live.get("broker"), junit_path=junit)


def write_report_html(report_paths, html_path=""):
    """Writes the HTML fleet report of one report.json, or two compared; returns its path."""
    if isinstance(report_paths, (str, os.PathLike)):
        report_paths = [report_paths]
    return _mqttbed.write_report_html([str(p) for p in report_paths], str(html_path))
