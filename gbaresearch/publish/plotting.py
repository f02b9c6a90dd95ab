"""Figure style, Chinese labels through a pip-installed CJK font, and the drawing helpers the
notebooks share.

The style is the file ``gba.mplstyle`` next to this module. It applies only inside
:func:`style` (``with plotting.style(): ...``), so drawing a figure never changes a user's global
matplotlib settings. Inside it, Chinese characters fall back to Noto Sans CJK SC from the
``mplfonts`` package (loaded from the package's files, without importing it); when that font is
missing, :func:`zh_or_en` falls back to English so figures never show empty boxes.

Fonts are taken by file, never by a family name the system could also answer: the DejaVu Sans
files shipped with matplotlib and the Noto Sans CJK SC file of ``mplfonts`` are registered
under family names of this package's own (:data:`LATIN_FAMILY`, :data:`CJK_FAMILY`), so a system
font of the same family (Debian's ``fonts-noto-cjk`` or ``fonts-dejavu``) is never picked and
the same pinned environment draws byte-identical figures on any machine.

Text that comes from the data reaches matplotlib through :func:`plain`, which escapes ``$`` so
that a dollar sign in a title is drawn as itself and never parsed as mathtext.

Importing this module imports matplotlib; ``import gbaresearch`` alone does not.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import textwrap
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..analysis import as_int as _int
from ..dataset.labels import rows_where, values_where

STYLE_FILE = Path(__file__).with_name("gba.mplstyle")
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
LATIN_FAMILY = "gbaresearch DejaVu Sans"  # matplotlib's own DejaVu Sans files, under a name only they carry
CJK_FAMILY = "gbaresearch Noto Sans CJK SC"  # the mplfonts file, under a name only it carries
LATIN_FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
SOURCE_NOTE = "Source: gbaresearch dataset {version}; the source of every fact is in sources.csv."
# the colour-blind-safe cycle of gba.mplstyle, for code that needs colours by position
PALETTE = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9")
GREY = "#bdbdbd"


# --- style and text -------------------------------------------------------------------------


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context in which figures get the package style; settings are restored on exit.

    >>> with style():
    ...     fig, ax = plt.subplots()
    """
    families = bundled_font_families()  # registers the bundled font files with matplotlib
    extra = {"font.family": families}
    log = logging.getLogger("matplotlib.font_manager")
    log.addFilter(_no_cjk_weight_notice)
    try:
        with plt.style.context([str(STYLE_FILE), extra]):
            yield
    finally:
        log.removeFilter(_no_cjk_weight_notice)


def _no_cjk_weight_notice(record: logging.LogRecord) -> bool:
    """Drop matplotlib's notice that the CJK fallback font has no bold face (the regular face
    is used for Chinese characters in bold text, which is what we want)."""
    return "Failed to find font weight" not in record.getMessage()


def plain(text: object) -> str:
    """``text`` as a string matplotlib draws literally: ``$`` escaped, so no mathtext."""
    return str(text).replace("$", r"\$")


def wrap(text: object, width: int) -> str:
    """Plain text broken into lines of at most ``width`` characters at spaces (never mid-word;
    a single word longer than ``width`` stays whole). Chinese text without spaces is broken
    every ``width`` characters, which is a valid break in Chinese."""
    s = plain(text)
    if " " not in s and _is_cjk(s):
        return "\n".join(s[i : i + width] for i in range(0, len(s), width))
    return "\n".join(textwrap.wrap(s, width, break_long_words=False, break_on_hyphens=False)) or s


def _is_cjk(s: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in s)


def thousands(x: float, _pos: object = None) -> str:
    """Tick text with thousands separators: 1234567 -> '1,234,567'."""
    return f"{x:,.0f}"


def thousands_axis(axis: Axis) -> None:
    """Tick labels with thousands separators."""
    axis.set_major_formatter(FuncFormatter(thousands))


def integer_axis(axis: Axis) -> None:
    """Whole-number ticks only (for counts)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(thousands))


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """Path of the bundled CJK font file, or None when the font package is not installed."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / CJK_FONT_FILE
    return path if path.is_file() else None


