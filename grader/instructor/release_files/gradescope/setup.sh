#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image, after it has
# unzipped autograder.zip into /autograder/source. It installs the course package (the
# student bundle that sits beside this script) and its dependencies (TensorFlow, ...) into
# a virtual environment, /autograder/venv, which run_autograder uses for every submission.
#
# It needs Python 3.10 or newer: choose the Ubuntu 22.04 base image (Gradescope's default)
# or a newer one on the Configure Autograder page. Quiet on success; on failure it says
# what failed and shows the end of the installer's log.
set -uo pipefail

ROOT="${UNET_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
LOG="$(mktemp "${TMPDIR:-/tmp}/unet-setup.XXXXXX.log")"

fail() {
    echo "setup.sh: $1" >&2
    if [ -s "$LOG" ]; then
        echo "setup.sh: the last lines of the installer's log ($LOG):" >&2
        tail -n 30 "$LOG" >&2
    fi
    exit 1
}

command -v python3 >/dev/null 2>&1 \
    || fail "python3 is not installed on this image. Choose the Ubuntu 22.04 base image (or newer) on the Configure Autograder page and upload the zip again."
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || fail "the course package needs Python 3.10 or newer, and this image has $(python3 --version 2>&1). Choose the Ubuntu 22.04 base image (or newer) on the Configure Autograder page and upload the zip again."
[ -f "$SOURCE/pyproject.toml" ] \
    || fail "$SOURCE/pyproject.toml is missing: the zip does not hold the course package at its root. Upload the autograder.zip that 'python -m grader release OUT_DIR --gradescope' wrote, unchanged."

# Ubuntu's python3 comes without ensurepip, which `python3 -m venv` needs: python3-venv adds it.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; } >>"$LOG" 2>&1 \
        || fail "could not install python3-venv with apt-get (needed to create $VENV)."
fi
python3 -m venv "$VENV" >>"$LOG" 2>&1 \
    || fail "could not create the virtual environment $VENV."
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >>"$LOG" 2>&1 \
    || fail "could not update pip in $VENV (is PyPI reachable from the image?)."
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SOURCE" >>"$LOG" 2>&1 \
    || fail "could not install the course package from $SOURCE and its dependencies (TensorFlow, ...)."
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -c 'import tensorflow' >>"$LOG" 2>&1 \
    || fail "TensorFlow was installed in $VENV but does not import on this image."

echo "setup.sh: installed the U-Net course package and its dependencies into $VENV ($("$VENV/bin/python" --version 2>&1))."
rm -f "$LOG"
