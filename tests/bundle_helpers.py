"""A Python for running a student bundle as a student has it: the course's dependencies, not this checkout."""
import subprocess
import sys
import sysconfig
from pathlib import Path


def bundle_python(folder):
    """A bare virtual environment in `folder` that sees the course's dependencies but not this checkout.

    The checkout's editable install would otherwise let `import solutions` succeed from
    anywhere and hide a leak. Returns the path of its `python`.
    """
    folder = Path(folder)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # a plain path entry: the dependencies, without running the checkout's editable-install hook
    Path(purelib, "course_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
