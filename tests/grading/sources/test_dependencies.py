"""Only what the graded functions need: names followed to their statements, anywhere in the source
(pure: nothing runs, no TensorFlow)."""
import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.grading.sources.cells import Cell, script_cells
from grader.grading.sources.dependencies import UNKNOWN, slice_for, statements_of
from grader.grading.sources.ipython import to_python

GRADED = ["conv_block", "upsampling_block", "unet_model"]


def _statements(*cells):
    statements = []
    for number, text in enumerate(cells, start=1):
        cell = Cell(number, text, f"nb, cell {number}", notebook="nb.ipynb")
        statements += statements_of(cell, ast.parse(to_python(text)))
    return statements


def _kept(*cells, wanted=("conv_block",), star=lambda module: UNKNOWN):
    return [statement.text for statement in slice_for(_statements(*cells), list(wanted), GRADED, star).kept]


def test_a_helper_in_its_own_cell_and_a_constant_in_another_are_followed():
    kept = _kept("import pandas as pd\nimport numpy as np",
                 "FILTERS = 32\nUNUSED = 1",
                 "def helper(x):\n    return np.sqrt(x) * FILTERS",
                 "def conv_block(inputs=None):\n    return helper(inputs)",
                 "df = pd.read_csv('data.csv')\nhistory = model.fit(df)")
    assert kept == ["import numpy as np", "FILTERS = 32", "def helper(x):\n    return np.sqrt(x) * FILTERS",
                    "def conv_block(inputs=None):\n    return helper(inputs)"]


def test_assignments_that_bind_needed_names_are_kept_with_what_they_need():
    kept = _kept("from segmentation.quiet_tf import import_tensorflow\ntf = import_tensorflow()",
                 "import keras\nlayers = keras.layers\nrelu = tf.nn.relu",
                 "def conv_block(inputs=None):\n    return layers.Conv2D(3, 3, activation=relu)(inputs)")
    assert kept == ["from segmentation.quiet_tf import import_tensorflow", "tf = import_tensorflow()",
                    "import keras", "layers = keras.layers", "relu = tf.nn.relu",
                    "def conv_block(inputs=None):\n    return layers.Conv2D(3, 3, activation=relu)(inputs)"]


def test_defaults_decorators_and_class_helpers_count_as_uses():
    kept = _kept("import functools\nSIZE = 3\nclass Block:\n    KIND = 'conv'\n    def make(self):\n        return SIZE",
                 "@functools.lru_cache\ndef conv_block(inputs=None, n_filters=SIZE):\n    return Block().make()")
    assert kept[:3] == ["import functools", "SIZE = 3",
                        "class Block:\n    KIND = 'conv'\n\n    def make(self):\n        return SIZE"]


def test_only_the_statement_never_its_line():
    kept = _kept("import time; t = time.time(); check('exercise1')",
                 "import numpy as np; history = model.fit(x)",
                 "def conv_block(inputs=None):\n    return np.zeros(int(time.time()))")
    assert kept == ["import time", "import numpy as np",
                    "def conv_block(inputs=None):\n    return np.zeros(int(time.time()))"]


def test_imports_of_several_names_are_split_and_only_the_used_one_kept():
    kept = _kept("import numpy as np, pandas as pd\nfrom os import path, sep",
                 "def conv_block(inputs=None):\n    return np.array(path.join('a', 'b'))")
    assert kept[:2] == ["import numpy as np", "from os import path"]


def test_a_star_import_binds_what_its_module_provides():
    star = {"tensorflow.keras.layers": frozenset({"Conv2D", "Dropout"}), "seaborn": UNKNOWN}.get
    kept = _kept("from tensorflow.keras.layers import *\nfrom seaborn import *",
                 "def conv_block(inputs=None):\n    return Conv2D(3, 3)(inputs)", star=star)
    assert kept == ["from tensorflow.keras.layers import *", "def conv_block(inputs=None):\n    return Conv2D(3, 3)(inputs)"]


def test_a_name_nothing_binds_may_come_from_a_star_import_that_cannot_be_read():
    star = {"test_utils": UNKNOWN}.get
    kept = _kept("from test_utils import *", "def conv_block(inputs=None):\n    return summary(inputs)", star=star)
    assert kept[0] == "from test_utils import *"


def test_the_last_binding_wins_and_later_changes_to_a_needed_object_are_kept():
    kept = _kept("SIZES = {}\nSIZES = {'a': 1}", "SIZES['b'] = 2\nOTHER = {}\nOTHER['c'] = 3",
                 "def conv_block(inputs=None):\n    return SIZES")
    assert kept == ["SIZES = {'a': 1}", "SIZES['b'] = 2", "def conv_block(inputs=None):\n    return SIZES"]


def test_exercise3_follows_the_blocks_it_calls():
    kept = _kept("from tensorflow.keras.layers import Conv2D\nfrom tensorflow.keras.layers import Input",
                 "def conv_block(inputs=None):\n    return Conv2D(1, 1)(inputs)",
                 "def unet_model(input_size=(96, 128, 3)):\n    return conv_block(Input(input_size))",
                 "model = unet_model()\nmodel.summary()", wanted=("unet_model",))
    assert kept == ["from tensorflow.keras.layers import Conv2D", "from tensorflow.keras.layers import Input",
                    "def conv_block(inputs=None):\n    return Conv2D(1, 1)(inputs)",
                    "def unet_model(input_size=(96, 128, 3)):\n    return conv_block(Input(input_size))"]


