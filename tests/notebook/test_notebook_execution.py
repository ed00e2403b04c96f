"""The course notebook runs end to end in a Jupyter kernel, and its filled-in version scores 100%.

One execution (the slow test of this part): the notebook is generated with the reference
in its graded cells and a tiny training budget, run top to bottom with nbclient, then the
executed file is graded with `--source`.
"""
import nbformat
import pytest

from grader.notebook.builder import QUICK_BUDGET, build_notebook
from grading_helpers import run_grader

nbclient = pytest.importorskip("nbclient")


def _outputs(cell, kind=None):
    return [output for output in cell.get("outputs", []) if kind is None or output.output_type == kind]


def _text(cell):
    return "".join(output.get("text", "") for output in _outputs(cell, "stream"))


@pytest.mark.slow
def test_solved_notebook_runs_end_to_end_and_scores_full_marks(tmp_path):
    notebook = build_notebook(solutions=True, budget=QUICK_BUDGET)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    path = tmp_path / "unet.ipynb"
    nbformat.write(notebook, str(path))

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [output for cell in code for output in _outputs(cell, "error")]
    assert not [cell.source for cell in code if "oneDNN" in _text(cell) or "Traceback" in _text(cell)]
    roles = [(cell.metadata.get("grader", {}).get("role"), cell) for cell in code]
    data_text = "".join(_text(cell) for role, cell in roles if role == "data")
    assert "image/mask pairs from the synthetic sample" in data_text
    checks = [cell for role, cell in roles if role == "check"]
    assert len(checks) == 3
    for cell in checks:
        report = _text(cell)
        assert "(100%): all checks passed" in report, report
        assert "this notebook's functions" in report and "/tmp" not in report
    pictures = [cell for cell in code if any("image/png" in output.get("data", {})
                                             for output in _outputs(cell, "display_data"))]
    assert [cell.source.splitlines()[0] for cell in pictures] == [  # each check shows the model's picture
        "def colour_mask(mask):", 'check("exercise1")', 'check("exercise2")', 'check("exercise3")',
        "figure, (accuracy_axis, loss_axis) = plt.subplots(1, 2, figsize=(11, 4))",
        'predicted = tf.argmax(model.predict(images, verbose=0), axis=-1)']
    assert "val_accuracy" in "".join(_text(cell) for role, cell in roles if role == "training")

    graded = run_grader("all", "--source", str(path))
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "(100%): all checks passed" in graded.stdout
