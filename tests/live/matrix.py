#!/usr/bin/python3
"""Broker regression matrix: the same scenario suite against several MQTT brokers, and which
guarantees each one kept, compared with what is declared for it.

    tests/live/matrix.py --brokers all --write docs/matrix.md     # regenerate docs/matrix.{md,json}
    tests/live/matrix.py --brokers installed                      # the ctest entry (broker_matrix)
    tests/live/matrix.py --brokers mosquitto --scenarios tests/live/data/live-faults.yaml

Brokers: mosquitto 2 (Debian), RabbitMQ 3 with its MQTT plugin (Debian rabbitmq-server),
aedes (npm, pinned in tests/live/brokers/aedes/package-lock.json) and mqttbed's own built-in
broker model (simulation, no --broker). Each live cell starts a fresh broker process on free
127.0.0.1 ports with a configuration written to a temporary folder, waits for its "ready"
log line (never a sleep), runs `mqttbed run SCENARIO --broker tcp://127.0.0.1:PORT` and
stops the broker.

Known, explained differences are declared per broker in tests/live/matrix_expected.json
(reason and documentation URL). Exit code 0 when every result is what is declared (every
guarantee kept unless declared otherwise), 1 when a result differs or a run failed, 2 on bad
usage. A broker that is not installed is skipped with a note for --brokers installed, and is
a failure when named explicitly (or with --brokers all).
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
# Not a scenario file: `mqttbed probe` (raw-packet conformance probes, docs/live.md).
PROBES = "probes"
# A scenario with an `identity:` section runs against each broker configured by `mqttbed
# broker-config` (TLS, the scenario's PKI, mqttbed's authorizer; docs/security.md); with this
# suffix the same file runs against the anonymous broker instead (row NAME-anonymous).
ANONYMOUS = "#anonymous"
SECURE = os.path.join(DATA, "live-secure.yaml")
DEFAULT_SCENARIOS = [os.path.join(DATA, name) for name in
                     ("live-default.yaml", "live-faults.yaml", "live-qos.yaml", "live-clean.yaml",
                      "live-crash.yaml", "live-regression.yaml")] + [SECURE, SECURE + ANONYMOUS,
                                                                     PROBES]
EXPECTED_FILE = os.path.join(HERE, "matrix_expected.json")
AEDES_DIR = os.path.join(HERE, "brokers", "aedes")
RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
# The order of the table's rows: the checkers' guarantees.
GUARANTEES = ["qos0", "qos1", "qos2", "ordering", "retained", "will", "sessions", "shadow",
              "isolation", "completeness"]
MAX_VIOLATIONS_KEPT = 3  # per guarantee and cell, in the JSON and Markdown output
RUN_TIMEOUT_S = 600


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class BrokerError(RuntimeError):
    pass


class ProcessBroker:
    """A broker process in its own process group, its output read by a thread (so the pipe
    never fills) into `log` and waited on with a condition variable: start() returns when the
    ready line appears, and fails when the process exits or the timeout passes first."""

    name = "?"
    ready_pattern = None  # bytes regex of the log line that says the broker listens
    start_timeout_s = 15

    def __init__(self, workdir):
        self.workdir = workdir
        self.port = free_port()
        self.process = None
        self.log = b""
        self.version = None
        self._lock = threading.Condition()
        self._reader = None

    # -- to override ------------------------------------------------------------------------
    def command(self):
        raise NotImplementedError

    def environment(self):
        return None

    def after_stop(self):
        pass

    # -- process handling -------------------------------------------------------------------
    @property
    def url(self):
        return f"tcp://127.0.0.1:{self.port}"

    def start(self):
        with self._lock:
            offset = len(self.log)
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        env=self.environment(), cwd=self.workdir,
                                        start_new_session=True)
        self._reader = threading.Thread(target=self._drain, args=(self.process,), daemon=True)
        self._reader.start()
        pattern = re.compile(self.ready_pattern)
        deadline = time.monotonic() + self.start_timeout_s
        with self._lock:
            while True:
                found = pattern.search(self.log, offset)
                if found:
                    self.version = self.version or found.groupdict().get("version", b"").decode()
                    break
                left = deadline - time.monotonic()
                if self.process.poll() is not None or left <= 0:
                    tail = self.log[offset:].decode(errors="replace")[-3000:]
                    why = "exited" if self.process.poll() is not None else \
                        f"was not ready after {self.start_timeout_s} s"
                    self.kill()
                    raise BrokerError(f"{self.name} {why}:\n{tail}")
                self._lock.wait(min(left, 1.0))
        # The ready line means the listener is open; a connection proves it (no sleep).
        if not port_accepts(self.port):
            self.kill()
            raise BrokerError(f"{self.name} logged ready but port {self.port} refuses connections")

    def _drain(self, process):
        while True:
            chunk = os.read(process.stdout.fileno(), 65536)
            with self._lock:
                if chunk:
                    self.log += chunk
                self._lock.notify_all()
            if not chunk:
                break
        process.stdout.close()

    def _signal_group(self, signal_number):
        try:
            os.killpg(self.process.pid, signal_number)
        except ProcessLookupError:
            pass

    def _end(self, signal_number, grace_s):
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal_number)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait()
        self._signal_group(signal.SIGKILL)  # anything the broker left in its group
        if self._reader is not None:
            self._reader.join(timeout=10)
        self.process = None

    def kill(self):
        """A crash: SIGKILL to the broker's process group."""
        self._end(signal.SIGKILL, 5)

    def stop(self):
        """A clean stop: SIGTERM to the group, SIGKILL after 30 s."""
        self._end(signal.SIGTERM, 30)
        self.after_stop()

    def restart(self):
        self.kill()
        self.start()

    def log_text(self):
        with self._lock:
            return self.log.decode(errors="replace")


