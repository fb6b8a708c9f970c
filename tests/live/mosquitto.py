"""A throwaway mosquitto for Python tests and scripts (the C++ twin is mosquitto_broker.cpp):
its own config in a temporary folder, a free 127.0.0.1 port, started and waited for by its
"running" log line (never a sleep), its log kept, stopped (and the folder removed) on exit.

    with Mosquitto() as broker:
        mqttbed.run(scenario, broker=broker.url)
        assert "as acct0-home0-sensor0" in broker.log()
"""
import shutil
import socket
import subprocess
import tempfile
import threading


def free_port():
    """A 127.0.0.1 port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mosquitto:
    def __init__(self, timeout_s=10, extra_config=""):
        """extra_config: more lines for mosquitto.conf (e.g. "set_tcp_nodelay true\n")."""
        self.port = free_port()
        self._dir = tempfile.mkdtemp(prefix="mqttbed-mosquitto-")
        self._log = []
        self._changed = threading.Condition()
        self._running = self._exited = False
        config = f"{self._dir}/mosquitto.conf"
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\nmax_queued_messages 10000\nlog_dest stderr\n"
                    "log_type error\nlog_type warning\nlog_type notice\n"
                    "log_type information\n" + extra_config)
        try:
            self.process = subprocess.Popen(["mosquitto", "-c", config],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            text=True, errors="replace")
        except FileNotFoundError:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise RuntimeError("cannot start mosquitto (is it installed?)") from None
        # Read its log until it exits, so the pipe never fills and blocks it.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        with self._changed:
            self._changed.wait_for(lambda: self._running or self._exited, timeout_s)
            started = self._running
        if not started:
            self.stop()
            raise RuntimeError("mosquitto did not start:\n" + self.log())

    def _drain(self):
        for line in self.process.stderr:
            with self._changed:
                self._log.append(line)
                # mosquitto 2 logs "mosquitto version X running" once its listener is open.
                if " running" in line:
                    self._running = True
                self._changed.notify_all()
        with self._changed:
            self._exited = True
            self._changed.notify_all()

    @property
    def url(self):
        return f"tcp://127.0.0.1:{self.port}"

    def log(self):
        """Everything mosquitto logged so far."""
        with self._changed:
            return "".join(self._log)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join()
        self.process.stderr.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
