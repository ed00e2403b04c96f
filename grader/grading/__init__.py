"""Grading the exercises: a pipeline of small steps, from a source to a report.

    source (exercises/ | --solutions | file.py | notebook.ipynb)  -> a Source        (sources/)
      -> configurations: the course's own and a few drawn from a seed               (configs.py)
      -> a child process imports TensorFlow once, observes the reference
         for every configuration, then loads the student's code                     (supervisor.py, child.py,
                                                                                      reference.py, stored.py)
      -> build each configuration, describe it, run it: Observations                (model/)
      -> back to the parent, which never runs student code                          (channel.py)
      -> compare with the reference, word the first difference, score the checks    (compare.py, messages.py,
                                                                                      checks/)
      -> a Report: text | JSON | JUnit | Gradescope                                  (records.py, grader/reports/)

What an exercise is (its function, configurations, points, words) comes from the
exercise table, grader/exercises.py. The parent side never imports TensorFlow; the
child side is child.py, reference.py, model/, integrity.py, student_errors.py and the
loading half of sources/.
"""