class Mosquitto(ProcessBroker):
    """mosquitto 2 (Debian `mosquitto`), no persistence, a large queue as in tests/live."""

    name = "mosquitto"
    doc = "https://mosquitto.org/man/mosquitto-conf-5.html"
    ready_pattern = rb"mosquitto version (?P<version>\S+) running"

    @staticmethod
    def missing():
        return None if shutil.which("mosquitto") else "mosquitto is not installed (Debian mosquitto)"

    def command(self):
        config = os.path.join(self.workdir, "mosquitto.conf")
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\nmax_queued_messages 10000\nlog_dest stderr\n"
                    "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n")
        return ["mosquitto", "-c", config]


class RabbitMQ(ProcessBroker):
    """RabbitMQ (Debian `rabbitmq-server`) with rabbitmq_mqtt: a private node started as
    whoever runs the matrix, everything in the temporary folder, its own epmd on a free port
    (so neither a system epmd on 4369 nor the Debian service matter), loopback only."""

    name = "rabbitmq"
    doc = "https://www.rabbitmq.com/docs/mqtt"
    ready_pattern = rb"Server startup complete"
    # RabbitMQ refuses a user name without a password ("no password provided"), and the
    # gateways send one (their certificate attributes): every client uses this account
    # (mqttbed --username/--password), created at boot by default_user/default_pass.
    credentials = ("mqttbed", "matrix")
    start_timeout_s = 120  # a cold boot takes 10-20 s on a loaded 2-core machine

    def __init__(self, workdir):
        super().__init__(workdir)
        self.amqp_port, self.dist_port, self.epmd_port = free_port(), free_port(), free_port()
        self.node = f"mqttbed{os.getpid()}x{self.port}@localhost"

    @staticmethod
    def missing():
        return None if os.access(RABBITMQ_SERVER, os.X_OK) else \
            "RabbitMQ is not installed (Debian rabbitmq-server)"

    def environment(self):
        d = self.workdir
        env = dict(os.environ)
        env.update({
            "HOME": d,  # the Erlang cookie is written here, not to root's home
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.amqp_port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_MNESIA_BASE": os.path.join(d, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(d, "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(d, "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": os.path.join(d, "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(d, "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": os.path.join(d, "rabbitmq-env.conf"),
            "RABBITMQ_PID_FILE": os.path.join(d, "rabbitmq.pid"),
        })
        return env

    def command(self):
        d = self.workdir
        with open(os.path.join(d, "rabbitmq.conf"), "w") as f:
            f.write(f"listeners.tcp.default = 127.0.0.1:{self.amqp_port}\n"
                    f"mqtt.listeners.tcp.default = 127.0.0.1:{self.port}\n"
                    f"default_user = {self.credentials[0]}\n"
                    f"default_pass = {self.credentials[1]}\n"
                    "mqtt.allow_anonymous = true\n"
                    f"mqtt.default_user = {self.credentials[0]}\n"
                    f"mqtt.default_pass = {self.credentials[1]}\n"
                    "mqtt.vhost = /\nmqtt.exchange = amq.topic\n"
                    "log.console = true\nlog.console.level = info\nlog.file = false\n")
        with open(os.path.join(d, "enabled_plugins"), "w") as f:
            f.write("[rabbitmq_mqtt].\n")
        open(os.path.join(d, "rabbitmq-env.conf"), "w").close()
        return [RABBITMQ_SERVER]

    def start(self):
        super().start()
        found = re.search(rb"Starting RabbitMQ (\S+) on Erlang (\S+)", self.log)
        if found:
            self.version = f"{found.group(1).decode()} (Erlang {found.group(2).decode()})"

    def after_stop(self):
        # epmd daemonizes out of the node's process group: end the private one we caused.
        epmd = shutil.which("epmd") or "/usr/lib/erlang/bin/epmd"
        subprocess.run([epmd, "-kill"], env={**os.environ, "ERL_EPMD_PORT": str(self.epmd_port)},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


class Aedes(ProcessBroker):
    """aedes (npm, pinned by tests/live/brokers/aedes/package-lock.json, installed there by
    scripts/install-deps.sh with `npm ci`) with its default in-memory persistence."""

    name = "aedes"
    doc = "https://github.com/moscajs/aedes"
    ready_pattern = rb"aedes (?P<version>\S+) listening on"

    @staticmethod
    def missing():
        if not shutil.which("node"):
            return "node is not installed (Debian nodejs)"
        if not os.path.isdir(os.path.join(AEDES_DIR, "node_modules", "aedes")):
            return f"aedes is not installed (run `npm ci` in {os.path.relpath(AEDES_DIR, ROOT)})"
        return None

    def command(self):
        return ["node", os.path.join(AEDES_DIR, "server.js"), str(self.port)]


def free_port_run(count):
    """A port p with p .. p + count - 1 free a moment ago (broker-config's layout)."""
    while True:
        port = free_port()
        if port + count - 1 > 65535:
            continue
        try:
            for p in range(port + 1, port + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue


class ConfiguredMosquitto(Mosquitto):
    """mosquitto with `mqttbed broker-config`'s config_dir/mosquitto.conf (TLS listeners and
    mqttbed's authorizer plugin)."""

    def __init__(self, workdir, config_dir, port):
        super().__init__(workdir)
        self.config = os.path.join(os.path.abspath(config_dir), "mosquitto.conf")
        self.port = port

    def command(self):
        return ["mosquitto", "-c", self.config]


class Authorizer(ProcessBroker):
    """`mqttbed authorizer`: the endpoint RabbitMQ's HTTP auth backend and aedes' hooks ask."""

    name = "mqttbed authorizer"
    ready_pattern = rb"mqttbed authorizer listening on"

    def __init__(self, workdir, mqttbed, scenario, pki, port):
        super().__init__(workdir)
        self.arguments = [mqttbed, "authorizer", scenario, "--listen", f"127.0.0.1:{port}",
                          "--pki", pki]
        self.port = port

    def command(self):
        return self.arguments


class ConfiguredRabbitMQ(RabbitMQ):
    """RabbitMQ with the files `mqttbed broker-config --broker rabbitmq` wrote to config_dir
    (rabbitmq.conf, advanced.config, enabled_plugins); the node's own environment (name,
    ports, epmd, folders) as for the matrix. `port` is a listener the configuration opens."""

    def __init__(self, workdir, config_dir, port):
        super().__init__(workdir)
        self.config_dir = os.path.abspath(config_dir)
        self.port = port

    def environment(self):
        env = super().environment()
        for variable, name in (("RABBITMQ_CONFIG_FILE", "rabbitmq.conf"),
                               ("RABBITMQ_ADVANCED_CONFIG_FILE", "advanced.config"),
                               ("RABBITMQ_ENABLED_PLUGINS_FILE", "enabled_plugins")):
            env[variable] = os.path.join(self.config_dir, name)
        return env

    def command(self):
        open(os.path.join(self.workdir, "rabbitmq-env.conf"), "w").close()
        return [RABBITMQ_SERVER]


class ConfiguredAedes(Aedes):
    """aedes with `mqttbed broker-config --broker aedes`'s config_dir/aedes.json."""

    def __init__(self, workdir, config_dir, port):
        super().__init__(workdir)
        self.config = os.path.join(os.path.abspath(config_dir), "aedes.json")
        self.port = port

    def command(self):
        return ["node", os.path.join(AEDES_DIR, "server.js"), "--config", self.config]


def serve(broker, config_dir, port):
    """`--serve`: one broker with a generated configuration, for tests in other languages
    (tests/brokerconf): prints "serving BROKER VERSION" once it listens, or "missing: WHY"
    when the broker is not installed (exit 4); stops it on SIGTERM or SIGINT, or when stdin
    is a pipe and closes (the test that started it ended)."""
    configured = {"rabbitmq": ConfiguredRabbitMQ, "aedes": ConfiguredAedes}[broker]
    missing = configured.missing()
    if missing:
        print(f"missing: {missing}", flush=True)
        return 4
    with tempfile.TemporaryDirectory(prefix=f"mqttbed-serve-{broker}-") as workdir:
        instance = configured(workdir, config_dir, port)
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        if stat.S_ISFIFO(os.fstat(0).st_mode):  # a test's pipe: its end means the test ended
            threading.Thread(target=lambda: (sys.stdin.read(), stopping.set()),
                             daemon=True).start()
        try:
            instance.start()
        except BrokerError as error:
            print(f"error: {error}", flush=True)
            return 1
        print(f"serving {broker} {instance.version}", flush=True)
        try:
            # Forward the broker's log as it comes (the test shows it on failure).
            shown = 0
            while not stopping.wait(0.5):
                text = instance.log_text()
                sys.stderr.write(text[shown:])
                sys.stderr.flush()
                shown = len(text)
        finally:
            instance.stop()
            sys.stderr.write(instance.log_text()[shown:])
    return 0


class Builtin:
    """mqttbed's own broker model: the scenario simulated, no --broker."""

    name = "builtin"
    doc = "docs/simulation.md"
    url = None
    version = "simulation"

    def __init__(self, workdir):
        pass

    @staticmethod
    def missing():
        return None

    def start(self):
        pass

    def stop(self):
        pass


BROKERS = {b.name: b for b in (Mosquitto, RabbitMQ, Aedes, Builtin)}


class RestartControl:
    """`--broker-restart-cmd` for broker_crash faults: mqttbed runs `CMD crash` / `CMD restart`
    with /bin/sh; CMD is this script with --control SOCKET, which asks this server (a thread
    of the matrix run owning the broker) to SIGKILL the broker or start it again."""

    def __init__(self, broker, workdir):
        self.broker = broker
        self.path = os.path.join(workdir, "control.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def command(self):
        return f"/usr/bin/python3 {os.path.abspath(__file__)} --control {self.path}"

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                request = connection.recv(64).decode().strip()
                try:
                    if request == "crash":
                        self.broker.kill()
                    elif request == "restart":
                        self.broker.start()
                    else:
                        raise BrokerError(f"unknown request {request!r}")
                    connection.sendall(b"ok\n")
                except Exception as error:  # reported to the command, which exits non-zero
                    connection.sendall(f"error {error}\n".encode())

    def close(self):
        self.server.close()


def control_client(path, request):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(path)
        s.sendall(request.encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    print(answer.decode().strip())
    return 0 if answer.startswith(b"ok") else 1


# -- running a cell --------------------------------------------------------------------------
def scenario_file(path):
    return path[:-len(ANONYMOUS)] if path.endswith(ANONYMOUS) else path


def is_secure(path):
    """Runs with the broker configured from the scenario (it has an identity: section)."""
    if path == PROBES or path.endswith(ANONYMOUS):
        return False
    with open(path) as f:
        return re.search(r"^identity:", f.read(), re.MULTILINE) is not None


def scenario_name(path):
    if path.endswith(ANONYMOUS):
        return scenario_name(scenario_file(path)) + "-anonymous"
    return os.path.splitext(os.path.basename(path))[0]


def has_broker_crash(path):
    if path == PROBES:
        return False
    with open(scenario_file(path)) as f:
        return re.search(r"kind:\s*broker_crash", f.read()) is not None


def probe_guarantees(path):
    """`mqttbed probe --out` results as the matrix's guarantees: one row per probe."""
    with open(path) as f:
        results = json.load(f)
    guarantees = {}
    for r in results:
        violated = r["outcome"] == "violated"
        guarantees[r["probe"]] = {
            "kept": not violated,
            "counts": {"checked": 0 if r["outcome"] == "indeterminate" else 1},
            "violation_count": 1 if violated else 0,
            "violations": [{"invariant": r["probe"], "spec": r["spec_id"], "clients": [],
                            "excerpt": [f"expected: {r['expected']}",
                                        f"observed: {r['observed']}"]}] if violated else [],
        }
    return guarantees


def configured_broker(mqttbed, broker_class, scenario, workdir):
    """The broker configured by `mqttbed broker-config` from the scenario (and, for RabbitMQ
    and aedes, `mqttbed authorizer` started): (broker, authorizer or None, pki folder)."""
    port = free_port_run(3)  # certificates, tokens, the authorizer endpoint
    scenario = os.path.abspath(scenario)  # the authorizer runs in workdir
    config = os.path.join(workdir, "config")
    command = [mqttbed, "broker-config", scenario, "--broker", broker_class.name,
               "--out", config, "--port", str(port)]
    if broker_class is Mosquitto:
        command += ["--plugin", os.path.join(os.path.dirname(os.path.abspath(mqttbed)),
                                             "mqttbed_mosquitto_auth.so")]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    pki = os.path.join(config, "pki")
    authorizer = None
    if broker_class is not Mosquitto:
        authorizer = Authorizer(workdir, mqttbed, scenario, pki, port + 2)
        authorizer.start()
    configured = {Mosquitto: ConfiguredMosquitto, RabbitMQ: ConfiguredRabbitMQ,
                  Aedes: ConfiguredAedes}[broker_class]
    return configured(workdir, config, port), authorizer, pki


def run_cell(mqttbed, broker_class, scenario, out_root, keep_logs):
    """Runs one scenario against one broker; returns the cell's result (without the
    comparison with what is declared)."""
    name = scenario_name(scenario)
    if scenario == PROBES and broker_class is Builtin:
        return {"status": "skipped", "wall_seconds": 0,
                "reason": "the probes send raw bytes over TCP; the model takes decoded packets",
                "error": None}
    out = os.path.join(out_root, f"{broker_class.name}-{name}")
    os.makedirs(out, exist_ok=True)
    started = time.monotonic()
    path = scenario_file(scenario)
    secure = is_secure(scenario) and broker_class is not Builtin
    with tempfile.TemporaryDirectory(prefix=f"mqttbed-matrix-{broker_class.name}-") as workdir:
        # mosquitto started as root reads its files as the mosquitto user.
        os.chmod(workdir, 0o755)
        control = None
        authorizer = None
        try:
            if secure:
                broker, authorizer, pki = configured_broker(mqttbed, broker_class, path, workdir)
            else:
                broker = broker_class(workdir)
            broker.start()
            if scenario == PROBES:
                command = [mqttbed, "probe", "--out", os.path.join(out, "probes.json")]
            else:
                command = [mqttbed, "run", path, "--quiet", "--no-html", "--out", out,
                           "--history", os.path.join(out, "history.jsonl")]
            if secure:
                command += ["--broker", f"ssl://127.0.0.1:{broker.port}", "--pki", pki]
            elif broker.url:
                command += ["--broker", broker.url]
                if getattr(broker, "credentials", None):
                    command += ["--username", broker.credentials[0],
                                "--password", broker.credentials[1]]
                if has_broker_crash(scenario):
                    control = RestartControl(broker, workdir)
                    command += ["--broker-restart-cmd", control.command]
            done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        except (BrokerError, subprocess.TimeoutExpired, subprocess.CalledProcessError,
                OSError) as error:
            return {"status": "error", "error": str(error),
                    "wall_seconds": round(time.monotonic() - started, 1)}
        finally:
            if control:
                control.close()
            if "broker" in locals():
                broker.stop()
                if keep_logs and hasattr(broker, "log_text"):
                    with open(os.path.join(out, "broker.log"), "w") as f:
                        f.write(broker.log_text())
            if authorizer:
                authorizer.stop()
                if keep_logs:
                    with open(os.path.join(out, "authorizer.log"), "w") as f:
                        f.write(authorizer.log_text())
    cell = {"status": "ran", "version": broker.version,
            "wall_seconds": round(time.monotonic() - started, 1), "exit_code": done.returncode}
    if done.returncode not in (0, 1):
        cell.update(status="error", error=f"mqttbed exit {done.returncode}: {done.stderr.strip()}")
        return cell
    if scenario == PROBES:
        cell["guarantees"] = probe_guarantees(os.path.join(out, "probes.json"))
        return cell
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    counters = report.get("metrics", {}).get("counters", {})
    cell["counters"] = {k: counters.get(k) for k in ("published", "acked", "delivered",
                                                     "connects", "reconnects")}
    cell["guarantees"] = {}
    for verdict in report["verdicts"]:
        cell["guarantees"][verdict["guarantee"]] = {
            "kept": verdict["passed"],
            "counts": verdict.get("counts", {}),
            "violation_count": verdict.get("violation_count", len(verdict.get("violations", []))),
            "violations": verdict.get("violations", [])[:MAX_VIOLATIONS_KEPT],
        }
    return cell


# -- declarations ----------------------------------------------------------------------------
OUTCOMES = ("kept", "violated", "n/a")


def outcome(result):
    """kept, violated, or n/a: kept with nothing judged (the checker's `checked` is 0)."""
    if not result["kept"]:
        return "violated"
    return "kept" if result["counts"].get("checked") else "n/a"


def load_declarations(path):
    """{broker: [{guarantee, scenarios ("*" or [names]), result, reason, url[, spec]}]}; result
    is one outcome or a list of the outcomes accepted (a live run's timing may decide between
    them). With `spec`, a violation is accepted only when every violation the cell kept cites
    that spec id: the declared finding, not any failure of the guarantee. The broker "*" holds
    entries for every live broker (after the broker's own)."""
    with open(path) as f:
        data = json.load(f)
    declarations = {}
    for broker, entries in data.get("brokers", {}).items():
        for entry in entries:
            for key in ("guarantee", "scenarios", "result", "reason", "url"):
                if key not in entry:
                    raise SystemExit(f"{path}: {broker}: an entry has no {key!r}")
            accepted = entry["result"] if isinstance(entry["result"], list) else [entry["result"]]
            if not accepted or any(r not in OUTCOMES for r in accepted):
                raise SystemExit(f"{path}: {broker}/{entry['guarantee']}: result must be one "
                                 f"of {OUTCOMES} or a list of them")
            entry["accepted"] = accepted
            declarations.setdefault(broker, []).append(entry)
    return declarations


def declared_for(declarations, broker, scenario, guarantee):
    """The broker's own entry, else an entry for every live broker ("*")."""
    candidates = declarations.get(broker, []) + \
        (declarations.get("*", []) if broker != "builtin" else [])
    for entry in candidates:
        scenarios = entry["scenarios"]
        if entry["guarantee"] == guarantee and (scenarios == "*" or scenario in scenarios):
            return entry
    return None


def judge(matrix, declarations):
    """Adds `outcome`, `declared`, `matches` (and a declaration's `reason`, `url`) to each
    guarantee; returns the differences. Undeclared, a guarantee must be kept; it may be n/a
    (nothing to judge) unless the built-in broker, run on the same scenario, had something to
    judge there: then the broker did not exercise what the scenario asks for."""
    differences = []
    for scenario, by_broker in matrix.items():
        reference = by_broker.get("builtin", {}).get("guarantees", {})
        for broker, cell in by_broker.items():
            if cell["status"] == "skipped":
                continue
            if cell["status"] != "ran":
                differences.append(f"{scenario} / {broker}: run failed: {cell['error']}")
                continue
            for guarantee, result in cell["guarantees"].items():
                result["outcome"] = outcome(result)
                entry = declared_for(declarations, broker, scenario, guarantee)
                if entry:
                    accepted = entry["accepted"]
                    result["reason"], result["url"] = entry["reason"], entry["url"]
                else:
                    exercised = reference.get(guarantee) and outcome(reference[guarantee]) != "n/a"
                    accepted = ["kept"] if exercised and broker != "builtin" else ["kept", "n/a"]
                result["declared"] = "/".join(accepted) if entry else "kept"
                result["matches"] = result["outcome"] in accepted
                if result["matches"] and result["outcome"] == "violated" and entry.get("spec"):
                    cited = {v.get("spec") for v in result.get("violations", [])}
                    result["matches"] = cited == {entry["spec"]}
                    if not result["matches"]:
                        differences.append(f"{scenario} / {broker} / {guarantee}: violated "
                                           f"citing {sorted(cited)}, declared only "
                                           f"{entry['spec']}")
                        continue
                if not result["matches"]:
                    why = "" if entry or result["outcome"] != "n/a" else \
                        " (nothing judged, but the built-in broker judged something)"
                    differences.append(f"{scenario} / {broker} / {guarantee}: "
                                       f"{result['outcome']}{why}, declared "
                                       f"{'/'.join(accepted)}")
    return differences


# -- output ----------------------------------------------------------------------------------
def cell_text(result):
    if result is None:
        return "–"
    mark = {"kept": "kept", "n/a": "n/a",
            "violated": f"**violated** ({result['violation_count']})"}[result["outcome"]]
    if not result["matches"]:
        mark += f" ⚠ declared {result['declared']}"
    elif result.get("reason") and result["outcome"] != "kept":
        mark += " (declared)"
    return mark


def excerpt_lines(violation):
    text = f"- `{violation.get('invariant', '?')}` ({violation.get('spec', '')}), clients " + \
        ", ".join(violation.get("clients", []))
    if violation.get("topic"):
        text += f", topic `{violation['topic']}`"
    if violation.get("messages"):
        text += ", messages " + ", ".join(violation["messages"])
    lines = [text]
    excerpt = violation.get("excerpt", [])
    if excerpt:
        lines.append("")
        lines.append("  ```")
        for event in excerpt:
            lines.append("  " + (event if isinstance(event, str) else json.dumps(event,
                                                                                 sort_keys=True)))
        lines.append("  ```")
    return lines


def markdown(matrix, brokers, meta):
    out = ["# Broker regression matrix", "",
           f"Generated by `{meta['command']}` on {meta['generated']} "
           f"(mqttbed {meta['mqttbed_version']}); JSON beside it (`matrix.json`). How to read it "
           "and how to regenerate it: [live.md](live.md#the-broker-matrix).", "",
           "| broker | version | how it ran |", "|---|---|---|"]
    for broker in brokers:
        info = meta["brokers"][broker]
        out.append(f"| {broker} | {info.get('version') or '–'} | {info['how']} |")
    out.append("")
    out.append("A cell is `kept`, or `violated` with the number of violations; `(declared)` marks "
               "a known difference declared in `tests/live/matrix_expected.json` (reason below); "
               "⚠ marks a result that differs from its declaration (the matrix then fails); "
               "`n/a` means the run gave that checker nothing to judge. The rows in italics are "
               "counters of the run (accepted CONNACKs, deliveries) and its wall time.")
    for scenario, by_broker in matrix.items():
        out += ["", f"## {scenario}", ""]
        out.append("| guarantee | " + " | ".join(brokers) + " |")
        out.append("|---|" + "---|" * len(brokers))
        for broker in brokers:
            cell = by_broker[broker]
            if cell["status"] != "ran":
                out.insert(len(out) - 2, f"{broker}: **{cell['status']}**: "
                           f"{cell.get('error') or cell.get('reason')}\n")
        present = {g for c in by_broker.values() for g in c.get("guarantees", {})}
        for guarantee in [g for g in GUARANTEES if g in present] + \
                sorted(present - set(GUARANTEES)):
            cells = [cell_text(by_broker[b].get("guarantees", {}).get(guarantee))
                     for b in brokers]
            out.append(f"| {guarantee} | " + " | ".join(cells) + " |")
        for counter in ("connects", "delivered"):
            out.append(f"| *{counter}* | " + " | ".join(
                str(by_broker[b].get("counters", {}).get(counter, "–")) for b in brokers) + " |")
        out.append("| *wall seconds* | " + " | ".join(
            str(by_broker[b].get("wall_seconds", "–")) for b in brokers) + " |")
        for broker in brokers:
            for guarantee, result in by_broker[broker].get("guarantees", {}).items():
                if result["kept"]:
                    continue
                out += ["", f"### {scenario} / {broker} / {guarantee}", ""]
                if result.get("reason"):
                    out += [f"Declared: {result['reason']} ({result['url']})", ""]
                else:
                    out += ["Not declared.", ""]
                counts = result["counts"]
                out.append("Counts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
                shown = len(result["violations"])
                out.append(f"First {shown} of {result['violation_count']} violations:")
                out.append("")
                for violation in result["violations"]:
                    out += excerpt_lines(violation)
    declared = [(b if b != "*" else "every live broker", e)
                for b in ["*"] + brokers for e in meta["declarations"].get(b, [])]
    if declared:
        out += ["", "## Declared differences", "", "| broker | guarantee | scenarios | result | "
                "why |", "|---|---|---|---|---|"]
        for broker, entry in declared:
            scenarios = entry["scenarios"] if entry["scenarios"] == "*" else \
                ", ".join(entry["scenarios"])
            out.append(f"| {broker} | {entry['guarantee']} | {scenarios} | "
                       f"{' or '.join(entry['accepted'])} | "
                       f"{entry['reason']} [docs]({entry['url']}) |")
    return "\n".join(out) + "\n"


def print_summary(matrix, brokers):
    print(f"{'scenario':<14} {'guarantee':<13} " + " ".join(f"{b:<12}" for b in brokers))
    for scenario, by_broker in matrix.items():
        for broker in brokers:
            cell = by_broker[broker]
            if cell["status"] != "ran":
                print(f"{scenario:<14} {broker}: {cell['status']}: "
                      f"{cell.get('error') or cell.get('reason')}")
        present = {g for c in by_broker.values() for g in c.get("guarantees", {})}
        for guarantee in [g for g in GUARANTEES if g in present] + \
                sorted(present - set(GUARANTEES)):
            cells = []
            for broker in brokers:
                result = by_broker[broker].get("guarantees", {}).get(guarantee)
                if result is None:
                    cells.append("-")
                    continue
                text = result["outcome"].replace("violated", "VIOLATED")
                if not result["matches"]:
                    text += "!"
                elif result.get("reason") and result["outcome"] != "kept":
                    text += "*"
                cells.append(text)
            print(f"{scenario:<14} {guarantee:<13} " + " ".join(f"{c:<12}" for c in cells))
    print("(* declared in tests/live/matrix_expected.json, ! differs from the declaration)")


def display_command(argv):
    """The command line as written in the output, without the options that only say where
    things are (--mqttbed, --out): they do not change the result."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--mqttbed", "--out"):
            skip = True
        elif not arg.startswith(("--mqttbed=", "--out=")):
            shown.append(arg)
    return " ".join(["tests/live/matrix.py"] + shown)


def mqttbed_version(mqttbed):
    try:
        return subprocess.run([mqttbed, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip().split()[-1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mqttbed", default=os.path.join(ROOT, "build", "mqttbed"))
    parser.add_argument("--brokers", default="all",
                        help="'all', 'installed' (skip what is not installed) or a "
                             "comma-separated list of: " + ", ".join(BROKERS))
    parser.add_argument("--scenarios", nargs="+", default=DEFAULT_SCENARIOS)
    parser.add_argument("--expected", default=EXPECTED_FILE)
    parser.add_argument("--out", default=os.path.join("runs", "matrix"),
                        help="folder for each cell's report.json (and broker.log)")
    parser.add_argument("--jobs", type=int, default=6,
                        help="cells run at once (default 6: live cells mostly wait)")
    parser.add_argument("--write", metavar="FILE.md",
                        help="write the Markdown table here and the JSON beside it (FILE.json)")
    parser.add_argument("--json", help="write the JSON matrix here")
    parser.add_argument("--control", help=argparse.SUPPRESS)  # used by --broker-restart-cmd
    parser.add_argument("--serve", choices=["rabbitmq", "aedes"],
                        help="run one broker with --config DIR (broker-config's output) until "
                             "SIGTERM or stdin closes; PORT is a listener it opens")
    parser.add_argument("--config", help="--serve: broker-config's output folder")
    parser.add_argument("--port", type=int, help="--serve: a port the configuration listens on")
    args, rest = parser.parse_known_args()
    if args.serve:
        if not args.config or not args.port or rest:
            parser.error("--serve BROKER --config DIR --port N")
        return serve(args.serve, args.config, args.port)
    if args.control:
        if len(rest) != 1 or rest[0] not in ("crash", "restart"):
            parser.error("--control SOCKET crash|restart")
        return control_client(args.control, rest[0])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    if args.brokers in ("all", "installed"):
        brokers = list(BROKERS)
    else:
        brokers = [b for b in args.brokers.split(",") if b]
        unknown = [b for b in brokers if b not in BROKERS]
        if unknown or not brokers:
            parser.error(f"unknown broker(s) {unknown}; available: {list(BROKERS)}")
    if not os.access(args.mqttbed, os.X_OK):
        parser.error(f"{args.mqttbed} is not an executable (build it, or pass --mqttbed)")
    declarations = load_declarations(args.expected)

    matrix = {scenario_name(s): {} for s in args.scenarios}
    jobs = []
    for broker in brokers:
        missing = BROKERS[broker].missing()
        for scenario in args.scenarios:
            if missing:
                status = "skipped" if args.brokers == "installed" else "error"
                matrix[scenario_name(scenario)][broker] = {"status": status, "error": missing,
                                                           "reason": missing}
            else:
                jobs.append((broker, scenario))
    # Scenario by scenario, so that at most one slow-starting RabbitMQ boots at a time.
    jobs.sort(key=lambda job: (args.scenarios.index(job[1]), brokers.index(job[0])))

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for broker, scenario in jobs:
            futures[pool.submit(run_cell, args.mqttbed, BROKERS[broker], scenario, args.out,
                                True)] = (broker, scenario)
        for future in concurrent.futures.as_completed(futures):
            broker, scenario = futures[future]
            cell = future.result()
            matrix[scenario_name(scenario)][broker] = cell
            print(f"{scenario_name(scenario)} / {broker}: {cell['status']} "
                  f"({cell['wall_seconds']} s)", file=sys.stderr, flush=True)
    # Keep rows and columns in the requested order.
    matrix = {s: {b: matrix[s][b] for b in brokers} for s in matrix}
    differences = judge(matrix, declarations)
    total_s = round(time.monotonic() - started)

    print_summary(matrix, brokers)
    meta = {
        "command": display_command(sys.argv[1:]),
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mqttbed_version": mqttbed_version(args.mqttbed),
        "wall_seconds": total_s,
        "jobs": args.jobs,
        "brokers": {},
        "declarations": {b: declarations.get(b, []) for b in ["*"] + brokers
                         if declarations.get(b)},
    }
    for broker in brokers:
        versions = {c.get("version") for c in (matrix[s][broker] for s in matrix)} - {None}
        meta["brokers"][broker] = {
            "version": ", ".join(sorted(versions)) or None,
            "how": " ".join(BROKERS[broker].__doc__.split("\n\n")[0].split()),
            "doc": BROKERS[broker].doc,
        }
    document = {"meta": meta, "differences": differences, "matrix": matrix}
    json_path = args.json or (os.path.splitext(args.write)[0] + ".json" if args.write else None)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(document, f, indent=1, sort_keys=False, ensure_ascii=False)
            f.write("\n")
    if args.write:
        with open(args.write, "w") as f:
            f.write(markdown(matrix, brokers, meta))
    print(f"matrix: {len(jobs)} cells in {total_s} s, "
          f"{len(differences)} differing from the declarations", flush=True)
    for difference in differences:
        print("  " + difference)
    return 0 if not differences else 1


if __name__ == "__main__":
    sys.exit(main())
