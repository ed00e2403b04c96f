"""Build, describe and run models: the only room of the grader that uses Keras (in the grading child).

    build.py      call a graded function with a configuration, check what it returns
    describe.py   a model as plain data (layers, settings, wiring, parameters)
    behaviour.py  run a model on a fixed input with generated weights
    observe.py    the three together: one Observation per configuration
"""
