"""Find a CARLA dataset on disk, detect its layout and validate every file.

Two layouts are understood (see data/README.md):

- course: DIR/CameraRGB/*.png + DIR/CameraMask/*.png, 480x640 RGBA, class ids 0..22;
- lyft:   DIR/CameraRGB/*.png + DIR/CameraSeg/*.png, 600x800 RGB, class ids 0..12,
  or the Kaggle download whose subfolders (dataA ... dataE, possibly nested once as
  dataA/dataA) each hold such a pair of folders.

Images and masks are paired by identical file name. Every file is opened: images are
checked chunk by chunk (truncation, corruption), masks are decoded fully so that class
ids outside the layout's table are found. Files that cannot be used are left out with
a warning naming each one (or, with strict=True, raise DataError); sizes are written
height x width throughout.

This module needs Pillow only, not TensorFlow, so `python -m grader data check` is quick.
"""
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from segmentation.classes import ClassTable, table_for_layout
from segmentation.errors import InputError

IMAGE_FOLDER = "CameraRGB"
MASK_FOLDERS = {"course": "CameraMask", "lyft": "CameraSeg"}
LAYOUT_DESCRIPTIONS = {
    "course": "the course layout (CameraRGB/*.png with CameraMask/*.png, 480x640 RGBA, "
              "class ids 0..22 in the mask's red channel)",
    "lyft": "the Lyft-Udacity layout (CameraRGB/*.png with CameraSeg/*.png, 600x800 RGB, "
            "class ids 0..12 in the mask's red channel; or its Kaggle form with dataA ... "
            "dataE subfolders each holding such a pair)",
}
LAYOUT_TITLES = {"course": "course (CameraRGB/ + CameraMask/)",
                 "lyft": "Lyft-Udacity (CameraRGB/ + CameraSeg/)"}
SYNTHETIC_MARKER = "synthetic.json"
READABLE_MODES = {"RGB", "RGBA", "L", "LA", "P", "PA"}
MAX_NAMED_IN_MESSAGE = 10


class DataError(InputError):
    """A dataset folder cannot be used; the message is one paragraph saying why and what to do."""


class DataWarning(UserWarning):
    """Some files of a dataset were left out; the message names each one and says why."""


@dataclass
class Dataset:
    """A validated dataset: its layout, classes, usable pairs and what was left out.

    Attributes:
        root: the folder that was given.
        layout: "course" or "lyft".
        classes: the layout's ClassTable.
        pairs: sorted (image_path, mask_path) of every usable pair.
        report: file name relative to `root` -> why that file was left out.
        class_pixels: pixel count of each class id over the usable masks.
        image_sizes: (height, width) -> how many usable pairs have that size.
        synthetic: True for a sample written by the synthetic generator.
    """

    root: Path
    layout: str
    classes: ClassTable
    pairs: list = field(default_factory=list)
    report: dict = field(default_factory=dict)
    class_pixels: list = field(default_factory=list)
    image_sizes: dict = field(default_factory=dict)
    synthetic: bool = False

    def left_out_message(self):
        """One paragraph naming the files left out and why, or None when none was."""
        if not self.report:
            return None
        return (f"{len(self.report)} file(s) in {self.root} were left out: "
                f"{_name_some(self.report)}. Training uses the {len(self.pairs)} remaining "
                f"pair(s); run `python -m grader data check {self.root}` for the full report.")

    def check_strict(self):
        """Raise DataError naming every unusable file, if any was left out (strict checking)."""
        if self.report:
            raise DataError(f"{len(self.report)} file(s) in {self.root} are not usable and strict "
                            f"checking is on: {_name_some(self.report)}. Fix or remove them, or "
                            f"leave out --strict to use the {len(self.pairs)} usable pair(s).")

    def describe(self):
        """The human-readable report that `python -m grader data check` prints."""
        table = self.classes
        total = sum(self.class_pixels) or 1
        kind = ("SYNTHETIC sample (procedurally drawn, not real CARLA frames)"
                if self.synthetic else "")
        lines = [f"Data folder: {self.root}" + (f"  [{kind}]" if kind else ""),
                 f"Layout: {LAYOUT_TITLES[self.layout]}, class id in the mask's red channel",
                 f"Pairs: {len(self.pairs)} usable, {len(self.report)} file(s) left out",
                 "Image sizes (height x width): " + (", ".join(
                     f"{h}x{w} ({count} pairs)" for (h, w), count in sorted(self.image_sizes.items()))
                     or "none")]
        present = [i for i, count in enumerate(self.class_pixels) if count]
        lines.append(f"Classes: {table.n_classes} in the {table.name} table, "
                     f"{len(present)} present in the usable masks (pixel share):")
        for class_id in present:
            share = 100.0 * self.class_pixels[class_id] / total
            lines.append(f"  {class_id:3d} {table.names[class_id]:<14} {share:7.2f}%")
        absent = [table.names[i] for i in range(table.n_classes) if i not in present]
        if absent:
            lines.append(f"Classes absent: {', '.join(absent)}")
        if self.report:
            lines.append("Files left out:")
            lines += [f"  {name}: {reason}" for name, reason in sorted(self.report.items())]
        return "\n".join(lines)


