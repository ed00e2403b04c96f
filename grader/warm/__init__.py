"""Grading that stays warm between runs: TensorFlow's start-up paid once, not at every grading.

    watch.py     `python -m grader watch`: grade again every time the source file is saved
    service.py   the notebook's `check()`: a grading process kept for the kernel's lifetime

Both keep a grading.session.Grader open: every grading still runs the student's code in
fresh jobs with every limit and integrity check of the one-shot grader; only the import
of TensorFlow and Keras, done by a warm server that never runs student code, is shared.
Where the platform cannot fork such a server, each grading starts afresh (and says so once).
"""
