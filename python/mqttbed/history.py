"""A run's history (`history=True` / `mqttbed run --history FILE`) as an iterator of events.

The file is JSON Lines (sim/history/history_file.h): a header line, one line per client
event, an end line. Events are read one at a time, so a history of any size streams."""
import dataclasses
import json


@dataclasses.dataclass(frozen=True)
class HistoryEvent:
    time_ns: int
    type: str        # publish_sent, publish_acked, delivered, connected, connection_lost, ...
    client: str
    topic: str = ""
    qos: int = 0
    fields: dict = dataclasses.field(default_factory=dict)  # every key of the line

    @property
    def time_s(self):
        return self.time_ns / 1e9

    @property
    def message(self):
        """The message identity "publisher#seq", or None."""
        if "pub" in self.fields:
            return f"{self.fields['pub']}#{self.fields['seq']}"
        return None


def read_history(path):
    """Yields every event of a history file, in order. Raises ValueError with PATH:LINE on a
    malformed line or a file that is not an mqttbed history."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from None
            if number == 1:
                if record.get("format") != "mqttbed-history":
                    raise ValueError(f"{path}:1: not an mqttbed history (no format header)")
                continue
            if record.get("end") is True:
                return
            yield HistoryEvent(time_ns=record["t"], type=record["e"], client=record.get("c", ""),
                               topic=record.get("topic", ""), qos=record.get("qos", 0),
                               fields=record)
