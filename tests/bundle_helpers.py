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


# The reference with one mistake, as students make them: (the text replaced, its replacement, once).
ONE_MISTAKE = {
    "right": None,
    "wrong upsampling_block": ("concatenate([up, contractive_input], axis=3)",
                               "concatenate([contractive_input, up], axis=3)"),
    "wrong conv_block": ('padding="same"', 'padding="valid"'),
}


def course_file(reference_text, mistake):
    """The reference's text with the mistake named `mistake` (a key of ONE_MISTAKE) made in it."""
    change = ONE_MISTAKE[mistake]
    return reference_text if change is None else reference_text.replace(*change, 1)


def checks_of(report):
    """[(exercise (function): check name, passed or failed)] of a JSON report, as Gradescope names its tests."""
    return [(f"{exercise['name']} ({exercise['function']}): {check['name']}",
             "passed" if check["status"] == "passed" else "failed")
            for exercise in report["exercises"] for check in exercise["checks"]]
