"""`python -m grader`: the course's one command-line tool (grading, data, training, instructors' jobs).

    exercises.py         the exercise table: everything known about each exercise, in one record
    cli.py, console.py   the command line, its exit codes and where its messages go
    commands/            one thin module per subcommand
    grading/             the grading pipeline (see its docstring): sources -> child -> model -> checks
    reports/             text, JSON, JUnit, Gradescope, CI job summary
    notebook/            the course notebook and its inline check
    runner/              what the training commands need from the grader
    instructor/          the release, its stored expectations, the Gradescope zip (not shipped to students)
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
