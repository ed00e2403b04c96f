"""The course notebook: made from the package's modules, and graded from inside it.

    builder.py      `python -m grader notebook`: the notebook, its graded cells cut from the modules
    inline.py       `check("exercise1")`: the grader's feedback under a cell of a running notebook
    module_text.py  the exact text of a module's functions and imports, read with `ast`
"""
