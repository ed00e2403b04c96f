"""The JUnit XML report that CI systems show: one testsuite per exercise, one testcase per check, and the
exercise's notes (what costs no points) in the testsuite's system-out."""
import re
import xml.etree.ElementTree as ET

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(report):
    """The JUnit XML document as text."""
    checks = [check for exercise in report.exercises for check in exercise.checks]
    root = ET.Element("testsuites", name="unet-grader", tests=str(len(checks)),
                      failures=str(sum(check.status == "failed" for check in checks)),
                      errors=str(sum(check.status == "error" for check in checks)))
    for exercise in report.exercises:
        suite = ET.SubElement(root, "testsuite", name=exercise.name, tests=str(len(exercise.checks)),
                              failures=str(sum(c.status == "failed" for c in exercise.checks)),
                              errors=str(sum(c.status == "error" for c in exercise.checks)))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score", value=f"{exercise.score}/{exercise.max_score}")
        ET.SubElement(properties, "property", name="seed", value=str(report.seed))
        for check in exercise.checks:
            case = ET.SubElement(suite, "testcase", classname=f"{exercise.name}.{exercise.function}",
                                 name=_clean(check.name))
            if check.status != "passed":
                tag = "failure" if check.status == "failed" else "error"
                element = ET.SubElement(case, tag, message=_clean((check.message.splitlines() or [""])[0]))
                element.text = _clean(check.message)
        if exercise.notes:  # what costs no points, as the text report prints it under the exercise
            ET.SubElement(suite, "system-out").text = _clean("\n".join(f"Note: {note}" for note in exercise.notes))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _clean(text):
    """`text` without the characters XML 1.0 cannot hold (student messages may contain any)."""
    return _NOT_XML.sub("?", text)
