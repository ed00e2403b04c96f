"""What a picture of a model shows, as plain data: boxes, where they sit, the skip arrows, the mark.

    layout(description, marked=None) -> Layout

A model whose layers come from blocks (the U-Net: describe.py's `origin`) is drawn as a
U: one box per block (and one per layer outside the blocks), sunk one row for each halving
of the input's height, so the encoder goes down, the bottleneck sits at the bottom and the
decoder comes back up; an input a block takes from any block other than the one before it
is a skip connection, drawn as an arrow across. A model without blocks (a block function
itself) is its layers in order, top to bottom. No drawing here (see picture.py), so the
HTML report's alt text and the tests read the same boxes the picture draws.
"""
import math
from dataclasses import dataclass

from grader.grading.messages import value_text

SHOWN_SETTINGS = ("kernel_size", "strides", "activation", "padding", "rate", "pool_size", "axis")


@dataclass(frozen=True)
class Box:
    """One box: a block of layers (or one layer).

    Attributes:
        title: "block 4: conv_block", "Input", "Conv2D #3".
        lines: the lines under the title (output shape, filters, settings).
        column, row: where it sits (row 0 at the top; a U-Net's row is its halvings).
        layers: the indices (into the description's layers) it stands for.
        marked: whether the first difference is in it.
        block: whether it is a block of the model (rather than a layer outside the blocks).
    """

    title: str
    lines: tuple
    column: int
    row: int
    layers: tuple
    marked: bool = False
    block: bool = False


@dataclass(frozen=True)
class Layout:
    """The boxes, the arrows between them ((from, to, skip) indices into boxes), and the shape: "u" or "list"."""

    shape: str
    boxes: tuple
    arrows: tuple

    @property
    def rows(self):
        """How many rows the boxes take."""
        return 1 + max((box.row for box in self.boxes), default=0)

    @property
    def columns(self):
        """How many columns the boxes take."""
        return 1 + max((box.column for box in self.boxes), default=0)


def layout(description, marked=None):
    """The Layout of a description (describe.py's format); `marked`: the index of the layer to mark."""
    layers = description["layers"]
    if any(layer.get("origin") for layer in layers):
        return _u_layout(layers, marked)
    return _list_layout(layers, marked)


def _groups(layers):
    """Runs of consecutive layers made by the same block call (a layer outside blocks: a run of its own)."""
    groups = []
    for index, layer in enumerate(layers):
        origin = layer.get("origin")
        key = origin["block"] if origin else None
        if groups and key is not None and groups[-1][0] == key:
            groups[-1][1].append(index)
        else:
            groups.append((key, [index]))
    return [indices for _, indices in groups]


def _u_layout(layers, marked):
    groups = _groups(layers)
    top = _height(layers[0]) or 1
    owner = {index: number for number, indices in enumerate(groups) for index in indices}
    boxes = []
    for number, indices in enumerate(groups):
        heights = [_height(layers[index]) for index in indices if _height(layers[index])]
        row = max(0, round(math.log2(top / max(heights)))) if heights else 0
        boxes.append(Box(_group_title(layers, indices), _group_lines(layers, indices), number, row,
                         tuple(indices), marked in indices, bool(layers[indices[0]].get("origin"))))
    arrows = []
    for number, indices in enumerate(groups):
        sources = []
        for index in indices:
            for parent in layers[index]["inputs"]:
                source = owner[parent]
                if source != number and source not in sources:
                    sources.append(source)
        for source in sources:
            arrows.append((source, number, source != number - 1))
    return Layout("u", tuple(boxes), tuple(arrows))


def _list_layout(layers, marked):
    boxes = tuple(Box(_layer_title(layers, index), _layer_lines(layers[index]), 0, index, (index,), marked == index)
                  for index in range(len(layers)))
    arrows = []
    for index, layer in enumerate(layers):
        for parent in layer["inputs"]:
            arrows.append((parent, index, parent != index - 1))
    return Layout("list", boxes, tuple(arrows))


def _height(layer):
    shape = layer["shape"]
    return shape[0] if len(shape) == 3 and isinstance(shape[0], int) and shape[0] > 0 else None


def _group_title(layers, indices):
    origin = layers[indices[0]].get("origin")
    if origin:
        return f"block {origin['block']}: {origin['function']}"
    return _layer_title(layers, indices[0])


def _group_lines(layers, indices):
    last = layers[indices[-1]]
    filters = sorted({layers[index]["settings"]["filters"] for index in indices
                      if "filters" in layers[index]["settings"]})
    kinds = [layers[index]["kind"] for index in indices]
    lines = [f"out {shape_words(last['shape'])}"]
    if filters:
        lines.append(f"{'/'.join(str(count) for count in filters)} filters")
    if len(indices) > 1:
        lines.append(f"{len(indices)} layers")
    elif kinds[0] not in ("Input", "Conv2D"):
        lines.append(_settings_words(layers[indices[0]]))
    elif kinds[0] == "Conv2D":
        lines.append(f"{value_text('kernel_size', layers[indices[0]]['settings']['kernel_size'])}, "
                     f"{value_text('activation', layers[indices[0]]['settings']['activation'])}")
    return tuple(line for line in lines if line)


def _layer_title(layers, index):
    kind = layers[index]["kind"]
    if kind == "Input":
        return "Input"
    number = sum(1 for layer in layers[:index + 1] if layer["kind"] == kind)
    return f"{kind} #{number}"


def _layer_lines(layer):
    lines = [f"out {shape_words(layer['shape'])}"]
    if "filters" in layer["settings"]:
        lines.append(f"{layer['settings']['filters']} filters")
    words = _settings_words(layer)
    return tuple(lines + ([words] if words else []))


def _settings_words(layer):
    settings = layer["settings"]
    return ", ".join(f"{setting.replace('_', ' ')} {value_text(setting, settings[setting])}"
                     for setting in SHOWN_SETTINGS if setting in settings)


def shape_words(shape):
    """96x128x32 for [96, 128, 32] (? for an unknown size)."""
    return "x".join("?" if size is None else str(size) for size in shape)


def describe_in_words(description, marked=None):
    """One sentence saying what the layout of `description` shows (for alt text): kind, size, the mark."""
    if description is None:
        return "nothing was built"
    found = layout(description, marked)
    layers = description["layers"]
    output = shape_words(layers[description["outputs"][0]]["shape"]) if description.get("outputs") else "?"
    if found.shape == "u":
        skips = sum(1 for _, _, skip in found.arrows if skip)
        text = (f"a U of {len(found.boxes)} boxes over {found.rows} levels with {skips} skip connections, "
                f"{len(layers)} layers, output {output}")
    else:
        text = f"{len(layers)} layers in order ({', '.join(box.title for box in found.boxes)}), output {output}"
    box = next((box for box in found.boxes if box.marked), None)
    return text + (f"; the first difference is marked in {box.title}" if box else "")
