"""The picture of a grading: each exercise's model, the student's beside the reference's, the fault marked.

    png(report) -> bytes      the PNG of every exercise of a records.Report that has a ModelPair
    exercises_png(exercises)  the same for some ExerciseResults (the HTML report: one per exercise)
    write(report, path)       the same, written to `path`

For each exercise the student's model and the reference's for the same configuration
(records.ModelPair) are drawn from their descriptions (model_layout.py): a U-Net as a U,
a block as its layers in order. The box holding the first difference has a thick dashed
border on both sides and the report's words for it are written under the pair; a model
whose code stopped is drawn as far as it was built, ending in a "stopped here" box. The
colours are the Okabe-Ito palette (safe for every common kind of colour blindness), and
nothing is told by colour alone (the mark is also a dashed border and words). Fonts, sizes
and DPI are fixed and the PNG carries no date, so the same report gives the same bytes.

Matplotlib is imported only here, when a picture is asked for, with the Agg canvas and no
pyplot; pictures asked for from several threads are drawn one at a time. Each panel (one
model) is drawn on its own and kept as pixels for the next pictures, so that `watch`, whose
reference does not change between saves, redraws only the student's side.
"""
import functools
import io
import textwrap
import threading

import numpy

from grader.reports.model_layout import layout

DPI = 100
WIDTH_IN = 13.0
FONT = {"font.family": "DejaVu Sans", "font.size": 8, "axes.linewidth": 0.8, "hatch.linewidth": 0.8}
INK = "#000000"
ENCODER = "#cfe8f7"   # Okabe-Ito sky blue, lightened
DECODER = "#c2e8dc"   # Okabe-Ito bluish green, lightened
OTHER = "#eeeeee"
SKIP = "#0072B2"      # Okabe-Ito blue
MARK = "#D55E00"      # Okabe-Ito vermillion
STOP = "#E69F00"      # Okabe-Ito orange
U_ROW_IN = 0.78
LIST_ROW_IN = 0.62
TITLE_IN = 0.5
PANEL_TITLE_IN = 0.22  # the band above a panel that holds its title ("Your model")
PANEL_GAP_IN = 0.27
_DRAWING = threading.Lock()  # one picture at a time: rc_context and the kept panels are the process's
PANELS_KEPT = 16  # panels drawn lately, kept as pixels: `watch` redraws only what changed
FOOTER_LINE_IN = 0.17
WRAP = 150
COMPRESSION = 3  # zlib level of the PNG: small files, quickly written


def png(report):
    """The PNG (bytes) of `report`'s model pairs, or None when no exercise has one."""
    return exercises_png(report.exercises)


def exercises_png(exercises):
    """The PNG (bytes) of the model pairs of `exercises` (ExerciseResults), or None when none has one."""
    pairs = [(exercise, exercise.models) for exercise in exercises if exercise.models is not None]
    if not pairs:
        return None
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAWING, matplotlib.rc_context(FONT):
        sections = [_Section(exercise, pair) for exercise, pair in pairs]
        height = sum(section.height for section in sections)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(figure)
        top, panels = height, []
        for section in sections:
            panels += section.draw(figure, top, height)
            top -= section.height
        return _png(canvas, panels)