def _register(path: Path, family: str) -> None:
    """Add the font file at ``path`` to matplotlib's font list under the family name ``family``."""
    import dataclasses

    from matplotlib import ft2font

    entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(path)))
    font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=family))
    font_manager.fontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def bundled_font_families() -> list[str]:
    """Register the bundled font files (DejaVu Sans from matplotlib, Noto Sans CJK SC from
    mplfonts when installed) under this package's family names; return the family list for
    ``font.family``: Latin first, Chinese as the fallback."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in LATIN_FONT_FILES:
        _register(ttf / name, LATIN_FAMILY)
    families = [LATIN_FAMILY]
    path = cjk_font_path()
    if path is not None:
        _register(path, CJK_FAMILY)
        families.append(CJK_FAMILY)
    return families


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties | None:
    """FontProperties for Chinese text, naming the bundled file itself, or None."""
    path = cjk_font_path()
    if path is None:
        return None
    bundled_font_families()
    return font_manager.FontProperties(fname=str(path))


def has_cjk() -> bool:
    """True when Chinese labels can be drawn."""
    return cjk_font() is not None


def zh_or_en(text_zh: str, text_en: str) -> tuple[str, font_manager.FontProperties | None]:
    """The Chinese label with the CJK font, or the English label (and None) as a fallback."""
    font = cjk_font()
    return (text_zh, font) if font is not None else (text_en, None)


def bilingual(en: str, zh: str | None, sep: str = "\n") -> str:
    """'English' + sep + 'Chinese' when a CJK font is available and ``zh`` differs, else English;
    plain text."""
    if zh and zh != en and has_cjk():
        return plain(f"{en}{sep}{zh}")
    return plain(en)


def category_colors(categories: Sequence[str]) -> dict[str, str]:
    """A fixed colour for each category, by position (distinct for up to 10 categories)."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


def caption(fig: Figure, version: str, extra: str = "") -> None:
    """Write the source line under a figure, after laying out its labels so none collide
    (:func:`fit_labels`: the last step of every figure, whatever the number of batches)."""
    fit_labels(fig)
    text = SOURCE_NOTE.format(version=version) + (" " + extra if extra else "")
    fig.text(
        0.01,
        min(-0.02, _lowest_text(fig) - 0.01),
        plain(text),
        ha="left",
        va="top",
        fontsize=8,
        color="0.35",
        wrap=True,
    )


def batch_label(batch: object, identified: int | None = None, announced: int | None = None) -> str:
    """'Batch 2' with '\\nn = 16 of 16 identified' when counts are given."""
    text = f"Batch {batch}"
    if identified is not None and announced is not None:
        text += f"\n{identified} of {announced} identified"
    elif announced is not None:
        text += f"\n{announced} cases"
    return text


# --- figures ---------------------------------------------------------------------------------


def stacked_shares(ax: Axes, shares: pd.DataFrame, labels: dict[str, str] | None = None) -> None:
    """Horizontal 100% bars of official category shares with the count in each segment and the
    batch size in the row label; ``shares`` is ``analysis.category_shares``; ``labels`` maps
    category values to display text (default: the values)."""
    labels = labels or {}
    cats = list(shares["category"].cat.categories)
    colors = category_colors(cats)
    batches = list(shares["batch"].cat.categories)
    totals = shares.groupby("batch", observed=False)["n_cases"].sum().reindex(batches)
    rows = [batch_label(b, announced=int(totals[b])) for b in batches]
    left = np.zeros(len(batches))
    for cat in cats:
        sub = shares[shares["category"] == cat].set_index("batch").reindex(batches)
        vals = sub["share"].fillna(0).to_numpy(dtype=float)
        counts = sub["n_cases"].fillna(0).astype(int).to_list()
        ax.barh(rows, vals, left=left, color=colors[cat], label=plain(labels.get(cat, cat)), height=0.65)
        for y, (l, v, n) in enumerate(zip(left, vals, counts)):
            if n:
                ax.text(l + v / 2, y, str(n), ha="center", va="center", fontsize=10, color="white", fontweight="bold")
        left += vals
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Share of the batch's announced cases (numbers in bars: cases)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8.5)


