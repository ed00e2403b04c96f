"""Deterministic train / validation / test split of image/mask pairs, saved as split.json.

The same pairs, seed and fractions always give the same split, whatever order the
pairs come in, so runs trained on the same data can be compared.
"""
import json
import random
from pathlib import Path

SPLIT_NAMES = ("train", "validation", "test")
DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


def split_pairs(pairs, seed=0, fractions=DEFAULT_FRACTIONS, train_on_everything=False):
    """Split (image_path, mask_path) pairs into train, validation and test, seeded.

    Arguments:
        pairs: the usable pairs, e.g. `load_dataset(...).pairs`.
        seed: seed of the shuffle that assigns pairs to parts.
        fractions: (train, validation, test) shares, non-negative, summing to 1.
        train_on_everything: the course notebook's behaviour: "train" holds every pair,
            while "validation" and "test" are drawn as usual (so they are also seen in
            training and measure fit, not generalisation).

    Returns:
        {"train": [...], "validation": [...], "test": [...]}, lists of pairs, each sorted.
        Validation has at least one pair whenever there are two or more pairs; with a
        single pair, it is the training pair and validation and test are empty.
    """
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"fractions must be three shares (train, validation, test) that are "
                         f"not negative and sum to 1; got {tuple(fractions)}")
    pairs = sorted((Path(image), Path(mask)) for image, mask in pairs)
    n_validation, n_test = part_sizes(len(pairs), fractions)
    shuffled = list(pairs)
    random.Random(seed).shuffle(shuffled)
    validation = shuffled[:n_validation]
    test = shuffled[n_validation:n_validation + n_test]
    train = pairs if train_on_everything else shuffled[n_validation + n_test:]
    return {"train": sorted(train), "validation": sorted(validation), "test": sorted(test)}


def part_sizes(n_pairs, fractions=DEFAULT_FRACTIONS):
    """(n_validation, n_test) for `n_pairs`: rounded shares, validation >= 1 and train >= 1."""
    if n_pairs < 2:
        return 0, 0
    n_validation = max(1, round(n_pairs * fractions[1]))
    n_test = round(n_pairs * fractions[2])
    while n_pairs - n_validation - n_test < 1:
        if n_test > 0:
            n_test -= 1
        else:
            n_validation -= 1
    return n_validation, n_test


def write_split(split, path, root=None, **details):
    """Write a split to the JSON file `path`.

    Arguments:
        split: the dict from `split_pairs`.
        path: where to write, usually RUN_DIR/split.json.
        root: the dataset folder; when given, file paths are stored relative to it.
        details: more JSON-able facts to record (e.g. seed=0, train_on_everything=False).
    """
    def name(file):
        file = Path(file)
        if root is not None:
            try:
                return file.relative_to(root).as_posix()
            except ValueError:
                pass
        return str(file)

    record = {"root": str(Path(root).resolve()) if root is not None else None, **details,
              "counts": {part: len(split[part]) for part in SPLIT_NAMES}}
    for part in SPLIT_NAMES:
        record[part] = [[name(image), name(mask)] for image, mask in split[part]]
    Path(path).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def read_split(path):
    """Read a split written by `write_split`: {"train": [...], ...} of (image, mask) Paths.

    Relative file names are joined to the recorded root. The other recorded facts
    (root, seed, counts, ...) are returned too, under their own keys.
    """
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    root = Path(record["root"]) if record.get("root") else None
    split = {key: value for key, value in record.items() if key not in SPLIT_NAMES}
    for part in SPLIT_NAMES:
        split[part] = [tuple(root / name if root is not None else Path(name) for name in pair)
                       for pair in record[part]]
    return split
