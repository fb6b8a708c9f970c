"""Scenarios as editable Python data, validated by the C++ loader (the one YAML reader).

A Scenario keeps the YAML as a dict. `validate()` hands its YAML text to the C++ loader, so
a bad scenario raises mqttbed.ScenarioError (a ValueError) with the same
"file:line:col: key.path: found X, expected Y" message as `mqttbed validate`. An unedited
scenario loaded from a file is validated as that file, so line numbers are the file's; an
edited or dict-built one is validated as the YAML dumped from the dict, named by `file`."""
import copy
import pathlib

import yaml

from mqttbed import _mqttbed

_MISSING = object()


class Scenario:
    def __init__(self, data, *, file="<dict>", text=None):
        if not isinstance(data, dict):
            raise ValueError(f"{file}: a scenario is a mapping, found {type(data).__name__}")
        self.data = data
        self.file = str(file)
        self._text = text
        self._original = copy.deepcopy(data) if text is not None else None

    # ---- making one ----------------------------------------------------------------------

    @classmethod
    def load(cls, path):
        """Loads a scenario file; raises ScenarioError (ValueError) as `mqttbed validate` does."""
        path = str(path)
        _mqttbed.load_scenario_file(path)
        text = pathlib.Path(path).read_text()
        return cls(yaml.safe_load(text), file=path, text=text)

    @classmethod
    def from_dict(cls, data, *, file="<dict>"):
        """A scenario from a dict shaped like the YAML (docs/scenario.md); validated now."""
        scenario = cls(copy.deepcopy(data), file=file)
        scenario.validate()
        return scenario

    @classmethod
    def from_yaml(cls, text, *, file="<string>"):
        _mqttbed.load_scenario_text(text, file)
        return cls(yaml.safe_load(text), file=file, text=text)

    def copy(self):
        twin = Scenario(copy.deepcopy(self.data), file=self.file, text=self._text)
        twin._original = copy.deepcopy(self._original)
        return twin

    # ---- editing -------------------------------------------------------------------------

    def get(self, path, default=None):
        """Value at a dotted path ("fleet.homes", "fleet.per_home.1.count")."""
        node = self.data
        for key in path.split("."):
            if isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            elif isinstance(node, dict) and key in node:
                node = node[key]
            else:
                return default
        return node

    def set(self, path, value):
        """Sets the value at a dotted path, creating mappings on the way; returns self."""
        keys = path.split(".")
        node = self.data
        for key in keys[:-1]:
            if isinstance(node, list):
                node = node[int(key)]
            else:
                node = node.setdefault(key, {})
        if isinstance(node, list):
            node[int(keys[-1])] = value
        else:
            node[keys[-1]] = value
        return self

    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value):
        self.data[key] = value

    @property
    def name(self):
        return self.data.get("name")

    @property
    def seed(self):
        return self.data.get("seed", 0)

    # ---- YAML and validation -------------------------------------------------------------

    def edited(self):
        return self._text is None or self.data != self._original

    def to_yaml(self):
        """The scenario as YAML: the original text when unedited, else dumped from the dict."""
        if not self.edited():
            return self._text
        return yaml.safe_dump(self.data, sort_keys=False, default_flow_style=False)

    def source_name(self):
        """How errors name this scenario: the file when unedited, else '<file> (edited)'."""
        if self._text is not None and self.edited():
            return f"{self.file} (edited)"
        return self.file

    def validate(self):
        """Validates with the C++ loader; returns a summary dict (name, seed, clients, ...)."""
        return _mqttbed.load_scenario_text(self.to_yaml(), self.source_name())

    def save(self, path):
        pathlib.Path(path).write_text(self.to_yaml())

    def __repr__(self):
        return f"Scenario({self.name!r}, file={self.file!r}{', edited' if self.edited() else ''})"