def stacked_counts(
    ax: Axes,
    table: pd.DataFrame,
    title: str,
    labels: dict[Any, str] | None = None,
    coverage: pd.DataFrame | None = None,
) -> None:
    """Stacked bars of a rows × batches count table (e.g. ``analysis.lead_level_by_batch``).
    Rows in brackets, such as ``(unknown)``, are drawn in light grey so gaps stay visible; every
    other row gets its own colour. With ``coverage`` (``analysis.coverage_by_batch``) each bar's
    label says how many of the batch's announced cases are identified."""
    known = [r for r in table.index if not str(r).startswith("(")]
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(known)}
    colors.update({r: GREY for r in table.index if r not in colors})
    if coverage is not None:
        cov = coverage.set_index("batch")
        xs = [batch_label(b, _int(cov.loc[b, "identified"]), _int(cov.loc[b, "n_cases"])) for b in table.columns]
    else:
        xs = [batch_label(b) for b in table.columns]
    bottom = np.zeros(table.shape[1])
    for row in table.index:
        vals = table.loc[row].to_numpy(dtype=float)
        ax.bar(xs, vals, bottom=bottom, color=colors[row], label=plain((labels or {}).get(row, row)), width=0.65)
        bottom += vals
    ax.set_title(plain(title))
    ax.grid(axis="x", visible=False)
    integer_axis(ax.yaxis)
    handles, texts = ax.get_legend_handles_labels()  # legend top-down in the order of the stack
    ax.legend(handles[::-1], texts[::-1], fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def count_heatmap(
    ax: Axes,
    table: pd.DataFrame,
    row_labels: dict[Any, str] | None = None,
    col_labels: Sequence[str] | None = None,
    denominators: Sequence[int] | None = None,
    cmap: str = "Blues",
) -> None:
    """Heatmap of a rows × columns count table with each cell annotated: the count, or
    'count/denominator' when ``denominators`` (one per column) are given. Colour shows the count
    (or the share when denominators are given). Labels are plain text."""
    values = table.to_numpy(dtype=float)
    if denominators is not None:
        den = np.asarray(denominators, dtype=float)
        shade = np.divide(values, den, out=np.zeros_like(values), where=den > 0)
        vmax = max(float(shade.max()), 0.25)
    else:
        shade, vmax = values, max(values.max(), 1.0)
    ax.imshow(shade, cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = int(values[i, j])
            text = f"{v}/{int(denominators[j])}" if denominators is not None else str(v)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if shade[i, j] > 0.6 * vmax else ("0.2" if v else "0.6"),
            )
    ax.set_xticks(range(values.shape[1]), [plain(c) for c in (col_labels or [str(c) for c in table.columns])])
    ax.set_yticks(range(values.shape[0]), [plain((row_labels or {}).get(r, r)) for r in table.index])
    ax.xaxis.tick_top()
    ax.grid(False)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)


# --- map -------------------------------------------------------------------------------------

LAND, WATER, SHORE = "#f2efe9", "#dcebf5", "#9fb8c8"


def marker_area(n: int | float) -> float:
    """Marker area (points²) for ``n`` cases: a small dot for none, then area in proportion."""
    return 18.0 + 55.0 * float(n)


def place_kinds(places: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """Place kind → (marker, English label, where its labels sit), in schema order, from the
    metadata ``places`` carries (``gba:marker`` and ``gba:label_at`` of ``places.kind``)."""
    from ..dataset.labels import labels, properties

    names = labels(places, "kind")
    return {
        str(k): (str(p.get("gba:marker", "o")), names[k], str(p.get("gba:label_at", "above")))
        for k, p in properties(places, "kind").items()
    }


def _label_offset(at: str, radius: float, away_west: bool) -> tuple[tuple[float, float], str, str]:
    """Offset (points), horizontal and vertical alignment of a map label placed ``at``."""
    if at == "below_away_from_host":
        return ((-radius, -radius), "right", "top") if away_west else ((radius, -radius), "left", "top")
    if at == "right":
        return (radius + 1, 0), "left", "center"
    return (0, radius), "center", "bottom"


def _label_places(
    ax: Axes, places: pd.DataFrame, size_col: str, font: Any, kinds_of: dict[str, tuple[str, str, str]]
) -> None:
    """Write each place's name (and count) next to its marker, where its kind says. Returns nothing."""
    lon = dict(zip(places["place_id"], places["lon"]))
    for _, r in places.iterrows():
        name = r["name_zh"] if font is not None else r["name_en"]
        n = int(r[size_col])
        text = plain(f"{name} ({n})" if n else name)
        # where the label sits is the kind's gba:label_at; a label placed "below, away from the
        # host" goes to the side away from the host city
        radius = np.sqrt(marker_area(n)) / 2 + 2
        away_west = bool(r["lon"] < lon.get(r["host_city"], r["lon"]))
        offset, ha, va = _label_offset(kinds_of[str(r["kind"])][2], radius, away_west)
        ax.annotate(
            text,
            (r["lon"], r["lat"]),
            xytext=offset,
            textcoords="offset points",
            fontsize=8.5,
            ha=ha,
            va=va,
            fontproperties=font,
            zorder=4,
            bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.6),
        )


