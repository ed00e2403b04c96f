"""Drawing one synthetic street scene: a camera, a road, roadside structures and objects.

A camera at a random height, pitch and field of view looks down a road that may
curve. The ground (road, lane lines, crossings, sidewalks, terrain, water, rail
track) is computed per pixel from its distance along the road; structures parallel
to the road (buildings, walls, fences, guard rails) are upright planes intersected
per pixel column; objects (vehicles, pedestrians, trees, bushes, poles, lamps,
traffic signs and lights, bins, benches, kiosks, cones, an overpass) are upright
shapes measured in metres at one distance each. A depth buffer decides what is in
front. Then lighting (exposure, tint, a sunny and a shaded side, haze with distance),
textures, blur and sensor noise make colours overlap between classes, so a model
must use shape and context, not colour alone.

`draw_scene(rng)` returns the camera image and the class ids (course / CARLA table);
everything it draws comes from `rng`, so equal generators give equal scenes.
"""
import numpy as np

HEIGHT, WIDTH = 480, 640

# Class ids of the course (CARLA) table.
(UNLABELED, BUILDING, FENCE, OTHER, PEDESTRIAN, POLE, ROADLINE, ROAD, SIDEWALK, VEGETATION,
 VEHICLES, WALL, TRAFFICSIGN, SKY, GROUND, BRIDGE, RAILTRACK, GUARDRAIL, TRAFFICLIGHT,
 STATIC, DYNAMIC, WATER, TERRAIN) = range(23)

SKY_DEPTH = 1e6


class Canvas:
    """An image, its class labels and a depth buffer: nearer paint wins."""

    def __init__(self, height=HEIGHT, width=WIDTH):
        self.rgb = np.zeros((height, width, 3), np.float32)
        self.labels = np.zeros((height, width), np.uint8)
        self.depth = np.full((height, width), np.inf, np.float32)

    def paint(self, box, region, depth, color, label):
        """Paint `region` (bool, shape of `box`) at `depth` with `color` and class `label`.

        `box` is (row slice, column slice); `depth` and `label` are numbers or arrays of
        the box's shape; `color` is an RGB triple or an (h, w, 3) array. Only pixels
        nearer than what is there already change.
        """
        depth_view = self.depth[box]
        write = region & (depth < depth_view)
        if not write.any():
            return
        depth_view[write] = depth if np.isscalar(depth) else depth[write]
        rgb_view = self.rgb[box]
        color = np.asarray(color, np.float32)
        rgb_view[write] = color if color.ndim == 1 else color[write]
        self.labels[box][write] = label if np.isscalar(label) else label[write]


class Camera:
    """A pinhole camera above a road: maps metres (along Z, across X, up V) to pixels.

    X is measured from the road's centre line at each distance (the road may curve),
    positive to the right; V is the height above the ground.
    """

    def __init__(self, rng):
        self.height = rng.uniform(1.3, 1.9)
        self.focal = (WIDTH / 2) / np.tan(np.radians(rng.uniform(78, 96)) / 2)
        self.horizon = rng.uniform(0.36, 0.48) * HEIGHT
        self.cx = WIDTH / 2 + rng.uniform(-20, 20)
        self.curve = rng.uniform(-0.004, 0.004) if rng.random() < 0.6 else 0.0
        self.offset = 0.0  # the camera's X; set once the lanes are known

    def road_center(self, z):
        """The world lateral position of the road's centre line at distance z."""
        return self.curve * z * z - self.offset

    def scale(self, z):
        """Pixels per metre at distance z."""
        return self.focal / z

    def screen_x(self, z, x):
        """Pixel column of the point at distance z, x metres from the road's centre."""
        return self.cx + self.scale(z) * (self.road_center(z) + x)

    def ground_y(self, z):
        """Pixel row where the ground at distance z is seen."""
        return self.horizon + self.scale(z) * self.height

    def plane_depth(self, x_plane, columns):
        """Distance at which each pixel column meets the upright plane X = x_plane (inf if never)."""
        slope = (columns - self.cx) / self.focal  # world x / z along the column's ray
        k = x_plane - self.offset
        with np.errstate(divide="ignore", invalid="ignore"):
            if abs(self.curve) < 1e-9:
                z = k / slope
            else:  # curve z^2 - slope z + k = 0: the nearest positive root
                discriminant = slope * slope - 4 * self.curve * k
                root = np.sqrt(np.maximum(discriminant, 0))
                a, b = (slope - root) / (2 * self.curve), (slope + root) / (2 * self.curve)
                a, b = np.where(a > 0, a, np.inf), np.where(b > 0, b, np.inf)
                z = np.where(discriminant < 0, np.inf, np.minimum(a, b))
        return np.where(np.isfinite(z) & (z > 0.5), z, np.inf).astype(np.float32)