def model_png(heading, description):
    """The PNG (bytes) of one model alone (`python -m grader summary --picture`): `heading` above it."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAWING, matplotlib.rc_context(FONT):
        section = _Section(None, None, alone=(heading, description))
        figure = Figure(figsize=(WIDTH_IN, section.height), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(figure)
        return _png(canvas, section.draw(figure, section.height, section.height))


def _png(canvas, panels):
    """The PNG of the canvas's figure (its words) with `panels` ((pixels, left px, top px)) put in place.

    The file holds RGB pixels and nothing else (no date, no software name): the same picture, the same bytes.
    """
    from PIL import Image

    canvas.draw()
    pixels = numpy.array(canvas.buffer_rgba())[:, :, :3]
    for panel, left, top in panels:
        rows, columns = panel.shape[:2]
        pixels[top:top + rows, left:left + columns] = panel[:, :, :3]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=COMPRESSION)
    return buffer.getvalue()


def write(report, path):
    """Write `report`'s picture to `path`; return whether there was anything to draw.

    Raises:
        OSError: the file could not be written.
    """
    data = png(report)
    if data is None:
        return False
    with open(path, "wb") as handle:
        handle.write(data)
    return True


class _Section:
    """One exercise's pair: its heading, the two panels, the words under them."""

    def __init__(self, exercise, pair, alone=None):
        self.exercise, self.pair = exercise, pair
        if alone is not None:  # one model, no reference, no words under it
            self.heading, description = alone
            self.panels = [("", layout(description), None)]
            self.footer = []
        else:
            self.heading = f"{exercise.name} ({exercise.function}), {pair.config}: {_args_words(pair.args)}"
            student = layout(pair.student, pair.found_at) if pair.student else None
            self.panels = [("Your model", student, pair.stopped),
                           ("The reference", layout(pair.reference, pair.expected_at), None)]
            words = pair.difference and f"First difference: {pair.difference}" or \
                pair.stopped and f"Your code stopped: {pair.stopped}" or \
                "No difference: your model is the reference's."
            self.footer = textwrap.wrap(words, WRAP, break_long_words=True) or [""]
        drawn = [panel[1] for panel in self.panels if panel[1] is not None]
        self.stacked = drawn[-1].shape == "u"
        rows = max(layout_.rows for layout_ in drawn)
        self.columns = max(layout_.columns + (1 if stopped else 0) for _, layout_, stopped in self.panels
                           if layout_ is not None)
        self.stopped = any(stopped for _, _, stopped in self.panels)
        footer_in = FOOTER_LINE_IN * len(self.footer) + 0.25
        if self.stacked:
            self.panel_in = rows * U_ROW_IN + 0.3
            self.height = TITLE_IN + len(self.panels) * (self.panel_in + PANEL_GAP_IN) + footer_in
        else:
            self.panel_in = (rows + (1 if self.stopped else 0)) * LIST_ROW_IN + 0.3
            self.height = TITLE_IN + self.panel_in + footer_in

    def draw(self, figure, top, height):
        """Draw the section's words into `figure` (`height` inches tall) from `top` inches down; return its
        panels as (pixels, left px, top px), to be put in place once the figure is drawn."""
        figure.text(0.1 / WIDTH_IN, (top - 0.22) / height, self.heading, fontsize=10, weight="bold", color=INK)
        below = top - TITLE_IN
        count = len(self.panels)
        if self.stacked:
            spots = [(0.05, below - (number + 1) * self.panel_in - number * PANEL_GAP_IN, 0.9)
                     for number in range(count)]
            footer_top = below - count * (self.panel_in + PANEL_GAP_IN) + 0.1
        else:
            spots = [(0.03 + number * 0.49, below - self.panel_in, 0.45) for number in range(count)]
            footer_top = below - self.panel_in - 0.05
        panels = []
        for (left, bottom, width), (title, drawn, stopped) in zip(spots, self.panels):
            pixels = _panel_pixels(title, drawn, bool(stopped), self.stacked, self.columns,
                                   round(width * WIDTH_IN * DPI), round(self.panel_in * DPI))
            panels.append((pixels, round(left * WIDTH_IN * DPI),
                           round(height * DPI) - round(bottom * DPI) - pixels.shape[0]))
        pair = self.pair
        color = MARK if pair is not None and (pair.difference or pair.stopped) else INK
        for number, line in enumerate(self.footer):
            figure.text(0.1 / WIDTH_IN, (footer_top - FOOTER_LINE_IN * (number + 1)) / height, line,
                        fontsize=8.5, color=color if number == 0 else INK)
        return panels