def _map_legends(ax: Axes, places: pd.DataFrame, size_col: str, kinds_of: dict[str, tuple[str, str, str]]) -> None:
    """The map's two legends: kinds of place, and marker sizes. Returns nothing."""
    from matplotlib.lines import Line2D

    kinds = [
        Line2D([], [], marker=m, linestyle="", color=PALETTE[i], markersize=8, label=name)
        for i, (m, name, _at) in enumerate(kinds_of.values())
    ]
    top = max(int(places[size_col].max()), 1)
    sizes = sorted({1, top} | ({(top + 1) // 2} if top > 2 else set()))
    keys = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="0.55",
            markersize=np.sqrt(marker_area(k)),
            label=f"{k} case" + ("s" if k > 1 else ""),
        )
        for k in sizes
    ]
    leg = ax.legend(
        handles=kinds,
        loc="lower left",
        fontsize=8,
        title="Kind of place",
        title_fontsize=8,
        framealpha=0.8,
        frameon=True,
    )
    ax.add_artist(leg)
    ax.legend(
        handles=keys,
        loc="lower right",
        fontsize=8,
        title="Cases led there",
        title_fontsize=8,
        labelspacing=1.2,
        borderpad=0.9,
        framealpha=0.8,
        frameon=True,
    )


def gba_map(
    ax: Axes, places: pd.DataFrame, size_col: str = "cases", label_zh: bool = False, coastline: bool = True
) -> str:
    """Map of the places table on GSHHS shorelines (see :mod:`gbaresearch.publish.coastline`): cities as
    circles, SARs as squares, platforms as triangles, each kind its own colour; marker area grows
    with ``size_col`` (a size key is drawn); each label sits next to its marker. Returns the
    shoreline credit to put in the caption ('' when no shoreline was drawn)."""
    from matplotlib.patches import Polygon

    from . import coastline as C

    pad = 0.25
    west, east = float(places["lon"].min()) - pad, float(places["lon"].max()) + pad
    south, north = float(places["lat"].min()) - pad, float(places["lat"].max()) + pad
    credit = ""
    if coastline and C.available():
        ax.set_facecolor(WATER)
        for s in C.shores((west, east, south, north)):
            face = LAND if s.level in (1, 3) else WATER
            ax.add_patch(Polygon(s.xy, closed=True, facecolor=face, edgecolor=SHORE, linewidth=0.5, zorder=1))
        credit = C.CITATION.format(res=C.DEFAULT_RESOLUTION)
    font = cjk_font() if label_zh else None
    kinds_of = place_kinds(places)
    for i, (kind, (m, _name, _at)) in enumerate(kinds_of.items()):
        sub = places[places["kind"] == kind]
        ax.scatter(
            sub["lon"],
            sub["lat"],
            s=[marker_area(v) for v in sub[size_col].astype(float)],
            marker=m,
            color=PALETTE[i],
            edgecolor="white",
            linewidth=0.8,
            zorder=3,
        )
    _label_places(ax, places, size_col, font, kinds_of)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / np.cos(np.radians((south + north) / 2)))
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(True)
    _map_legends(ax, places, size_col, kinds_of)
    return credit


# --- links -----------------------------------------------------------------------------------

DESCRIPTIVE_MARK = "†"


def relation_styles(links: pd.DataFrame) -> dict[Any, tuple[str, str]]:
    """Link relation → (line style, colour), in schema order: the style is the relation's
    ``gba:lineStyle``, the colour the palette's colour at the relation's place."""
    from ..dataset.labels import properties

    return {
        rel: (str(p.get("gba:lineStyle", "-")), PALETTE[i % len(PALETTE)])
        for i, (rel, p) in enumerate(properties(links, "relation").items())
    }