def smooth_noise(rng, shape, cells):
    """Smooth random field of `shape`, about N(0, 0.5), varying over `cells` (rows, cols)."""
    grid = rng.standard_normal((cells[0] + 2, cells[1] + 2)).astype(np.float32)
    ys = np.linspace(0, cells[0], shape[0], dtype=np.float32)
    xs = np.linspace(0, cells[1], shape[1], dtype=np.float32)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    fy, fx = fy * fy * (3 - 2 * fy), fx * fx * (3 - 2 * fx)
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x0 + 1] * fx
    bottom = grid[y0 + 1][:, x0] * (1 - fx) + grid[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def jitter(rng, color, amount=0.06):
    """`color` (RGB 0..1) with each channel moved by up to +-amount."""
    return np.clip(np.asarray(color) + rng.uniform(-amount, amount, 3), 0, 1).astype(np.float32)


def grain(rng, shape, amount):
    """Per-pixel multiplicative texture around 1 (shape (h, w, 1))."""
    return 1 + np.float32(amount) * rng.standard_normal((*shape, 1), dtype=np.float32)


GREYS = [(0.35, 0.35, 0.36), (0.5, 0.5, 0.5), (0.62, 0.6, 0.58), (0.25, 0.25, 0.27)]
BUILDING_COLORS = GREYS + [(0.62, 0.52, 0.42), (0.55, 0.3, 0.24), (0.72, 0.68, 0.58),
                           (0.45, 0.42, 0.38), (0.66, 0.6, 0.5), (0.5, 0.55, 0.6)]
VEHICLE_COLORS = GREYS + [(0.85, 0.85, 0.85), (0.08, 0.08, 0.09), (0.6, 0.08, 0.08),
                          (0.1, 0.2, 0.5), (0.1, 0.3, 0.18), (0.85, 0.7, 0.1), (0.7, 0.62, 0.5)]
CLOTHES = GREYS + [(0.1, 0.1, 0.12), (0.2, 0.25, 0.5), (0.6, 0.15, 0.15), (0.8, 0.8, 0.75),
                   (0.35, 0.45, 0.25), (0.55, 0.4, 0.25), (0.3, 0.2, 0.35)]
SKIN = [(0.9, 0.72, 0.6), (0.75, 0.55, 0.4), (0.5, 0.34, 0.22), (0.32, 0.22, 0.15)]


def pick(rng, colors, amount=0.06):
    """A jittered colour drawn from a list."""
    return jitter(rng, colors[rng.integers(len(colors))], amount)


def draw_scene(rng):
    """Draw one street scene; return (rgb uint8 (480, 640, 3), class ids uint8 (480, 640))."""
    camera = Camera(rng)
    canvas = Canvas()
    street = Street(rng, camera)
    draw_sky(rng, canvas, camera)
    draw_skyline(rng, canvas, camera)
    draw_ground(rng, canvas, camera, street)
    for side in (-1, 1):
        draw_roadside(rng, canvas, camera, street, side)
    draw_traffic(rng, canvas, camera, street)
    if rng.random() < 0.2:
        draw_overpass(rng, canvas, camera, street)
    return finish(rng, canvas, camera), canvas.labels


class Street:
    """The road's cross-section and what lies beside it on each side."""

    def __init__(self, rng, camera):
        self.lanes = int(rng.integers(2, 5))
        self.lane_width = rng.uniform(3.0, 3.7)
        self.half = self.lanes * self.lane_width / 2
        lane = int(rng.integers(self.lanes))
        camera.offset = -self.half + (lane + 0.5) * self.lane_width + rng.uniform(-0.4, 0.4)
        self.sidewalk = {side: (rng.uniform(1.8, 4.5) if rng.random() < 0.88 else 0.0)
                         for side in (-1, 1)}
        # beside the sidewalk: buildings most of the time, else open terrain, water or rails
        self.beside = {side: rng.choice(["buildings", "buildings", "buildings", "open", "water",
                                         "rails"]) for side in (-1, 1)}
        self.open_ground = {side: (GROUND if rng.random() < 0.35 else TERRAIN) for side in (-1, 1)}
        self.sun = rng.choice([-1, 1])

    def outer(self, side):
        """Distance from the centre line to the sidewalk's outer edge on `side`."""
        return self.half + self.sidewalk[side]


def draw_sky(rng, canvas, camera):
    """A vertical gradient with clouds; clear, overcast or evening."""
    rows = int(np.ceil(camera.horizon)) + 1
    weather = rng.choice(["clear", "clear", "overcast", "evening"])
    top = {"clear": (0.25, 0.45, 0.8), "overcast": (0.6, 0.62, 0.65),
           "evening": (0.3, 0.35, 0.6)}[weather]
    low = {"clear": (0.7, 0.8, 0.92), "overcast": (0.78, 0.78, 0.8),
           "evening": (0.95, 0.65, 0.4)}[weather]
    t = np.linspace(0, 1, rows, dtype=np.float32)[:, None, None] ** 0.7
    sky = jitter(rng, top) * (1 - t) + jitter(rng, low) * t
    clouds = np.clip(smooth_noise(rng, (rows, WIDTH), (3, 6)) * 1.4
                     + smooth_noise(rng, (rows, WIDTH), (10, 20)) * 0.4 - rng.uniform(0, 0.8), 0, 1)
    sky = sky * (1 - clouds[..., None]) + jitter(rng, (0.92, 0.92, 0.94)) * clouds[..., None]
    box = (slice(0, rows), slice(0, WIDTH))
    canvas.paint(box, np.ones((rows, WIDTH), bool), SKY_DEPTH, sky, SKY)


def draw_skyline(rng, canvas, camera):
    """Far away buildings or a tree line along the horizon, hazy."""
    if rng.random() < 0.25:
        return
    label = BUILDING if rng.random() < 0.6 else VEGETATION
    columns = np.arange(WIDTH)
    if label == BUILDING:
        edges = np.sort(rng.integers(0, WIDTH, 14))
        heights = rng.uniform(4, 45, 15)[np.searchsorted(edges, columns)]
    else:
        heights = 12 + 10 * smooth_noise(rng, (1, WIDTH), (1, 12))[0] ** 2 \
            + 3 * smooth_noise(rng, (1, WIDTH), (1, 60))[0]
    top = camera.horizon - np.maximum(heights, 0)
    rows = int(np.ceil(camera.horizon)) + 2
    region = np.arange(rows)[:, None] >= top[None, :]
    color = (jitter(rng, (0.45, 0.47, 0.5)) if label == BUILDING else jitter(rng, (0.25, 0.35, 0.2)))
    canvas.paint((slice(0, rows), slice(0, WIDTH)), region, 1500.0,
                 color * grain(rng, (rows, WIDTH), 0.05), label)


def draw_ground(rng, canvas, camera, street):
    """Road, lane lines, a crossing, sidewalks and what lies beside them, per pixel."""
    first = int(np.floor(camera.horizon)) + 1
    ys = np.arange(first, HEIGHT, dtype=np.float32)[:, None] + 0.5
    z = np.minimum(camera.focal * camera.height / (ys - camera.horizon), 2000)
    x = (np.arange(WIDTH, dtype=np.float32)[None, :] + 0.5 - camera.cx) / camera.scale(z) \
        - camera.road_center(z)
    z = np.broadcast_to(z, x.shape)
    shape = x.shape
    side = np.where(x < 0, -1, 1)
    outer = np.where(side < 0, street.outer(-1), street.outer(1))
    labels = np.where(np.abs(x) < street.half, ROAD,
                      np.where(np.abs(x) < outer, SIDEWALK, TERRAIN)).astype(np.uint8)
    for s in (-1, 1):
        beyond = (side == s) & (np.abs(x) >= outer)
        kind = street.beside[s]
        if kind == "water":
            labels[beyond & (np.abs(x) > outer + 1.0)] = WATER
            labels[beyond & (np.abs(x) <= outer + 1.0)] = street.open_ground[s]
        elif kind == "rails":
            labels[beyond] = street.open_ground[s]
            near = outer + rng.uniform(1, 4)
            labels[beyond & (np.abs(x) > near) & (np.abs(x) < near + 2.6)] = RAILTRACK
        else:
            labels[beyond] = street.open_ground[s]

    lines = lane_lines(rng, x, z, street)
    labels[lines & (labels == ROAD)] = ROADLINE

    colors = {ROAD: jitter(rng, (0.33, 0.33, 0.34), 0.08), ROADLINE: jitter(rng, (0.85, 0.85, 0.82), 0.05),
              SIDEWALK: pick(rng, [(0.55, 0.55, 0.53), (0.62, 0.5, 0.45), (0.48, 0.47, 0.45)]),
              TERRAIN: pick(rng, [(0.3, 0.42, 0.18), (0.42, 0.45, 0.25), (0.38, 0.35, 0.22)]),
              GROUND: pick(rng, [(0.45, 0.38, 0.3), (0.5, 0.48, 0.44), (0.38, 0.3, 0.22)]),
              WATER: pick(rng, [(0.2, 0.3, 0.38), (0.28, 0.35, 0.35)]),
              RAILTRACK: jitter(rng, (0.38, 0.33, 0.3))}
    rgb = np.zeros((*shape, 3), np.float32)
    for label, color in colors.items():
        rgb[labels == label] = color
    if rng.random() < 0.5:  # a yellow centre line
        centre = lines & (np.abs(x) < 0.3) & (labels == ROADLINE)
        rgb[centre] = jitter(rng, (0.85, 0.7, 0.15), 0.05)
    rgb *= ground_texture(rng, x, z, labels)[..., None]
    canvas.paint((slice(first, HEIGHT), slice(0, WIDTH)), np.ones(shape, bool), z, rgb, labels)


def lane_lines(rng, x, z, street):
    """Where lane and edge markings and a zebra crossing are painted (bool, ground grid)."""
    width = rng.uniform(0.1, 0.18)
    dash = rng.uniform(2, 4)
    period = dash + rng.uniform(3, 9)
    phase = rng.uniform(0, period)
    marks = np.zeros(x.shape, bool)
    for k in range(1, street.lanes):
        boundary = -street.half + k * street.lane_width
        solid = (k == street.lanes // 2 and street.lanes % 2 == 0 and rng.random() < 0.5)
        on = np.abs(x - boundary) < width / 2
        marks |= on if solid else on & (((z + phase) % period) < dash)
    if rng.random() < 0.7:
        edge = street.half - 0.3
        marks |= np.abs(np.abs(x) - edge) < width / 2
    if rng.random() < 0.3:  # a zebra crossing
        start = rng.uniform(8, 40)
        marks |= (z > start) & (z < start + rng.uniform(3, 5)) & ((x % 1.2) < 0.6)
    return marks


def ground_texture(rng, x, z, labels):
    """Brightness factor of the ground: worn asphalt, tiles, grass and ripples, plus shadows."""
    texture = np.ones(x.shape, np.float32)
    for _ in range(3):  # low-frequency patches fixed on the ground, so they shrink with distance
        u, v, phi = rng.uniform(0.1, 0.8), rng.uniform(0.05, 0.5), rng.uniform(0, 6.3)
        texture += 0.04 * np.sin(u * x + v * z + phi)
    sidewalk = labels == SIDEWALK
    tile = rng.uniform(0.6, 1.6)
    joints = ((x % tile) < 0.06) | ((z % tile) < 0.06)
    texture[sidewalk & joints] *= 0.8
    water = labels == WATER
    texture[water] *= 1 + 0.15 * np.sin(2.5 * z[water] + 0.7 * x[water])
    rails = labels == RAILTRACK
    texture[rails & ((z % 0.7) < 0.2)] *= 0.6  # sleepers
    texture[rails & ((np.abs(x) % 1.435) < 0.08)] *= 1.7  # rails, a standard gauge apart
    green = (labels == TERRAIN) | (labels == GROUND)
    texture[green] *= 1 + np.float32(0.18) * rng.standard_normal(int(green.sum()), dtype=np.float32)
    if rng.random() < 0.6:  # patches of shade
        shadows = smooth_noise(rng, x.shape, (3, 6)) > rng.uniform(0.5, 1.1)
        texture[shadows] *= rng.uniform(0.55, 0.85)
    return texture * (1 + np.float32(0.06) * rng.standard_normal(x.shape, dtype=np.float32))


def draw_facade(canvas, camera, x_plane, z_range, height, color_of, label, pattern=None):
    """An upright plane at X = x_plane from distance z_range[0] to z_range[1], `height` m tall.

    `color_of(z, v)` gives the colour at distance z (per column) and height v (per pixel);
    `pattern(z, v)`, when given, says which pixels belong to the plane (fences, rails).
    """
    columns = np.arange(WIDTH, dtype=np.float32) + 0.5
    z = camera.plane_depth(x_plane, columns)
    valid = (z >= z_range[0]) & (z < z_range[1])
    if not valid.any():
        return
    c0, c1 = np.flatnonzero(valid)[[0, -1]]
    z = z[c0:c1 + 1]
    scale = camera.scale(z)
    top = camera.horizon - scale * (height - camera.height)
    bottom = camera.horizon + scale * camera.height
    finite = np.isfinite(z)
    r0 = int(max(0, np.floor(top[finite].min())))
    r1 = int(min(HEIGHT, np.ceil(bottom[finite].max())))
    if r1 <= r0:
        return
    rows = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5
    region = (rows >= top) & (rows < bottom) & valid[c0:c1 + 1]
    v = camera.height - (rows - camera.horizon) / scale
    v = np.where(region, v, 0)
    zz = np.broadcast_to(z, region.shape)
    if pattern is not None:
        region &= pattern(zz, v)
    box = (slice(r0, r1), slice(c0, c1 + 1))
    canvas.paint(box, region, np.where(region, zz, np.inf), color_of(zz, v), label)


def draw_roadside(rng, canvas, camera, street, side):
    """Buildings, walls, fences, hedges, trees, poles, signs, lights and people on one side."""
    outer = street.outer(side)
    lit = 1.12 if street.sun == side else 0.72
    if street.beside[side] == "buildings":
        draw_buildings(rng, canvas, camera, side, outer + rng.uniform(0, 3), lit)
    elif street.beside[side] == "water" or rng.random() < 0.5:
        x = side * (outer + 0.3)
        draw_railing(rng, canvas, camera, x, lit)
    if rng.random() < 0.5:
        draw_low_wall(rng, canvas, camera, side * (outer + rng.uniform(0.1, 1.5)), lit)
    if street.sidewalk[side] == 0 and rng.random() < 0.7:
        draw_guard_rail(rng, canvas, camera, side * (street.half + 0.5), lit)
    draw_street_furniture(rng, canvas, camera, street, side)


def draw_buildings(rng, canvas, camera, side, distance, lit):
    """A row of building blocks with windows, some set back, with gaps between them."""
    z = rng.uniform(1, 10)
    while z < 260:
        length = rng.uniform(8, 35)
        height = rng.uniform(5, 40)
        x = side * (distance + (rng.uniform(0, 6) if rng.random() < 0.3 else 0))
        base = pick(rng, BUILDING_COLORS, 0.05) * lit
        glass = pick(rng, [(0.15, 0.18, 0.22), (0.35, 0.45, 0.55), (0.55, 0.5, 0.35)], 0.05)
        spacing, floor = rng.uniform(1.8, 4), rng.uniform(2.8, 3.6)
        fill = rng.uniform(0.35, 0.7)
        noise = rng.uniform(0.03, 0.1)
        seed = int(rng.integers(2**31))

        def color_of(zz, v, base=base, glass=glass, spacing=spacing, floor=floor, fill=fill,
                     noise=noise, seed=seed):
            local = np.random.default_rng(seed)
            windows = (((zz % spacing) / spacing < fill) & ((v % floor) / floor > 0.35)
                       & (v > floor))[..., None]
            color = np.where(windows, glass * lit, base)
            return color * grain(local, zz.shape, noise) * (1 - 0.1 * (v / 40))[..., None]

        draw_facade(canvas, camera, x, (z, z + length), height, color_of, BUILDING)
        z += length + (rng.uniform(2, 15) if rng.random() < 0.4 else 0)


def draw_low_wall(rng, canvas, camera, x, lit):
    """A concrete or brick wall, 0.8 to 3 m tall, along part of the road."""
    start = rng.uniform(1, 30)
    color = pick(rng, GREYS + [(0.6, 0.35, 0.28), (0.7, 0.66, 0.56)]) * lit
    height = rng.uniform(0.8, 3)

    def color_of(zz, v):
        return color * grain(rng, zz.shape, 0.06) * (1 - 0.15 * (v > height - 0.15))[..., None]

    draw_facade(canvas, camera, x, (start, start + rng.uniform(10, 80)), height, color_of, WALL)


def draw_railing(rng, canvas, camera, x, lit):
    """A see-through fence: posts, rails and mesh, along part of the road."""
    start = rng.uniform(1, 20)
    post = rng.uniform(1.5, 3)
    mesh = rng.uniform(0.1, 0.25)
    color = pick(rng, GREYS + [(0.3, 0.25, 0.2), (0.2, 0.3, 0.22)]) * lit
    height = rng.uniform(1, 2.2)

    def pattern(zz, v):
        return ((zz % post) < 0.12) | (np.abs(v - height + 0.05) < 0.06) | (
            ((zz % mesh) < mesh * 0.3) & (v > 0.1))

    draw_facade(canvas, camera, x, (start, start + rng.uniform(15, 120)), height,
                lambda zz, v: color * grain(rng, zz.shape, 0.08), FENCE, pattern)


def draw_guard_rail(rng, canvas, camera, x, lit):
    """A metal guard rail: a band on posts, at the road's edge."""
    color = jitter(rng, (0.6, 0.62, 0.64)) * lit

    def pattern(zz, v):
        return ((v > 0.45) & (v < 0.8)) | ((zz % 2.0) < 0.15)

    draw_facade(canvas, camera, x, (2, rng.uniform(40, 200)), 0.8,
                lambda zz, v: color * grain(rng, zz.shape, 0.05) * (1 + 0.2 * (v > 0.62))[..., None],
                GUARDRAIL, pattern)


def sprite_box(camera, z, x, half_width, height):
    """Pixel box and metric coordinates (u across, v up) of an upright object at (z, x).

    Returns (box, u, v) or None when the object is off screen or behind the camera.
    """
    if z < 1.0:
        return None
    scale = camera.scale(z)
    center = camera.screen_x(z, x)
    bottom = camera.ground_y(z)
    c0, c1 = int(np.floor(center - half_width * scale)), int(np.ceil(center + half_width * scale))
    r0, r1 = int(np.floor(bottom - height * scale)), int(np.ceil(bottom))
    c0, c1, r0, r1 = max(c0, 0), min(c1, WIDTH), max(r0, 0), min(r1, HEIGHT)
    if c1 <= c0 or r1 <= r0:
        return None
    u = (np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5 - center) / scale
    v = (bottom - np.arange(r0, r1, dtype=np.float32)[:, None] - 0.5) / scale
    u, v = np.broadcast_arrays(u, v)
    return (slice(r0, r1), slice(c0, c1)), u, v


def draw_parts(rng, canvas, camera, z, x, half_width, height, parts, noise=0.06):
    """Paint an object made of parts [(region_fn(u, v), colour, label), ...] at (z, x)."""
    found = sprite_box(camera, z, x, half_width, height)
    if found is None:
        return
    box, u, v = found
    texture = grain(rng, u.shape, noise)
    shade = (0.85 + 0.25 * np.clip(v / max(height, 1e-3), 0, 1))[..., None]
    for region_of, color, label in parts:
        region = region_of(u, v)
        canvas.paint(box, region, z, np.asarray(color, np.float32) * texture * shade, label)


def draw_street_furniture(rng, canvas, camera, street, side):
    """Trees, lamps, signs, traffic lights, pedestrians, bins and kiosks along one side."""
    curb = side * (street.half + 0.4)
    far_edge = side * max(street.outer(side) - 0.6, street.half + 0.5)
    z = rng.uniform(2, 12)
    while z < 120:
        kind = rng.choice(["tree", "tree", "lamp", "sign", "light", "person", "person",
                           "person", "bin", "kiosk", "bush"])
        if kind == "tree":
            draw_tree(rng, canvas, camera, z, side * (street.outer(side) + rng.uniform(-1, 2)))
        elif kind == "bush":
            draw_bush(rng, canvas, camera, z, side * (street.outer(side) + rng.uniform(0, 2)))
        elif kind == "lamp":
            draw_lamp(rng, canvas, camera, z, curb, side)
        elif kind == "sign":
            draw_sign(rng, canvas, camera, z, curb)
        elif kind == "light":
            draw_traffic_light(rng, canvas, camera, z, curb, side)
        elif kind == "person":
            x = side * (street.half + rng.uniform(0.5, max(street.sidewalk[side], 0.6)))
            draw_pedestrian(rng, canvas, camera, z, x)
        elif kind == "bin":
            draw_bin(rng, canvas, camera, z, far_edge)
        else:
            draw_kiosk(rng, canvas, camera, z, far_edge)
        z += rng.uniform(3, 14) * (1 + z / 60)


def draw_tree(rng, canvas, camera, z, x):
    """A trunk and a ragged crown (both Vegetation, as in CARLA)."""
    trunk_height, radius = rng.uniform(1.5, 4), rng.uniform(1.2, 3.5)
    trunk_width = rng.uniform(0.12, 0.3)
    wobble = rng.uniform(0.1, 0.25)
    phases = rng.uniform(0, 6.3, 3)
    center = trunk_height + radius * 0.8
    leaves = pick(rng, [(0.2, 0.35, 0.12), (0.3, 0.42, 0.15), (0.35, 0.3, 0.12), (0.15, 0.25, 0.1)])

    def crown(u, v):
        angle = np.arctan2(v - center, u)
        ragged = radius * (1 + wobble * (np.sin(5 * angle + phases[0]) + np.sin(9 * angle + phases[1])) / 2)
        return np.hypot(u, (v - center) * 0.9) < ragged

    draw_parts(rng, canvas, camera, z, x, radius * 1.3, center + radius * 1.3, [
        (lambda u, v: (np.abs(u) < trunk_width) & (v < center), jitter(rng, (0.3, 0.22, 0.15)), VEGETATION),
        (crown, leaves, VEGETATION)], noise=0.2)


def draw_bush(rng, canvas, camera, z, x):
    """A low hedge-like bush."""
    width, height = rng.uniform(1, 4), rng.uniform(0.6, 1.6)
    color = pick(rng, [(0.18, 0.32, 0.12), (0.28, 0.38, 0.16)])
    draw_parts(rng, canvas, camera, z, x, width / 2, height, [
        (lambda u, v: (u / (width / 2)) ** 2 + ((v - height / 2) / (height / 2)) ** 2 < 1,
         color, VEGETATION)], noise=0.22)


def draw_lamp(rng, canvas, camera, z, x, side):
    """A street lamp: a pole with an arm over the road and a lamp head."""
    height, reach = rng.uniform(5, 9), rng.uniform(0.8, 2.5)
    grey = pick(rng, GREYS, 0.04)
    toward = -side
    draw_parts(rng, canvas, camera, z, x, reach + 0.4, height + 0.3, [
        (lambda u, v: (np.abs(u) < 0.1) & (v < height), grey, POLE),
        (lambda u, v: (np.abs(v - height) < 0.08) & (u * toward > 0) & (u * toward < reach), grey, POLE),
        (lambda u, v: (np.abs(v - height + 0.12) < 0.12) & (np.abs(u * toward - reach) < 0.3),
         jitter(rng, (0.8, 0.8, 0.7)), POLE)])


def draw_sign(rng, canvas, camera, z, x):
    """A traffic sign on a pole: round, triangular, square or diamond."""
    height, size = rng.uniform(2, 3.2), rng.uniform(0.3, 0.5)
    shape = rng.choice(["round", "triangle", "square", "diamond"])
    colors = {"round": [(0.8, 0.1, 0.1), (0.1, 0.25, 0.7)], "triangle": [(0.9, 0.9, 0.9)],
              "square": [(0.1, 0.3, 0.7), (0.1, 0.5, 0.25)], "diamond": [(0.9, 0.75, 0.1)]}[shape]
    face = pick(rng, colors)
    center = height + size

    def plate(u, v):
        dv = v - center
        if shape == "round":
            return np.hypot(u, dv) < size
        if shape == "triangle":
            return (dv > -size * 0.8) & (np.abs(u) < (size - dv) * 0.6)
        if shape == "square":
            return (np.abs(u) < size) & (np.abs(dv) < size)
        return np.abs(u) + np.abs(dv) < size * 1.2

    def inner(u, v):
        return plate(u, v) & (np.hypot(u, v - center) < size * 0.55)

    draw_parts(rng, canvas, camera, z, x, size * 1.3, center + size * 1.3, [
        (lambda u, v: (np.abs(u) < 0.05) & (v < center), pick(rng, GREYS, 0.04), POLE),
        (plate, face, TRAFFICSIGN),
        (inner, jitter(rng, (0.9, 0.9, 0.9)), TRAFFICSIGN)])


def draw_traffic_light(rng, canvas, camera, z, x, side):
    """A traffic light: a pole, perhaps an arm over the road, and a box with three lamps."""
    height = rng.uniform(2.8, 4.5)
    over = rng.random() < 0.4
    reach = rng.uniform(2, 5) if over else 0.0
    head_u = -side * reach
    lit = int(rng.integers(3))
    lamp_colors = [(0.9, 0.15, 0.1), (0.95, 0.7, 0.1), (0.2, 0.9, 0.4)]
    grey = pick(rng, GREYS, 0.04)
    housing = jitter(rng, (0.12, 0.12, 0.12), 0.04)
    parts = [(lambda u, v: (np.abs(u) < 0.09) & (v < height), grey, POLE),
             (lambda u, v: (np.abs(u - head_u) < 0.2) & (v > height) & (v < height + 0.9), housing, TRAFFICLIGHT)]
    if over:
        parts.append((lambda u, v: (np.abs(v - height + 0.1) < 0.07) & (u * -side > 0) & (u * -side < reach),
                      grey, POLE))
    for i, color in enumerate(lamp_colors):
        bright = np.array(color) * (1.0 if i == lit else 0.25)
        parts.append((lambda u, v, i=i: np.hypot(u - head_u, v - (height + 0.75 - 0.3 * i)) < 0.1,
                      bright, TRAFFICLIGHT))
    draw_parts(rng, canvas, camera, z, x, reach + 0.3, height + 1.0, parts)


def draw_pedestrian(rng, canvas, camera, z, x):
    """A person: legs (maybe walking), torso, arms and head."""
    height = rng.uniform(1.5, 1.95)
    stride = rng.uniform(0, 0.25)
    shirt, trousers = pick(rng, CLOTHES), pick(rng, CLOTHES)
    skin = pick(rng, SKIN, 0.03)
    hip, shoulder = 0.5 * height, 0.82 * height

    def legs(u, v):
        swing = stride * (1 - v / hip)
        return (v < hip) & ((np.abs(u - 0.09 - swing) < 0.07) | (np.abs(u + 0.09 + swing) < 0.07))

    draw_parts(rng, canvas, camera, z, x, 0.45, height, [
        (legs, trousers, PEDESTRIAN),
        (lambda u, v: (v >= hip - 0.02) & (v < shoulder) & (np.abs(u) < 0.19), shirt, PEDESTRIAN),
        (lambda u, v: (v > hip) & (v < shoulder) & (np.abs(np.abs(u) - 0.24) < 0.05), shirt, PEDESTRIAN),
        (lambda u, v: np.hypot(u / 0.1, (v - height + 0.12) / 0.12) < 1, skin, PEDESTRIAN)])


def draw_bin(rng, canvas, camera, z, x):
    """A trash bin or a bench (Static)."""
    if rng.random() < 0.5:
        color, w, h = pick(rng, [(0.15, 0.3, 0.2), (0.3, 0.3, 0.3), (0.5, 0.4, 0.2)]), 0.3, 1.0
        parts = [(lambda u, v: (np.abs(u) < w) & (v < h), color, STATIC)]
    else:
        color, w, h = pick(rng, [(0.45, 0.3, 0.18), (0.3, 0.3, 0.32)]), 0.9, 0.9
        parts = [(lambda u, v: ((np.abs(v - 0.45) < 0.05) | (np.abs(v - 0.8) < 0.08)) & (np.abs(u) < w),
                  color, STATIC),
                 (lambda u, v: (np.abs(np.abs(u) - w + 0.1) < 0.05) & (v < 0.9), color * 0.6, STATIC)]
    draw_parts(rng, canvas, camera, z, x, w, h, parts)


def draw_kiosk(rng, canvas, camera, z, x):
    """An advertising column or a booth (Other), colourful."""
    w, h = rng.uniform(0.4, 0.7), rng.uniform(2.0, 3.0)
    poster = pick(rng, [(0.8, 0.3, 0.2), (0.2, 0.5, 0.8), (0.9, 0.8, 0.3), (0.4, 0.7, 0.4)], 0.1)
    frame = pick(rng, GREYS)
    draw_parts(rng, canvas, camera, z, x, w, h + 0.3, [
        (lambda u, v: (np.abs(u) < w) & (v < h), frame, OTHER),
        (lambda u, v: (np.abs(u) < w * 0.8) & (v > 0.5) & (v < h - 0.3), poster, OTHER),
        (lambda u, v: (np.abs(u) < w * 0.6) & (v >= h) & (v < h + 0.3), frame, OTHER)], noise=0.12)


def draw_traffic(rng, canvas, camera, street):
    """Vehicles in the lanes and parked at the curbs, and sometimes traffic cones."""
    for lane in range(street.lanes):
        x_lane = -street.half + (lane + 0.5) * street.lane_width
        z = rng.uniform(4, 30)
        while z < 150:
            if rng.random() < 0.6:
                draw_vehicle(rng, canvas, camera, z, x_lane + rng.uniform(-0.3, 0.3))
            z += rng.uniform(8, 40)
    for side in (-1, 1):
        if street.sidewalk[side] and rng.random() < 0.5:
            z = rng.uniform(3, 20)
            while z < 80:
                draw_vehicle(rng, canvas, camera, z, side * (street.half - 1.1))
                z += rng.uniform(5, 20)
    if rng.random() < 0.3:
        z, x = rng.uniform(5, 25), rng.uniform(-street.half, street.half)
        for i in range(int(rng.integers(2, 6))):
            draw_cone(rng, canvas, camera, z + 2.5 * i, x + rng.uniform(-0.2, 0.2))


def draw_vehicle(rng, canvas, camera, z, x):
    """A car, van or truck seen from behind or in front: body, cabin, windows, lights, wheels."""
    kind = rng.choice(["car", "car", "car", "van", "truck"])
    width = {"car": rng.uniform(1.7, 1.95), "van": rng.uniform(1.9, 2.1), "truck": rng.uniform(2.3, 2.5)}[kind]
    height = {"car": rng.uniform(1.35, 1.6), "van": rng.uniform(1.9, 2.4), "truck": rng.uniform(2.8, 3.6)}[kind]
    half = width / 2
    body = pick(rng, VEHICLE_COLORS)
    glass = jitter(rng, (0.1, 0.12, 0.15), 0.04)
    lights = jitter(rng, (0.8, 0.1, 0.1) if rng.random() < 0.7 else (0.9, 0.9, 0.8), 0.05)
    belt = 0.55 * height if kind == "car" else 0.75 * height

    def cabin(u, v):
        taper = half * (0.92 - 0.17 * np.clip((v - belt) / (height - belt), 0, 1))
        return (v >= belt) & (v < height) & (np.abs(u) < taper)

    def window(u, v):
        return cabin(u, v) & (v < height - 0.08) & (np.abs(u) < half * 0.78 - 0.05) & (v > belt + 0.08)

    parts = [(lambda u, v: (v > 0.2) & (v < belt) & (np.abs(u) < half), body, VEHICLES),
             (cabin, body, VEHICLES),
             (lambda u, v: (v < 0.4) & (np.abs(np.abs(u) - half + 0.3) < 0.22), (0.05, 0.05, 0.05), VEHICLES),
             (lambda u, v: (np.abs(v - belt + 0.18) < 0.08) & (np.abs(u) > half - 0.3) & (np.abs(u) < half - 0.04),
              lights, VEHICLES)]
    if kind == "car":
        parts.append((window, glass, VEHICLES))
    draw_parts(rng, canvas, camera, z, x, half, height, parts, noise=0.04)
    shadow = sprite_box(camera, z - 0.5, x, half, 0.12)
    if shadow is not None:  # a dark strip of ground where the vehicle meets the road
        box, _, _ = shadow
        ground = canvas.labels[box] == ROAD
        canvas.rgb[box][ground] *= 0.45


def draw_cone(rng, canvas, camera, z, x):
    """A traffic cone (Dynamic): orange with a white band."""
    orange = jitter(rng, (0.95, 0.4, 0.05), 0.05)
    draw_parts(rng, canvas, camera, z, x, 0.2, 0.75, [
        (lambda u, v: np.abs(u) < 0.18 * (1 - v / 0.75) + 0.02, orange, DYNAMIC),
        (lambda u, v: (np.abs(u) < 0.18 * (1 - v / 0.75) + 0.02) & (np.abs(v - 0.4) < 0.07),
         (0.9, 0.9, 0.9), DYNAMIC)])


def draw_overpass(rng, canvas, camera, street):
    """A bridge across the road: a deck on two pillars."""
    z = rng.uniform(25, 110)
    deck, thickness = rng.uniform(5, 7.5), rng.uniform(1, 2)
    pillar = street.half + rng.uniform(0.5, 2)
    color = pick(rng, GREYS + [(0.6, 0.55, 0.48)])
    draw_parts(rng, canvas, camera, z, 0.0, 120, deck + thickness, [
        (lambda u, v: (v >= deck) & (v < deck + thickness), color, BRIDGE),
        (lambda u, v: (np.abs(np.abs(u) - pillar) < 0.6) & (v < deck), color * 0.8, BRIDGE)], noise=0.05)


def finish(rng, canvas, camera):
    """Lighting, haze with distance, vignette, blur and sensor noise: the camera image as uint8."""
    rgb = canvas.rgb
    exposure = rng.uniform(0.7, 1.25)
    tint = rng.uniform(0.92, 1.08, 3).astype(np.float32)
    haze_color = np.clip(canvas.rgb[max(int(camera.horizon) - 2, 0)].mean(axis=0), 0, 1)
    fog = rng.uniform(80, 500)
    haze = (1 - np.exp(-np.minimum(canvas.depth, 3000) / fog)) * 0.85
    haze[canvas.labels == SKY] = 0
    rgb = rgb * (1 - haze[..., None]) + haze_color * haze[..., None]
    yy = (np.arange(HEIGHT, dtype=np.float32)[:, None] - HEIGHT / 2) / HEIGHT
    xx = (np.arange(WIDTH, dtype=np.float32)[None, :] - WIDTH / 2) / WIDTH
    radius = yy * yy + xx * xx
    rgb = rgb * (exposure * tint) * (1 - rng.uniform(0.2, 0.6) * radius)[..., None]
    rgb[1:, 1:] = (rgb[1:, 1:] + rgb[:-1, 1:] + rgb[1:, :-1] + rgb[:-1, :-1]) / 4
    rgb += np.float32(rng.uniform(0.006, 0.025)) * rng.standard_normal(rgb.shape, dtype=np.float32)
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)