@functools.lru_cache(maxsize=PANELS_KEPT)
def _panel_pixels(title, drawn, stopped, u_shape, columns, width_px, height_px):
    """The RGBA pixels (rows top first) of one panel, `width_px` x `height_px` for its boxes and a title band above.

    Kept for the next pictures (the arguments are all plain, frozen values): the reference's panel, and a
    student's model that a save did not change, are drawn once a session.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    band_px = round(PANEL_TITLE_IN * DPI)
    figure = Figure(figsize=(width_px / DPI, (height_px + band_px) / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, height_px / (height_px + band_px)))
    _panel(axes, title, drawn, stopped, u_shape, columns)
    canvas.draw()
    pixels = numpy.asarray(canvas.buffer_rgba()).copy()
    pixels.setflags(write=False)
    return pixels


def _panel(axes, title, drawn, stopped, u_shape, columns):
    """Draw one model's layout (or that nothing was built) in `axes`."""
    axes.set_axis_off()
    axes.set_title(title, loc="left", fontsize=9, weight="bold", pad=2)
    if drawn is None:
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        axes.text(0.02, 0.6, "Nothing was built: your code stopped before any block returned.",
                  fontsize=8.5, color=INK)
        return
    boxes = list(drawn.boxes)
    rows = drawn.rows + (1 if stopped and not u_shape else 0)
    if u_shape:
        width, height = 0.9, 0.72
        axes.set_xlim(-0.1, max(columns, 6))
        axes.set_ylim(-rows - 0.05, 0.1)
        place = {index: (box.column + 0.5, -box.row - 0.5) for index, box in enumerate(boxes)}
    else:
        width, height = 0.9, 0.74
        axes.set_xlim(-0.05, 1.6)
        axes.set_ylim(-rows - 0.05, 0.05)
        place = {index: (0.5, -box.row - 0.5) for index, box in enumerate(boxes)}
    deepest = max(range(len(boxes)), key=lambda index: (boxes[index].row, -index)) if boxes else 0
    for index, box in enumerate(boxes):
        if u_shape:
            fill = OTHER if not box.block else (ENCODER if index <= deepest else DECODER)
        else:
            fill = OTHER if box.title == "Input" else ENCODER
        _box(axes, place[index], width, height, box.title, box.lines, fill, marked=box.marked, u_shape=u_shape)
    for source, target, skip in drawn.arrows:
        _arrow(axes, place[source], place[target], width, height, skip, u_shape)
    if stopped:
        last = place[len(boxes) - 1] if boxes else (0.5, -0.5)
        spot = (last[0] + 1, last[1]) if u_shape else (last[0], last[1] - 1)
        _box(axes, spot, width, height, "stopped here", ("(see below)",), "white", stop=True,
             u_shape=u_shape)
        _arrow(axes, last, spot, width, height, False, u_shape)


def _box(axes, centre, width, height, title, lines, fill, marked=False, stop=False, u_shape=True):
    from matplotlib.patches import FancyBboxPatch

    x, y = centre
    edge, line_width, style = (MARK, 2.6, (0, (4, 2))) if marked else (STOP, 2.0, (0, (2, 2))) if stop \
        else (INK, 0.8, "solid")
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                  boxstyle="round,pad=0,rounding_size=0.06", facecolor=fill, edgecolor=edge,
                                  linewidth=line_width, linestyle=style, mutation_aspect=1))
    if u_shape and ": " in title:  # "block 4: conv_block" on two lines, to fit a column
        title = title.replace(": ", ":\n", 1)
    text = title + "\n" + "\n".join(lines) if lines else title
    axes.text(x, y, text, ha="center", va="center", fontsize=6.2 if u_shape else 7.5, color=INK,
              linespacing=1.15)
    if marked and u_shape:  # above the box, clear of the arrows that leave its sides
        axes.text(x - width / 2, y + height / 2 + 0.03, "first difference", ha="left", va="bottom", fontsize=6.6,
                  color=MARK, weight="bold")
    elif marked:
        axes.text(x + width / 2 + 0.02, y + height / 2, "first difference", ha="left", va="top", fontsize=6.6,
                  color=MARK, weight="bold")


def _arrow(axes, start, end, width, height, skip, u_shape):
    (x0, y0), (x1, y1) = start, end
    if u_shape:
        if y0 == y1:
            begin, finish = (x0 + width / 2, y0 + height / 4), (x1 - width / 2, y1 + height / 4)
        elif y1 < y0:
            begin, finish = (x0 + width / 4, y0 - height / 2), (x1 - width / 4, y1 + height / 2)
        else:
            begin, finish = (x0 + width / 4, y0 + height / 2), (x1 - width / 4, y1 - height / 2)
        if abs(x1 - x0) < 1e-9:
            begin, finish = (x0, begin[1]), (x1, finish[1])
        style = "arc3,rad=0"
    elif skip:
        begin, finish = (x0 + width / 2, y0), (x1 + width / 2, y1)
        style = "arc3,rad=-0.35"
    else:
        begin, finish = (x0, y0 - height / 2), (x1, y1 + height / 2)
        style = "arc3,rad=0"
    axes.annotate("", xy=finish, xytext=begin, arrowprops={
        "arrowstyle": "-|>", "color": SKIP if skip else INK, "linewidth": 1.3 if skip else 0.8,
        "linestyle": (0, (3, 2)) if skip else "solid", "connectionstyle": style, "shrinkA": 0, "shrinkB": 0,
        "mutation_scale": 8})


def _args_words(args):
    """'input_size=96x128x3, n_filters=32' from a configuration's arguments."""
    shown = {key: value for key, value in args.items() if key != "left_at_defaults"}
    return ", ".join(f"{key}={'x'.join(str(item) for item in value) if isinstance(value, list) else value}"
                     for key, value in shown.items())
