"""Renderers of a grading report: text for the terminal, JSON, JUnit XML and Gradescope.

Each takes the report data made by grader.grading.session.grade and knows nothing of
how the checks were made (results as data, renderers apart from checks).
"""
