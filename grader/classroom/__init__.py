"""The pure building blocks of `python -m grader class`: grading a whole class.

    submissions.py   which file to grade for which student (Submission), what cannot be graded and why;
                     safe, unique file names for student ids
    archive.py       unpacking a .zip of submissions safely (no paths outside, no links, size caps)
    gradebook.py     one Row per student; gradebook.csv and gradebook.json, and reading them back
    feedback.py      each student's feedback/ID.txt and ID.json, as `grader all --source FILE` prints them
    store.py         the finished students of a run, kept as they finish, so that an interrupted run resumes
    summary.py       summary.md and summary.png: scores, pass rates, the commonest mistakes
    progress.py      the progress display: a bar on a terminal, plain lines in a log
    output.py        writing into the output folder: all files of a batch or none; OutputFolderError

    run.py           the class run itself: the gradings side by side, resume, Ctrl-C, the files at the end
    workplace.py     grading one student in a folder of their own (a local slot or a Dask worker)
    cluster.py       the gradings on a Dask cluster (--dask)

Only run.py, workplace.py and cluster.py start gradings (grader/grading/session.py); the
others are pure and take the records.Report of each student.
"""
