"""Class tables of the two CARLA data layouts: names and display colours, in one place.

A mask pixel's class id is its index in the table. The course layout (the notebook's
CARLA frames) has 23 classes; the Lyft-Udacity layout has 13, whose first 13 names
mean the same things as the course's. Colours follow the CARLA / Cityscapes palette
(road purple, sky blue, vegetation green, vehicles dark blue, ...) as RGB 0..255.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassTable:
    """The classes of one layout.

    Attributes:
        name: the layout the table belongs to, "course" or "lyft".
        names: class names; a pixel's class id is the index of its name.
        colors: one (R, G, B) display colour per class, each 0..255.
    """

    name: str
    names: list[str]
    colors: list[tuple[int, int, int]]

    @property
    def n_classes(self):
        """How many classes the table has (the model's output channels)."""
        return len(self.names)


COURSE_CLASSES = ClassTable(
    name="course",
    names=[
        "Unlabeled", "Building", "Fence", "Other", "Pedestrian", "Pole", "RoadLine", "Road",
        "SideWalk", "Vegetation", "Vehicles", "Wall", "TrafficSign", "Sky", "Ground", "Bridge",
        "RailTrack", "GuardRail", "TrafficLight", "Static", "Dynamic", "Water", "Terrain",
    ],
    colors=[
        (0, 0, 0),          # Unlabeled
        (70, 70, 70),       # Building
        (100, 40, 40),      # Fence
        (55, 90, 80),       # Other
        (220, 20, 60),      # Pedestrian
        (153, 153, 153),    # Pole
        (157, 234, 50),     # RoadLine
        (128, 64, 128),     # Road
        (244, 35, 232),     # SideWalk
        (107, 142, 35),     # Vegetation
        (0, 0, 142),        # Vehicles
        (102, 102, 156),    # Wall
        (220, 220, 0),      # TrafficSign
        (70, 130, 180),     # Sky
        (81, 0, 81),        # Ground
        (150, 100, 100),    # Bridge
        (230, 150, 140),    # RailTrack
        (180, 165, 180),    # GuardRail
        (250, 170, 30),     # TrafficLight
        (110, 190, 160),    # Static
        (170, 120, 50),     # Dynamic
        (45, 60, 150),      # Water
        (145, 170, 100),    # Terrain
    ],
)

LYFT_CLASSES = ClassTable(
    name="lyft",
    names=[
        "None", "Buildings", "Fences", "Other", "Pedestrians", "Poles", "RoadLines", "Roads",
        "Sidewalks", "Vegetation", "Vehicles", "Walls", "TrafficSigns",
    ],
    colors=COURSE_CLASSES.colors[:13],
)

_TABLES = {"course": COURSE_CLASSES, "lyft": LYFT_CLASSES}


def table_for_layout(layout):
    """The ClassTable of a layout name ("course" or "lyft"); ValueError for any other name."""
    try:
        return _TABLES[layout]
    except KeyError:
        raise ValueError(f"unknown data layout {layout!r}; the layouts are "
                         f"{', '.join(sorted(_TABLES))}") from None
