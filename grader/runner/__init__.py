"""What the runner's commands (train, evaluate, predict) need from the grader.

    precheck.py   before training the student's U-Net: the grader's structure checks must pass
"""
