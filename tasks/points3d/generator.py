"""A deterministic generator of point clouds sampled from the surfaces of eight primitives.

Points are drawn uniformly by area (analytic surfaces, or triangle meshes for the polyhedra), then:
a random stretch per axis (0.8-1.25x, so a cube is a box), centring and scaling into the unit
sphere (the ModelNet convention), a random overall scale (0.7-1.0), with probability 0.5 a missing
part (every point beyond a random plane, 5-25% of the surface, is dropped), a rotation about the up
axis (y, as in ModelNet40's files) or, for the SO(3) variant, a uniformly random rotation, and
Gaussian jitter (sigma 0.01, clipped at 0.03).

Cloud `index` drawn with `seed` depends only on (seed, index, points, rotation); its label is
`index % 8`, so any prefix of a split is class-balanced. Numpy only. Bump GENERATOR_VERSION with any
change that alters a point or a label; the tasks' versions carry it.
"""

from __future__ import annotations

import math

import numpy as np

from tasks.points3d import CLASSES

ROTATIONS = ("up", "so3")
OVERSAMPLE = 2  # draw twice the points, so that a missing part still leaves enough to pick from


def _mesh(vertices, faces) -> np.ndarray:
    """(T, 3, 3) triangles from vertices and polygon faces (fanned from their first vertex)."""
    v = np.asarray(vertices, np.float64)
    return np.array([[v[f[0]], v[f[i]], v[f[i + 1]]] for f in faces for i in range(1, len(f) - 1)])


_CUBE = _mesh([(x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)],
              [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)])
_PYRAMID = _mesh([(-1, -0.8, -1), (1, -0.8, -1), (1, -0.8, 1), (-1, -0.8, 1), (0, 1, 0)],
                 [(0, 1, 2, 3), (0, 1, 4), (1, 2, 4), (2, 3, 4), (3, 0, 4)])
_TRI = [(math.cos(a), math.sin(a)) for a in (math.pi / 2, math.pi / 2 + 2 * math.pi / 3, math.pi / 2 + 4 * math.pi / 3)]
_PRISM = _mesh([(x, -1, z) for x, z in _TRI] + [(x, 1, z) for x, z in _TRI],
               [(0, 1, 2), (3, 4, 5), (0, 1, 4, 3), (1, 2, 5, 4), (2, 0, 3, 5)])
_OCTAHEDRON = _mesh([(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)],
                    [(a, b, c) for a in (0, 1) for b in (2, 3) for c in (4, 5)])
MESHES = {"cube": _CUBE, "pyramid": _PYRAMID, "prism": _PRISM, "octahedron": _OCTAHEDRON}


def _on_mesh(rng: np.random.Generator, triangles: np.ndarray, n: int) -> np.ndarray:
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    area = np.linalg.norm(np.cross(b - a, c - a), axis=1)
    pick = rng.choice(len(triangles), size=n, p=area / area.sum())
    u, v = rng.random((2, n, 1))
    flip = (u + v) > 1  # reflect into the triangle: uniform barycentric coordinates
    u, v = np.where(flip, 1 - u, u), np.where(flip, 1 - v, v)
    return a[pick] + u * (b - a)[pick] + v * (c - a)[pick]


def _on_disc(rng, n: int, radius: float, y: float) -> np.ndarray:
    r, t = radius * np.sqrt(rng.random(n)), rng.uniform(0, 2 * math.pi, n)
    return np.stack([r * np.cos(t), np.full(n, y), r * np.sin(t)], axis=1)


def _surface(rng: np.random.Generator, shape: str, n: int) -> np.ndarray:
    """n points uniformly (by area) on the surface of a primitive whose axis is y."""
    if shape in MESHES:
        return _on_mesh(rng, MESHES[shape], n)
    if shape == "sphere":
        p = rng.normal(size=(n, 3))
        return p / np.linalg.norm(p, axis=1, keepdims=True)
    t = rng.uniform(0, 2 * math.pi, n)
    if shape == "cylinder":  # radius 0.6, height 2: side and caps by area
        r, h = 0.6, 2.0
        side = rng.random(n) < (2 * math.pi * r * h) / (2 * math.pi * r * h + 2 * math.pi * r * r)
        wall = np.stack([r * np.cos(t), rng.uniform(-1, 1, n), r * np.sin(t)], axis=1)
        caps = np.where(rng.random((n, 1)) < 0.5, _on_disc(rng, n, r, -1), _on_disc(rng, n, r, 1))
        return np.where(side[:, None], wall, caps)
    if shape == "cone":  # base radius 0.9 at y=-1, apex at y=1
        r, h = 0.9, 2.0
        lateral = math.pi * r * math.hypot(r, h)
        side = rng.random(n) < lateral / (lateral + math.pi * r * r)
        u = np.sqrt(rng.random(n))  # distance from the apex, as a fraction: uniform by area
        wall = np.stack([r * u * np.cos(t), 1 - h * u, r * u * np.sin(t)], axis=1)
        return np.where(side[:, None], wall, _on_disc(rng, n, r, -1))
    if shape == "torus":  # ring radius 0.75, tube radius 0.3, around the y axis
        big, small = 0.75, 0.3
        phi = np.empty(0)
        while len(phi) < n:  # the outer side of the tube has more area: rejection sampling
            cand = rng.uniform(0, 2 * math.pi, 2 * n)
            phi = np.concatenate([phi, cand[rng.random(2 * n) < (big + small * np.cos(cand)) / (big + small)]])
        phi = phi[:n]
        ring = big + small * np.cos(phi)
        return np.stack([ring * np.cos(t), small * np.sin(phi), ring * np.sin(t)], axis=1)
    raise ValueError(f"unknown primitive {shape!r}")


def _rotation(rng: np.random.Generator, mode: str) -> np.ndarray:
    if mode == "up":  # about y, as PointNet's augmentation
        a = rng.uniform(0, 2 * math.pi)
        c, s = math.cos(a), math.sin(a)
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))  # Haar-uniform in O(3), then made proper
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def render_cloud(seed: int, index: int, points: int = 1024, rotation: str = "up") -> tuple[np.ndarray, int]:
    """Cloud `index` of the split drawn with `seed`: float32 (points, 3) in the unit ball, and its class."""
    rng = np.random.default_rng([seed, index])
    label = index % len(CLASSES)
    p = _surface(rng, CLASSES[label], points * OVERSAMPLE) * rng.uniform(0.8, 1.25, size=3)
    p -= (p.max(0) + p.min(0)) / 2
    p /= np.linalg.norm(p, axis=1).max()
    p *= rng.uniform(0.7, 1.0)
    if rng.random() < 0.5:  # a missing part: everything beyond a random plane
        d = rng.normal(size=3)
        h = p @ (d / np.linalg.norm(d))
        p = p[h < np.quantile(h, 1 - rng.uniform(0.05, 0.25))]
    p = p[rng.choice(len(p), size=points, replace=False)] @ _rotation(rng, rotation).T
    p += np.clip(rng.normal(0, 0.01, size=p.shape), -0.03, 0.03)
    return p.astype(np.float32), label