def _legend_proxies(ax: Axes, styles: dict[Any, tuple[str, str]]) -> None:
    for rel, (ls, color) in styles.items():
        ax.plot([], [], linestyle=ls, color=color, label=rel)


def link_diagram(
    ax: Axes,
    links: pd.DataFrame,
    cases: pd.DataFrame,
    chinese: bool = True,
    width: int = 14,
    coverage: pd.DataFrame | None = None,
) -> None:
    """Draw links between cases: one column per batch, each case a box with its id and full
    title (wrapped, never cut); arrows run from box edge to box edge, from the earlier case to
    the later one, so they never cross a label's text. Titles are Chinese when a CJK font is
    available (else English); a title that is a descriptive label rather than the official
    title (``title_status``) is marked with † (:data:`DESCRIPTIVE_MARK`). With ``coverage``
    (``analysis.coverage_by_batch``) each column says how many of the batch's announced cases are
    identified (links can join identified cases only)."""
    font = cjk_font() if chinese else None
    col = "title_zh" if font is not None else "title_en"
    ids = sorted(set(links["from_case_id"]) | set(links["to_case_id"]))
    info = cases.set_index("case_id").loc[ids]
    batches = sorted(int(b) for b in info["batch"].unique())
    # order each column by the mean position of the earlier cases it links to (fewer crossings)
    pos: dict[str, tuple[int, float]] = {}
    targets = links.groupby("from_case_id")["to_case_id"].agg(list).to_dict()
    for b in batches:
        members = sorted(info.index[info["batch"].astype(int) == b])
        rank = {
            cid: np.mean([pos[t][1] for t in targets.get(cid, []) if t in pos] or [-(k + 0.5) * 1e-3])
            for k, cid in enumerate(members)
        }
        ordered = sorted(members, key=lambda c: (-rank[c], c))
        for k, cid in enumerate(ordered):
            pos[cid] = (b, -float(k))
    boxes: dict[str, Text] = {}
    texts: dict[str, tuple[str, str]] = {}
    for cid, (x, y) in pos.items():
        title = str(info.loc[cid, col])
        mark = "" if rows_where(info.loc[[cid]], "title_status", "announced").all() else DESCRIPTIVE_MARK
        texts[cid] = (title, mark)
        boxes[cid] = ax.text(
            x,
            y,
            plain(cid) + "\n" + wrap(title, width if font is not None else 2 * width) + mark,
            ha="center",
            va="center",
            fontsize=8,
            linespacing=1.35,
            fontproperties=font,
            zorder=4,
            bbox=dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor="0.6", linewidth=0.8),
        )
    ax.set_xlim(min(batches) - 0.5, max(batches) + 0.5)
    _narrow_boxes(ax, boxes, texts, width if font is not None else 2 * width)
    styles = relation_styles(links)
    for _, r in links.iterrows():
        ls, color = styles.get(r["relation"], ("-", "0.5"))
        ax.annotate(
            "",
            xy=(0.0, 0.5),
            xycoords=boxes[r["from_case_id"]],
            xytext=(1.0, 0.5),
            textcoords=boxes[r["to_case_id"]],
            arrowprops=dict(arrowstyle="-|>", linestyle=ls, color=color, lw=1.4, shrinkA=2, shrinkB=2),
            zorder=2,
        )
    _legend_proxies(ax, styles)
    if coverage is not None:
        cov = coverage.set_index("batch")
        ticks = [batch_label(b, _int(cov.loc[b, "identified"]), _int(cov.loc[b, "n_cases"])) for b in batches]
    else:
        ticks = [batch_label(b) for b in batches]
    ax.set_xticks(batches, ticks)
    ax.xaxis.tick_top()
    ax.set_xlim(min(batches) - 0.5, max(batches) + 0.5)
    lowest = min(y for _, y in pos.values())
    ax.set_ylim(lowest - 0.7, 0.7)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=2, title="Relation (earlier → later)", fontsize=8)


