"""The README's two commands on any platform: `python tasks.py demo` and `python tasks.py test`.

`make demo` and `make test` call this file; on Windows, where there is no `make`, run it
with the Python launcher from PowerShell (`py tasks.py demo`). No admin rights are needed:
everything is installed into `.venv` beside this file (created on first use, reused after;
the install log is `.venv/install.log`).

    demo   grade the reference and train it briefly on the bundled synthetic sample
    test   the whole test suite, a test file per core side by side (pytest-xdist), and at the
           same time (on Linux) the tests marked `portable` again in the two modes that take away
           what Windows and macOS lack (UNET_GRADER_EMULATE=windows, then =nofork); extra
           arguments go to every pytest run (`python tasks.py test -x -k watch`)
"""
import os
import subprocess
import sys
import threading
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
# Each emulated mode and the tests it runs: the Windows mode every test marked `portable`; the macOS mode
# (fork taken away, nothing else) those of them not marked `windows_only` (see the marker in pyproject.toml).
MODE_MARKERS = {"windows": "portable", "nofork": "portable and not windows_only"}


def venv_python():
    """The environment's own Python (Scripts\\python.exe on Windows, bin/python elsewhere)."""
    return VENV / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")


def setup():
    """Create .venv and install the package with its test extras, once (again when pyproject.toml changed)."""
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed; found {sys.version.split()[0]}. "
                 f"Run this file with a newer one (`py -3.11 tasks.py ...` on Windows).")
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    print(f"Setting up {VENV.name} (first run only, a few minutes; log in {VENV.name}/install.log) ...", flush=True)
    if not venv_python().exists():
        venv.create(VENV, with_pip=True)
    log = VENV / "install.log"
    with open(log, "w", encoding="utf-8") as handle:
        for command in ([str(venv_python()), "-m", "pip", "install", "--upgrade", "pip"],
                        [str(venv_python()), "-m", "pip", "install", "-e", ".[test]"]):
            if subprocess.run(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT).returncode != 0:
                lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                print("\n".join(lines[-30:]))
                sys.exit(f"Installing the package failed; the full log is {log}.")
    STAMP.touch()
    print(f"{VENV.name} is ready.", flush=True)


def run(arguments, env=None):
    """Run the environment's Python with `arguments` in the checkout; its exit status."""
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    return subprocess.run([str(venv_python()), *arguments], cwd=ROOT, env=environment).returncode


def main(argv=None):
    """`demo` or `test` (see the module docstring); the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    setup()
    if argv[0] == "demo":
        return run(["-m", "grader", "demo"])
    if argv[0] == "test":
        return test(argv[1:])
    return 0


def test(extra):
    """The suite and, on Linux and at the same time, the portable tests in each emulated mode, one mode after the
    other (they fill the cores while the suite's tests wait on processes, signals and time limits, and no more
    than three processes share the cores, so the demo's training is not starved); the worst exit status. The
    suite's output comes as it runs, the modes' after it."""
    modes = ModeLane(extra) if sys.platform.startswith("linux") else None  # elsewhere the platform is real
    side_by_side = [] if "-n" in extra else ["-n", str(os.cpu_count() or 1), "--dist", "loadfile",
                                                   "--no-loadscope-reorder"]  # slow files first: conftest.py
    status = run(["-m", "pytest", *side_by_side, *extra])
    return (modes.finish() if modes else 0) or status


class ModeLane(threading.Thread):
    """The portable tests in each emulated mode, one after the other, in the background: each mode's output goes
    to .venv/test-MODE.log and is printed by `finish`."""

    def __init__(self, extra):
        super().__init__(daemon=True)
        self.extra, self.statuses = extra, {}
        print("The portable tests run at the same time, in the background: with what Windows lacks taken away "
              "(UNET_GRADER_EMULATE=windows), then with what macOS lacks (=nofork); their output follows the "
              "suite's.", flush=True)
        self.start()

    def run(self):
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        for mode, marker in MODE_MARKERS.items():
            with open(VENV / f"test-{mode}.log", "w", encoding="utf-8") as log:
                self.statuses[mode] = subprocess.run(
                    [str(venv_python()), "-m", "pytest", "-m", marker, *self.extra], cwd=ROOT,
                    env=dict(environment, UNET_GRADER_EMULATE=mode), stdout=log, stderr=subprocess.STDOUT).returncode
            if self.statuses[mode] == 2:  # interrupted (Ctrl-C): the next mode is not started
                break

    def finish(self):
        """Wait for the modes, print the output of each that ran; 0 when both passed, else a non-zero exit status
        (1 for a mode that never ran: the one after an interrupted one)."""
        self.join()
        status = 0
        for mode in MODE_MARKERS:
            if mode in self.statuses:
                log = VENV / f"test-{mode}.log"
                print(f"\n--- UNET_GRADER_EMULATE={mode} (also in {VENV.name}/{log.name}) ---\n"
                      f"{log.read_text(encoding='utf-8')}", flush=True)
            status = self.statuses.get(mode, 1) or status
        return status


if __name__ == "__main__":
    sys.exit(main())
