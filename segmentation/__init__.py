"""Library code of the U-Net course: data loading, training, metrics and plots.

Nothing here knows about grading; `grader/` wires these modules into commands.
"""