def _narrow_boxes(ax: Axes, boxes: dict[str, Text], texts: dict[str, tuple[str, str]], width: int) -> None:
    """Narrow the case boxes of :func:`link_diagram` until boxes of neighbouring columns stand
    apart: wrap titles at fewer characters (never cutting a word that fits), then a smaller font."""
    fig = _figure(ax)
    if fig is None or len(boxes) < 2:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def clash() -> bool:
        fig.draw_without_rendering()
        ext = [b.get_window_extent(renderer).expanded(1.1, 1.0) for b in boxes.values()]
        return any(a.overlaps(b) for i, a in enumerate(ext) for b in ext[i + 1 :])

    w = width
    while clash() and w > 6:
        w -= 2 if w > 10 else 1
        for cid, t in boxes.items():
            title, mark = texts[cid]
            t.set_text(plain(cid) + "\n" + wrap(title, w) + mark)
    size = 8.0
    while clash() and size > 6:
        size -= 0.5
        for t in boxes.values():
            t.set_fontsize(size)


# --- indicators ------------------------------------------------------------------------------


def indicator_panels(fig: Figure, table: pd.DataFrame, label_width: int = 50) -> list[Axes]:
    """Small multiples of reported figures, one panel per unit, each with its own linear axis
    (thousands separators); ``table`` is ``analysis.indicator_dots`` (or a subset of it).
    Hollow markers are approximate values, right-pointing triangles lower bounds; each dot
    carries its value as text, so no value has to be read off an axis. Returns the axes."""
    units = list(dict.fromkeys(table["unit"]))
    at_least = values_where(table, "bound", "atLeast", True)
    rough = values_where(table, "bound", "rough", True)
    heights = [len(table[table["unit"] == u]) + 0.8 for u in units]
    axes = np.atleast_1d(fig.subplots(len(units), 1, gridspec_kw={"height_ratios": heights}))
    for k, (ax, unit) in enumerate(zip(axes, units)):
        sub = table[table["unit"] == unit].reset_index(drop=True)
        color = PALETTE[k % len(PALETTE)]
        for i, r in sub.iterrows():
            marker = ">" if r["bound"] in at_least else "o"
            face = "white" if r["bound"] in rough else color
            ax.scatter(r["value"], i, marker=marker, s=40, color=face, edgecolor=color, linewidth=1.4, zorder=3)
            ax.annotate(
                plain(r["shown"]),
                (r["value"], i),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
                color="0.25",
            )
        ax.set_yticks(range(len(sub)), [wrap(t, label_width) for t in sub["label"]], fontsize=7.5)
        ax.set_ylim(len(sub) - 0.5, -0.5)
        ax.set_xlim(0, float(sub["value"].max()) * 1.6)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(FuncFormatter(thousands))
        ax.grid(axis="y", visible=False)
        ax.set_title(plain(sub["unit_label"].iloc[0]), fontsize=10, loc="left", color=color)
    return list(axes)


# --- layout ----------------------------------------------------------------------------------


def _labels(fig: Figure) -> list[Text]:
    """The visible, non-empty texts of a figure that must not overlap one another: tick labels,
    axis labels, titles and texts placed in the axes (cell and bar annotations, boxes)."""
    out: list[Text] = []
    for ax in fig.axes:
        for t in [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]:
            out.append(t)
        out.append(ax.title)
        out += [t for t in ax.texts if not isinstance(t, Annotation)]
        legend = ax.get_legend()
        if legend is not None:
            out += legend.get_texts()
    out += list(fig.texts)
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def _figure(ax: Axes) -> Figure | None:
    """The figure an axes is drawn on (None for an axes not on a figure)."""
    fig = ax.get_figure(root=True)
    return fig if isinstance(fig, Figure) else None


