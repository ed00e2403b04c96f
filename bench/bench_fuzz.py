"""Does the grader tell every single edit of the reference apart? A thousand of them, graded in one batch.

The edits (tests/grading/reference_edits.py) change one argument of one layer call, leave
out, repeat or swap layer calls, feed a layer from another tensor, or change a number in
unet_model. Each edited module is graded on the exercise of the function it changes, all
in one TensorFlow start (session.grade_batch). The script prints how many edits were
tried, rejected and accepted as equivalent, the kinds of edit accepted, and checks what
the fuzz test checks:

    - the grader never fails itself (GraderFailure) and never shows a traceback;
    - every rejection names a layer, a graded function or an exercise (in one of its failed checks);
    - no accepted edit changes a parameter count or an output shape (built with Keras
      directly, for every configuration the grader used).

    .venv/bin/python bench/bench_fuzz.py [--edits 1000] [--seed 7] [--show 40]

Exit code 0 when every check holds, 1 when one does not.
"""
import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "grading"))

import reference_edits  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=1000, help="how many distinct edits to grade (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random configurations (default 7)")
    parser.add_argument("--show", type=int, default=40, help="how many accepted edits to list (default 40)")
    args = parser.parse_args(argv)

    edits = reference_edits.draw(args.edits)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        reports = reference_edits.grade_all(edits, folder, args.seed)
    seconds = time.monotonic() - started

    problems = []
    accepted = [edit for edit, report in zip(edits, reports) if reference_edits.accepted(report)]
    for edit, report in zip(edits, reports):
        messages = reference_edits.not_passed(report)
        if any("Traceback" in message for message in messages) or "Traceback" in report.output:
            problems.append(f"a traceback shown for: {edit.what}")
        if messages and not any(reference_edits.NAMES_A_PLACE.search(message) for message in messages):
            problems.append(f"a rejection that names no layer or exercise ({edit.what}): {messages[0][:200]}")

    from segmentation.quiet_tf import import_tensorflow

    import_tensorflow()
    footprints = {}
    for edit in accepted:
        key = edit.exercise
        if key not in footprints:
            footprints[key] = reference_edits.footprint(reference_edits.baseline(), key, args.seed)
        if reference_edits.footprint(edit.source, key, args.seed) != footprints[key]:
            problems.append(f"accepted, but its parameters or output shapes differ: {edit.what}")

    kinds = collections.Counter(edit.kind for edit in edits)
    rejected = len(edits) - len(accepted)
    print(f"edits tried:                 {len(edits)}  ({', '.join(f'{k} {kinds[k]}' for k in reference_edits.KINDS)})")
    print(f"rejected:                    {rejected}")
    print(f"accepted as equivalent:      {len(accepted)}")
    print(f"graded in {seconds:.0f} s ({seconds / max(1, len(edits)):.2f} s per edit, one TensorFlow start)")
    print("kinds of edit accepted as equivalent:")
    for kind, count in collections.Counter(edit.kind for edit in accepted).most_common():
        print(f"  {kind:10s} {count}")
    print(f"accepted edits (the first {min(args.show, len(accepted))}):")
    for edit in accepted[:args.show]:
        print(f"  {edit.what}")
    print(f"problems: {len(problems)}")
    for problem in problems[:50]:
        print(f"  {problem}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