def load_data(folder, log=print):
    """load_dataset, with left-out files reported through `log` instead of Python warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        dataset = load_dataset(folder)
    for warning in caught:
        if issubclass(warning.category, DataWarning):
            log(f"Warning: {warning.message}")
    return dataset


def load_dataset(path, layout=None, strict=False):
    """Find, validate and return the dataset in folder `path`.

    Arguments:
        path: the dataset folder (str or Path).
        layout: "course" or "lyft" to force a layout; None detects it from the folders.
        strict: raise DataError when any file is unusable, instead of leaving it out
            with a DataWarning.

    Returns:
        A Dataset whose `pairs` are the usable (image_path, mask_path) pairs, sorted.

    Raises:
        DataError: the folder is missing, empty, of no known layout, has no usable
            pair, or (with strict=True) has any unusable file.
    """
    if layout is not None and layout not in MASK_FOLDERS:
        raise DataError(f"Unknown data layout {layout!r}: the layouts are "
                        f"{' and '.join(sorted(MASK_FOLDERS))}.")
    root = Path(path)
    try:
        layout, folders = _find_layout(root, layout)
        classes = table_for_layout(layout)
        dataset = Dataset(root=root, layout=layout, classes=classes,
                          class_pixels=[0] * classes.n_classes,
                          synthetic=(root / SYNTHETIC_MARKER).is_file())
        candidates = []
        for folder in folders:
            candidates += _match_by_name(root, folder, MASK_FOLDERS[layout], dataset.report)
    except OSError as error:  # e.g. a folder without read permission
        raise DataError(f"Could not read the data folder {root}: {error.strerror or error} "
                        f"({error.filename or root}). Check that it exists and that you may "
                        f"read it.") from None
    if not candidates and not dataset.report:
        raise DataError(f"The data folder {root} has no PNG files in its {IMAGE_FOLDER} and "
                        f"{MASK_FOLDERS[layout]} folders. Expected {LAYOUT_DESCRIPTIONS[layout]}. "
                        f"Put the downloaded frames there, or use the synthetic sample: "
                        f"`python -m grader data synth --out DIR`.")
    _validate_pairs(root, candidates, dataset)
    if strict:
        dataset.check_strict()
    if not dataset.pairs:
        raise DataError(f"The data folder {root} has no usable image/mask pair: "
                        f"{_name_some(dataset.report)}. Expected {LAYOUT_DESCRIPTIONS[layout]}.")
    if dataset.report:
        warnings.warn(dataset.left_out_message(), DataWarning, stacklevel=2)
    return dataset


def _find_layout(root, layout):
    """The layout and the folders holding CameraRGB + mask folders; DataError if none fits."""
    expected = LAYOUT_DESCRIPTIONS[layout] if layout else (
        f"{LAYOUT_DESCRIPTIONS['course']}, or {LAYOUT_DESCRIPTIONS['lyft']}")
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise DataError(f"The data folder {root} {what}. Expected {expected}. Pass the folder "
                        f"that holds {IMAGE_FOLDER}/, or create the synthetic sample with "
                        f"`python -m grader data synth --out DIR`.")
    folders = [root] if _has_camera_folders(root) else _kaggle_subfolders(root)
    if not folders:
        found = sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
        seen = (f"it holds {', '.join(found[:8])}{' ...' if len(found) > 8 else ''}"
                if found else "it is empty")
        raise DataError(f"The data folder {root} has no {IMAGE_FOLDER} folder ({seen}). "
                        f"Expected {expected}.")
    layouts = {folder: _layouts_of(folder) for folder in folders}
    if layout is None:
        found = set().union(*layouts.values())
        if len(found) != 1:
            which = ("both CameraMask and CameraSeg folders" if found
                     else f"a {IMAGE_FOLDER} folder but no CameraMask or CameraSeg folder")
            raise DataError(f"The data folder {root} has {which}, so its layout is unclear. "
                            f"Expected {expected}. Pass --layout course or --layout lyft "
                            f"(or move the other masks away).")
        layout = found.pop()
    for folder, present in layouts.items():
        if layout not in present:
            missing = folder / MASK_FOLDERS[layout]
            raise DataError(f"The mask folder {missing} is missing. Expected "
                            f"{LAYOUT_DESCRIPTIONS[layout]}."
                            + (f" {folder} looks like the {sorted(present)[0]} layout instead; "
                               f"leave out --layout to detect it." if present else ""))
    return layout, folders


def _has_camera_folders(folder):
    """Whether `folder` holds a CameraRGB, CameraMask or CameraSeg folder."""
    return any((folder / name).is_dir() for name in [IMAGE_FOLDER, *MASK_FOLDERS.values()])


def _kaggle_subfolders(root):
    """Subfolders (dataA ... or any name, possibly nested once as dataA/dataA) holding Camera* folders."""
    folders = []
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if _has_camera_folders(sub):
            folders.append(sub)
        elif _has_camera_folders(sub / sub.name):
            folders.append(sub / sub.name)
    return folders


def _layouts_of(folder):
    """The layouts whose mask folder exists in `folder` (a set of names)."""
    return {name for name, mask_folder in MASK_FOLDERS.items() if (folder / mask_folder).is_dir()}


def _png_files(folder, root, report):
    """{file name: path} of the PNGs in `folder`; other visible files go to `report`."""
    files = {}
    if not folder.is_dir():
        return files
    for path in folder.iterdir():
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() == ".png":
            files[path.name] = path
        else:
            report[_relative(path, root)] = "not a .png file (both layouts hold PNG files only)"
    return files


def _match_by_name(root, folder, mask_folder, report):
    """(image, mask) path pairs with identical names in `folder`; unpaired files go to `report`."""
    images = _png_files(folder / IMAGE_FOLDER, root, report)
    masks = _png_files(folder / mask_folder, root, report)
    for name in sorted(images.keys() - masks.keys()):
        report[_relative(images[name], root)] = (
            f"no mask: {_relative(folder / mask_folder / name, root)} is missing")
    for name in sorted(masks.keys() - images.keys()):
        report[_relative(masks[name], root)] = (
            f"no image: {_relative(folder / IMAGE_FOLDER / name, root)} is missing")
    return [(images[name], masks[name]) for name in sorted(images.keys() & masks.keys())]


def _validate_pairs(root, candidates, dataset):
    """Open every file of `candidates` (in threads) and fill dataset.pairs/report/statistics."""
    n_classes = dataset.classes.n_classes
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        image_checks = pool.map(check_image, [image for image, _ in candidates])
        mask_checks = pool.map(check_mask, [mask for _, mask in candidates])
        for (image, mask), (image_size, image_error), (mask_size, red_histogram, mask_error) in zip(
                candidates, image_checks, mask_checks):
            if image_error:
                dataset.report[_relative(image, root)] = image_error
                continue
            if mask_error:
                dataset.report[_relative(mask, root)] = mask_error
                continue
            if image_size != mask_size:
                dataset.report[_relative(image, root)] = (
                    f"size mismatch: the image is {_hxw(image_size)} but its mask "
                    f"{_relative(mask, root)} is {_hxw(mask_size)}")
                continue
            bad_ids = [i for i in range(n_classes, 256) if red_histogram[i]]
            if bad_ids:
                shown = ", ".join(f"{i} ({red_histogram[i]:,} px)" for i in bad_ids[:5])
                dataset.report[_relative(mask, root)] = (
                    f"class id{'s' if len(bad_ids) > 1 else ''} {shown}"
                    f"{' ...' if len(bad_ids) > 5 else ''} outside 0..{n_classes - 1} "
                    f"of the {dataset.layout} table")
                continue
            dataset.pairs.append((image, mask))
            for class_id in range(n_classes):
                dataset.class_pixels[class_id] += red_histogram[class_id]
            dataset.image_sizes[image_size] = dataset.image_sizes.get(image_size, 0) + 1
    dataset.pairs.sort()


def check_image(path):
    """Open a PNG and verify all its chunks without decoding pixels.

    Returns:
        ((height, width), None) when the file is readable, else (None, reason).
    """
    try:
        with Image.open(path) as image:
            problem = _format_problem(image)
            size = (image.height, image.width)
            image.verify()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as error:
        return None, _unreadable(error)
    return (None, problem) if problem else (size, None)


def check_mask(path):
    """Decode a mask PNG fully and count its class ids (the red channel's values).

    Returns:
        ((height, width), red_histogram, None) with red_histogram[i] = pixels of id i
        (256 counts), or (None, None, reason) when the mask cannot be used.
    """
    try:
        with Image.open(path) as mask:
            problem = _format_problem(mask)
            if problem:
                return None, None, problem
            if mask.mode in ("P", "PA"):  # decoders expand palettes: the red is the palette's
                mask = mask.convert("RGB")
            return (mask.height, mask.width), mask.histogram()[:256], None
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as error:
        return None, None, _unreadable(error)


def _format_problem(image):
    """Why an opened image is not a usable PNG, or None."""
    if image.format != "PNG":
        return f"not a PNG file (it is {image.format or 'of an unknown format'})"
    if image.mode not in READABLE_MODES:
        return f"unsupported PNG colour mode {image.mode} (expected 8-bit RGB or RGBA)"
    return None


def _unreadable(error):
    """The report text for a file that could not be read."""
    if isinstance(error, UnidentifiedImageError):
        return "not a readable image file (no PNG signature)"
    return f"unreadable PNG, truncated or corrupt: {error}"


def _relative(path, root):
    """`path` relative to `root` as a/b/c.png (the name used in reports)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _hxw(size):
    """'HxW' for a (height, width) pair."""
    return f"{size[0]}x{size[1]}"


def _name_some(report):
    """'name (reason); ...' for the first few entries of a report, then how many more."""
    items = sorted(report.items())
    named = "; ".join(f"{name}: {reason}" for name, reason in items[:MAX_NAMED_IN_MESSAGE])
    more = len(items) - MAX_NAMED_IN_MESSAGE
    return named + (f"; and {more} more" if more > 0 else "")