def _lowest_text(fig: Figure) -> float:
    """The bottom of the lowest label of ``fig``, in figure coordinates (0 = the figure's foot)."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    bottoms = [t.get_window_extent(renderer).y0 for t in _labels(fig)]
    height = fig.bbox.height
    return min(bottoms, default=0.0) / height if height else 0.0


def text_collisions(fig: Figure, pad: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts of ``fig`` whose drawn boxes overlap (by more than ``pad`` pixels), as
    ``(text, text)``; empty when every label stands clear. Draws the figure to measure."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw_without_rendering()
    boxes = [(t, t.get_window_extent(renderer).padded(-pad)) for t in _labels(fig)]
    found = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1 :]:
            if ba.width > 0 and bb.width > 0 and ba.overlaps(bb):
                found.append((a.get_text(), b.get_text()))
    return found


def _rewrap(text: str, width: int) -> str:
    return "\n".join(
        "\n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""])
        for line in text.split("\n")
    )


def _crowded(texts: Sequence[Text], renderer: Any, vertical: bool) -> bool:
    boxes = sorted(
        (t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()),
        key=lambda b: b.y0 if vertical else b.x0,
    )
    gap = 2.0
    for a, b in zip(boxes, boxes[1:]):
        if (b.y0 < a.y1 + gap) if vertical else (b.x0 < a.x1 + gap):
            return True
    return False


def fit_tick_labels(ax: Axes, which: Literal["x", "y"] = "x", min_size: float = 7.0) -> None:
    """Keep an axis' tick labels apart when they are too wide for their places: wrap their lines
    at spaces (never inside a word), then make them smaller (down to ``min_size``), then turn
    them upright. Labels that already fit are left exactly as they are."""
    fig = _figure(ax)
    if fig is None:
        return
    axis = ax.xaxis if which == "x" else ax.yaxis
    vertical = which == "y"
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in axis.get_majorticklabels() if t.get_text()]
    if len(texts) < 2 or not _crowded(texts, renderer, vertical):
        return
    original = [t.get_text() for t in axis.get_majorticklabels()]
    locs = list(axis.get_majorticklocs())
    if not vertical:
        longest = max(len(line) for text in original for line in text.split("\n"))
        word = max(len(w) for text in original for w in text.split())
        for width in range(longest - 1, max(word, 10) - 1, -1):
            axis.set_ticks(locs, [_rewrap(t, width) for t in original])
            fig.draw_without_rendering()
            if not _crowded(axis.get_majorticklabels(), renderer, vertical):
                return
    size = float(axis.get_majorticklabels()[0].get_fontsize())
    while size > min_size:
        size = max(min_size, size * 0.9)
        ax.tick_params(axis=which, labelsize=size)
        fig.draw_without_rendering()
        if not _crowded(axis.get_majorticklabels(), renderer, vertical):
            return
    if not vertical:
        for width in range(max(word, 10) - 1, 5, -1):
            axis.set_ticks(locs, [_rewrap(t, width) for t in original])
            fig.draw_without_rendering()
            if not _crowded(axis.get_majorticklabels(), renderer, vertical):
                return
        axis.set_ticks(locs, original)
        ax.tick_params(axis="x", labelrotation=90)


def fit_legend(ax: Axes) -> None:
    """Move an axes' legend out to the right of the plot when it covers texts placed in the axes."""
    fig, legend = _figure(ax), ax.get_legend()
    if fig is None or legend is None:
        return
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = legend.get_window_extent(renderer)
    if any(t.get_text() and box.overlaps(t.get_window_extent(renderer)) for t in ax.texts):
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((1.01, 1.0), transform=ax.transAxes)


def fit_texts(ax: Axes, min_size: float = 7.0) -> None:
    """Keep single-line texts placed in the axes (annotations over bars) apart: texts that
    overlap a neighbour are broken into two balanced lines, then made smaller."""
    fig = _figure(ax)
    if fig is None:
        return
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in ax.texts if not isinstance(t, Annotation) and t.get_text() and "\n" not in t.get_text()]
    if len(texts) < 2:
        return

    def clash() -> bool:
        boxes = [t.get_window_extent(renderer) for t in texts]
        return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])

    if not clash():
        return
    for t in texts:
        words = t.get_text().split(" ")
        if len(words) > 1:
            half = len(t.get_text()) / 2
            cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - half))
            t.set_text(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))
    fig.draw_without_rendering()
    size = float(texts[0].get_fontsize())
    while clash() and size > min_size:
        size = max(min_size, size * 0.9)
        for t in texts:
            t.set_fontsize(size)
        fig.draw_without_rendering()


def fit_labels(fig: Figure) -> None:
    """Lay out every axes' tick labels and placed texts of ``fig`` so none collide
    (:func:`fit_tick_labels`, :func:`fit_texts`); called by :func:`caption`."""
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        fit_texts(ax)
        fit_legend(ax)
        fit_tick_labels(ax, "x")
        fit_tick_labels(ax, "y")
