"""`python -m grader`: the course's one command-line tool (grading, data, training)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
