"""The instructor's tools: the student bundle and what goes into it. Never shipped in a bundle.

    release.py         `python -m grader release OUT_DIR`: the bundle, assembled aside and moved into place
    gradescope.py      with --gradescope: OUT_DIR-autograder.zip, the bundle with setup.sh and run_autograder
    expectations.py    the reference expectations stored as data (grader/expectations.json of a bundle)
    solution_leaks.py  the last gate of a release: no reference code in any file of the bundle
    release_files/     the students' README, the classroom CI workflow, and gradescope/ (setup.sh, run_autograder)
"""
