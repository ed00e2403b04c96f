"""A sandbox for the grading jobs of a class: bubblewrap around the warm server (runs in the parent).

Why bubblewrap: it is the Debian package Flatpak builds on, it sets up mount, network and
IPC namespaces for a process in one call, and a warm server started inside it forks every
job inside it, so the sandbox costs nothing per student. What a job sees:

- read-only: the system (/usr, a few files of /etc), Python and the installed packages,
  the grader's own packages (grader/, segmentation/, exercises/), and the folder that
  holds the one submission it grades (its working folder);
- a private /tmp (emptied after every job) and no network (only a loopback of its own);
- not: the other submissions, the output folder, the instructor's files, the reference
  solutions and the stored expectations. The two last are visible only to the grader's
  own code: they are bound under /reference, a folder only root may enter, and every
  student job becomes a user of its own (60000 + the sandbox's slot) before the student's
  code runs, after the reference blocks it needs are loaded.

`probe()` says whether a sandbox can be made here: bubblewrap installed, usable, and the
grader running as root (giving each student job a user of its own needs it). Where it
cannot, a class run says so once and runs without (each job still works in a folder that
holds only its own submission).
"""
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BWRAP = "bwrap"
FIRST_UID = 60000
REFERENCE_FOLDER = "/reference"
ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf", "localtime",
             "hosts", "fonts", "ssl"]
PASSED_ENVIRONMENT = ("LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                      "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
PACKAGES = ("grader", "segmentation", "exercises")


@dataclass(frozen=True)
class Availability:
    """Whether a sandbox can be made here, and if not, why (a sentence for the run's output)."""

    usable: bool
    reason: str = ""
    version: str = ""


@functools.cache
def probe():
    """Can a bubblewrap sandbox be made here? (bwrap on PATH, usable, and the grader running as root)

    Asked once per process: a class run asks for the run and again for each of its slots."""
    if not sys.platform.startswith("linux"):
        return Availability(False, "the sandbox (bubblewrap) exists on Linux only")
    path = shutil.which(BWRAP)
    if path is None:
        return Availability(False, "bubblewrap (bwrap) is not installed here; `apt-get install bubblewrap` adds it")
    if os.geteuid() != 0:
        return Availability(False, "the sandbox gives each student job a user of its own, which needs root")
    try:
        done = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-net", "true"], capture_output=True,
                              text=True, timeout=20)
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return Availability(False, f"bubblewrap could not be run ({error})")
    if done.returncode != 0:
        return Availability(False, f"bubblewrap cannot make namespaces here ({done.stderr.strip()[:200]})")
    return Availability(True, version=version)


@dataclass(frozen=True)
class Sandbox:
    """The bubblewrap command line for one slot of a class run (one warm server, one job at a time).

    Attributes:
        slot: the slot's number; its jobs run as user FIRST_UID + slot.
        repo_root: the checkout (or bundle) whose packages the jobs import.
        working_folder: the folder, outside, where the parent puts the one submission being graded.
        reference_file: the reference solutions' module file, or None (a bundle has none).
        expectations_file: a bundle's stored expectations, or None.
    """

    slot: int
    repo_root: Path
    working_folder: Path
    reference_file: Path = None
    expectations_file: Path = None

    @property
    def uid(self):
        """The user the slot's student jobs become."""
        return FIRST_UID + self.slot

    def command(self, env=None):
        """The bwrap arguments to put before the server's command line (`env`: more environment variables)."""
        # no --die-with-parent: it ends the sandbox with the *thread* that started it (a class run's worker);
        # the server inside ends when the parent's end of its socket closes, and the sandbox with it
        args = [shutil.which(BWRAP), "--new-session", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading",
                "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
        args += _system()
        args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys", "--dev", "/dev",
                 "--perms", "1777", "--tmpfs", "/dev/shm", "--perms", "1777", "--tmpfs", "/tmp"]
        made = {Path("/tmp")}
        for folder in self._visible_folders():
            args += _parents(folder, made) + ["--ro-bind", str(folder), str(folder)]
        args += self._answers()
        args += ["--clearenv"] + [item for name, value in {**self.environment(), **(env or {})}.items()
                                  for item in ("--setenv", name, value)]
        args += ["--chdir", str(self.working_folder), "--remount-ro", "/"]
        return args

    def environment(self):
        """The environment inside: only what Python, TensorFlow and the grader need."""
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
               "PYTHONPATH": str(self.repo_root), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": "/tmp/matplotlib"}
        env.update({name: os.environ[name] for name in PASSED_ENVIRONMENT if name in os.environ})
        if self.reference_file:
            env["UNET_GRADER_REFERENCE"] = f"{REFERENCE_FOLDER}/{self.reference_file.parent.name}/{self.reference_file.name}"
        if self.expectations_file:
            env["UNET_GRADER_EXPECTATIONS"] = f"{REFERENCE_FOLDER}/{self.expectations_file.name}"
        return env

    def _visible_folders(self):
        """Python, the installed packages, the grader's packages and the working folder, each once."""
        prefixes = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
        folders = prefixes | {Path(sys.executable).resolve().parent}
        root = self.repo_root.resolve()
        for entry in sys.path:  # installed packages only: never the folder a script or the class lies in
            path = Path(entry or ".").resolve()
            installed = path.name in ("site-packages", "dist-packages") or any(
                prefix in path.parents for prefix in prefixes)
            if installed and path.is_dir() and root not in (path, *path.parents):
                folders.add(path)
        folders = {folder for folder in folders if Path("/usr") not in (folder, *folder.parents)}
        folders |= {root / package for package in PACKAGES if (root / package).is_dir()}
        folders.add(self.working_folder.resolve())
        return _outermost(folders)

    def _answers(self):
        """The reference and the stored expectations under /reference (root only); the latter hidden in place."""
        if not (self.reference_file or self.expectations_file):
            return []
        args = ["--perms", "0700", "--dir", REFERENCE_FOLDER]
        if self.reference_file:
            folder = self.reference_file.resolve().parent
            args += ["--ro-bind", str(folder), f"{REFERENCE_FOLDER}/{folder.name}"]
        if self.expectations_file:
            expectations = self.expectations_file.resolve()
            args += ["--ro-bind", str(expectations), f"{REFERENCE_FOLDER}/{expectations.name}",
                     "--ro-bind", "/dev/null", str(expectations)]
        return args


def _system():
    """/usr, the root folders that point into it (or themselves), and a few files of /etc."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32"):
        path = Path("/", name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--dir", "/etc"]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _parents(folder, made):
    """--dir for each parent of `folder` not made yet (bwrap would make them 0700, closed to the jobs' users)."""
    args = []
    for parent in reversed(folder.parents):
        if str(parent) != "/" and parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _outermost(folders):
    """`folders` without those inside another of them, sorted."""
    return sorted(folder for folder in folders
                  if not any(other != folder and other in folder.parents for other in folders))
