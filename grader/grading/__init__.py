"""Grading the three U-Net exercises: a pipeline of small steps.

    source (exercises/ | --solutions | file.py)
      -> configurations: the course's own and a few drawn from a seed     (configs.py)
      -> a child process imports TensorFlow once, describes the reference
         for every configuration, then loads the student's code           (child.py)
      -> build each configuration and describe it as plain data           (build.py, describe.py, behaviour.py)
      -> back to the parent, which never runs student code                (supervisor.py)
      -> compare with the reference -> findings                           (compare.py)
      -> wording and hints -> checks with points                          (messages.py, scoring.py)
      -> report: text | JSON | JUnit | Gradescope                         (grader/reports/)

The parent side (everything but child.py, build.py, describe.py, behaviour.py,
reference.py, integrity.py and student_errors.py) never imports TensorFlow.
"""