def test_ipython_syntax_anywhere_is_never_a_syntax_error():
    kept = _kept("%matplotlib inline\n!pip install seaborn\nfiles = !ls\nimport numpy as np",
                 "%%time\ndef conv_block(inputs=None):\n    %time x = np.zeros(3)\n    display(x)\n    return x",
                 "%%bash\nls -l | wc")
    assert kept[0] == "import numpy as np"
    assert "x = np.zeros(3)" in kept[1] and "display(x)" in kept[1]


def test_exported_scripts_are_read_cell_by_cell_at_their_file_lines():
    nbconvert = ("#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\nimport numpy as np\n"
                 "get_ipython().run_line_magic('matplotlib', 'inline')\n\n\n# In[2]:\n\n\n"
                 "def conv_block(inputs=None):\n    return np.ones(2)\n")
    cells = script_cells(nbconvert, "work.py")
    assert [cell.line_offset for cell in cells] == [0, 3, 10]
    jupytext = "# %% [markdown]\n# # Title\n\n# %%\nimport numpy as np\n# %matplotlib inline\n\n# %%\nx = 1\n"
    assert [cell.text.splitlines()[1] for cell in script_cells(jupytext, "work.py")] == ["import numpy as np", "x = 1"]


unrelated = st.sampled_from([
    "history = model.fit(train, epochs=40)", "plt.imshow(image)\nplt.show()", "import pandas as pd",
    "df = pd.DataFrame()", "comparator(summary(model), outputs.conv_block)", "%matplotlib inline",
    "for i in range(3):\n    print(i)", "model = unet_model()\nmodel.summary()", "!pip install imageio",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(unrelated, max_size=6), st.integers(0, 3))
def test_cells_that_bind_nothing_needed_never_change_what_is_kept(extra, position):
    needed = ["import numpy as np", "SCALE = 2", "def conv_block(inputs=None):\n    return np.ones(SCALE)"]
    cells = list(needed)
    for text in extra:
        cells.insert(min(position, len(cells)), text)
    assert _kept(*cells) == needed


def test_a_statement_takes_the_last_binding_before_it_and_a_body_the_last_anywhere():
    """The course's set-up cell uses `path = ''`; a later cell's `for path in zip(...)` rebinds it."""
    kept = _kept("import os\npath = ''\nimage_path = os.path.join(path, './data/CameraRGB/')",
                 "def conv_block(inputs=None, n_filters=32):\n    return os.listdir(image_path), LAST",
                 "for path in zip([1], [2]):\n    print(path)\nLAST = 1\nLAST = 2")
    assert kept == ["import os", "path = ''", "image_path = os.path.join(path, './data/CameraRGB/')",
                    "def conv_block(inputs=None, n_filters=32):\n    return (os.listdir(image_path), LAST)", "LAST = 2"]


def test_changes_count_up_to_the_statement_that_uses_the_object():
    kept = _kept("SIZES = {'a': 1}\nSIZES['b'] = 2\nKEYS = list(SIZES)\nSIZES['c'] = 3",
                 "def conv_block(inputs=None):\n    return KEYS")
    assert kept == ["SIZES = {'a': 1}", "SIZES['b'] = 2", "KEYS = list(SIZES)",
                    "def conv_block(inputs=None):\n    return KEYS"]


def test_a_class_body_and_a_comprehension_run_at_once_a_lambda_later():
    kept = _kept("A = 1\nB = 2\nC = 3",
                 "class Block:\n    KIND = A\nTABLE = [B for _ in range(2)]\nLATER = lambda: C",
                 "A = 10\nB = 20\nC = 30",
                 "def conv_block(inputs=None):\n    return (Block, TABLE, LATER)")
    assert kept == ["A = 1", "B = 2", "class Block:\n    KIND = A", "TABLE = [B for _ in range(2)]",
                    "LATER = lambda: C", "C = 30", "def conv_block(inputs=None):\n    return (Block, TABLE, LATER)"]


def test_a_default_of_an_argument_always_passed_is_never_computed():
    statements = _statements("dataset = load_the_data()\nprocessed_image_ds = dataset.map(preprocess)",
                             "def conv_block(inputs=processed_image_ds, n_filters=FILTERS, dropout_prob=0):\n"
                             "    return inputs",
                             "FILTERS = 32")
    chosen = slice_for(statements, ["conv_block"], GRADED, lambda module: UNKNOWN, {"conv_block": ("inputs",)})
    assert [statement.text for statement in chosen.kept] == [
        "def conv_block(inputs=__grader_default_not_computed__, n_filters=FILTERS, dropout_prob=0):\n    return inputs",
        "FILTERS = 32"]
    [unused] = chosen.unused_defaults
    assert (unused.function, unused.parameter, unused.text) == ("conv_block", "inputs", "processed_image_ds")


def test_literal_defaults_and_arguments_not_always_passed_keep_their_defaults():
    statements = _statements("SIZE = (96, 128, 3)",
                             "def unet_model(input_size=(96, 128, 3), n_filters=SIZE, *, n_classes=SIZE):\n"
                             "    return input_size")
    chosen = slice_for(statements, ["unet_model"], GRADED, lambda module: UNKNOWN,
                       {"unet_model": ("input_size", "n_classes")})
    assert [default.parameter for default in chosen.unused_defaults] == ["n_classes"]
    assert chosen.kept[0].text == "SIZE = (96, 128, 3)"


def test_a_name_in_a_default_and_in_the_body_takes_both_bindings():
    kept = _kept("SIZE = 3", "def conv_block(inputs=None, n_filters=SIZE):\n    return SIZE", "SIZE = 4")
    assert kept == ["SIZE = 3", "def conv_block(inputs=None, n_filters=SIZE):\n    return SIZE", "SIZE = 4"]
