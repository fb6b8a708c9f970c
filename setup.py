"""pip install . -- the `mqttbed` Python package, with its pybind11 extension built by CMake.

Works offline with Debian's build tools (python3-setuptools, python3-wheel, pybind11-dev; see
docs/python.md): there is no pyproject.toml, so pip builds with the setuptools it finds instead
of fetching one. The extension is the CMake target `_mqttbed`; CMake assembles the whole
package in <build>/python/mqttbed/ (the PYTHONPATH route), which is copied into the wheel.

Environment:
  MQTTBED_BUILD_DIR  a CMake build directory to (re)use; default build-pip/ in the source tree
                     (an existing developer build such as build/ makes the install quick)
  MQTTBED_BUILD_JOBS parallel compile jobs (default: the CPU count)
"""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = pathlib.Path(__file__).resolve().parent


def project_version():
    for line in (SOURCE / "CMakeLists.txt").read_text().splitlines():
        if line.startswith("project(mqttbed VERSION "):
            return line.split("VERSION ", 1)[1].split()[0].rstrip(")")
    raise RuntimeError("CMakeLists.txt: no project(mqttbed VERSION ...) line")


class CMakeBuild(build_ext):
    """Builds the extension with the project's CMake and copies the assembled package."""

    def build_extension(self, ext):
        build_dir = pathlib.Path(os.environ.get("MQTTBED_BUILD_DIR", SOURCE / "build-pip"))
        build_dir = build_dir.resolve()
        if not (build_dir / "CMakeCache.txt").exists():
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.run(["cmake", "-S", str(SOURCE), "-B", str(build_dir), *generator,
                            "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                            f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        jobs = os.environ.get("MQTTBED_BUILD_JOBS", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_mqttbed", "-j", jobs],
                       check=True)
        package = build_dir / "python" / "mqttbed"
        built = sorted(package.glob("_mqttbed*.so"))
        if not built:
            raise RuntimeError(f"{package}: CMake built no _mqttbed extension (is pybind11-dev "
                               "installed?)")
        # The .py files come from python/mqttbed/ (build_py); the extension is renamed to the
        # suffix this Python wants (the same interpreter, so normally the same name).
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[-1], target)


# setuptools' own scratch space (build/, *.egg-info) stays out of the CMake build/ folder.
(SOURCE / "build-pip").mkdir(exist_ok=True)

setup(
    name="mqttbed",
    version=project_version(),
    description="Simulate fleets of MQTT devices and check what the broker promised",
    python_requires=">=3.9",
    packages=["mqttbed"],
    package_dir={"mqttbed": "python/mqttbed"},
    ext_modules=[Extension("mqttbed._mqttbed", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    install_requires=["numpy"],
    zip_safe=False,
)
