"""`pip install .` into a fresh virtual environment, offline, then `import mqttbed` without
PYTHONPATH and a run of scenarios/default.yaml from outside the source tree.

ctest sets MQTTBED_BUILD_DIR to its build tree so setup.py reuses the compiled extension
instead of building the engine a second time."""
import json
import os
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INDEX"] = "1"  # proves it installs offline: nothing may be fetched
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_pip_installs_an_importable_package_that_runs_the_default_scenario(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    env = clean_env()
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-index", str(ROOT)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    script = textwrap.dedent(f"""
        import json, pathlib, sys
        import mqttbed
        result = mqttbed.run({str(ROOT / "scenarios" / "default.yaml")!r}, out_dir="run",
                             junit="junit.xml")
        print(json.dumps({{"file": mqttbed.__file__, "passed": result.passed,
                          "html": str(result.html_path), "verdicts": len(result.verdicts)}}))
    """)
    run = subprocess.run([str(python), "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    # Imported from the venv's site-packages, not from the source or build tree.
    assert pathlib.Path(outcome["file"]).resolve().is_relative_to(venv.resolve()), outcome
    assert outcome["passed"] and outcome["verdicts"] > 0
    assert (tmp_path / "run" / "report.json").exists()
    assert (tmp_path / "junit.xml").exists()
    assert (tmp_path / outcome["html"]).exists()  # relative to the script's folder
