"""One plotting style for every figure, Chinese labels through a pip-installed CJK font, and the
small drawing helpers the notebooks share.

Importing this module imports matplotlib and seaborn; ``import gbaresearch`` alone does not.
The CJK font is Noto Sans CJK SC from the ``mplfonts`` package; it is loaded from the
package's files without importing it. When it is missing, :func:`zh_or_en` falls back to the
English label so figures never show empty boxes.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .analysis import category_labels  # noqa: E402

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
PALETTE = "colorblind"
SOURCE_NOTE = "Source: gbaresearch dataset {version}; the source of every fact is in sources.csv."


def use_style() -> None:
    """Apply the package's figure style (call once at the top of a notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 11,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "gbaresearch",
        }
    )


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """Path of the bundled CJK font file, or None when the font package is not installed."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / CJK_FONT_FILE
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties | None:
    """FontProperties for Chinese text, or None when no CJK font is available."""
    path = cjk_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


def has_cjk() -> bool:
    """True when Chinese labels can be drawn."""
    return cjk_font() is not None


def zh_or_en(text_zh: str, text_en: str) -> tuple[str, font_manager.FontProperties | None]:
    """The Chinese label with the CJK font, or the English label (and None) as a fallback."""
    font = cjk_font()
    return (text_zh, font) if font is not None else (text_en, None)


def category_colors(categories: list[str]) -> dict[str, tuple]:
    """A fixed colour for each official category, in schema order."""
    return dict(zip(categories, sns.color_palette(PALETTE, len(categories))))


def caption(fig, version: str, extra: str = "") -> None:
    """Write the source line under a figure."""
    text = SOURCE_NOTE.format(version=version) + (" " + extra if extra else "")
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=8, color="0.35", wrap=True)


def stacked_shares(ax, shares, version: str | None = None) -> None:
    """Horizontal 100% bars: ``shares`` is the output of ``analysis.category_shares``."""
    labels = category_labels()
    cats = list(shares["category"].cat.categories)
    colors = category_colors(cats)
    batches = list(shares["batch"].cat.categories)
    left = [0.0] * len(batches)
    for cat in cats:
        sub = shares[shares["category"] == cat].set_index("batch").reindex(batches)
        vals = sub["share"].fillna(0).to_list()
        counts = sub["n_cases"].fillna(0).astype(int).to_list()
        ax.barh([f"Batch {b}" for b in batches], vals, left=left, color=colors[cat], label=labels.get(cat, cat))
        for y, (l, v, n) in enumerate(zip(left, vals, counts)):
            if n:
                ax.text(l + v / 2, y, str(n), ha="center", va="center", fontsize=10, color="white", fontweight="bold")
        left = [l + v for l, v in zip(left, vals)]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.set_xlabel("Share of the batch's cases (numbers: cases)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)


def stacked_counts(ax, table, title: str, labels: dict | None = None) -> None:
    """Stacked bars of a rows × batches count table (e.g. ``analysis.lead_level_by_batch``);
    rows in brackets, such as ``(unknown)``, are drawn in light grey so gaps stay visible."""
    known = [r for r in table.index if not str(r).startswith("(")]
    colors = dict(zip(known, sns.color_palette(PALETTE, len(known))))
    colors.update({r: (0.85, 0.85, 0.85) for r in table.index if r not in colors})
    bottom = [0] * table.shape[1]
    xs = [str(b) for b in table.columns]
    for row in table.index:
        vals = table.loc[row].to_list()
        ax.bar(xs, vals, bottom=bottom, color=colors[row], label=(labels or {}).get(row, row), width=0.7)
        bottom = [a + b for a, b in zip(bottom, vals)]
    ax.set_title(title)
    ax.set_xlabel("Batch")
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def gba_map(ax, places, size_col: str = "cases", label_zh: bool = False) -> None:
    """Map-like scatter of the places table (no basemap): cities as circles, SARs as squares,
    platforms as triangles; marker area grows with ``size_col``; labels from the table."""
    markers = {"mainland_city": "o", "sar": "s", "platform": "^"}
    names = {
        "mainland_city": "Mainland city",
        "sar": "Special administrative region",
        "platform": "Cooperation platform",
    }
    colors = dict(zip(markers, sns.color_palette(PALETTE, 3)))
    font = cjk_font() if label_zh else None
    for kind, m in markers.items():
        sub = places[places["kind"] == kind]
        sizes = 60 + 140 * sub[size_col].astype(float)
        ax.scatter(
            sub["lon"],
            sub["lat"],
            s=sizes,
            marker=m,
            color=colors[kind],
            alpha=0.85,
            edgecolor="white",
            linewidth=0.8,
            label=names[kind],
            zorder=3,
        )
    lon = dict(zip(places["place_id"], places["lon"]))
    for _, r in places.iterrows():
        text = r["name_zh"] if font is not None else r["name_en"]
        n = int(r[size_col])
        if n:
            text += f" ({n})"
        # platforms sit close to their host cities: label them below, on the side away from the city
        west = r["kind"] == "platform" and r["lon"] < lon.get(r["host_city"], r["lon"])
        offset, ha = (
            ((-6, -12), "right") if west else ((6, -12), "left") if r["kind"] == "platform" else ((6, 5), "left")
        )
        ax.annotate(
            text,
            (r["lon"], r["lat"]),
            xytext=offset,
            textcoords="offset points",
            fontsize=9,
            ha=ha,
            fontproperties=font,
            zorder=4,
        )
    ax.set_xlabel("Longitude (°E)")
    ax.set_ylabel("Latitude (°N)")
    ax.set_aspect(1 / 0.92, adjustable="datalim")  # about 1/cos(23°) so distances look right at this latitude
    ax.legend(loc="lower left", fontsize=8, markerscale=0.6)


def link_diagram(ax, links, cases, chinese: bool = True, width: int = 16) -> None:
    """Draw links between cases as arrows from the earlier case to the later one, one column per
    batch. ``links`` is ``analysis.link_table``; ``cases`` the cases table. Labels are the
    Chinese titles when a CJK font is available (else English), cut to ``width`` characters."""
    font = cjk_font() if chinese else None
    col = "title_zh" if font is not None else "title_en"
    ids = sorted(set(links["from_case_id"]) | set(links["to_case_id"]))
    info = cases.set_index("case_id").loc[ids]
    pos = {}
    for b, group in info.groupby("batch", observed=True):
        for k, cid in enumerate(sorted(group.index)):
            pos[cid] = (int(b), -k)
    for cid, (x, y) in pos.items():
        title = str(info.loc[cid, col])
        label = title if len(title) <= width else title[: width - 1] + "…"
        ax.scatter([x], [y], s=50, color="0.3", zorder=3)
        ax.annotate(
            f"{cid} {label}",
            (x, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
            fontproperties=font,
            zorder=4,
        )
    styles = {"deepens": ("-", "C0"), "extends": ("--", "C1")}
    for _, r in links.iterrows():
        ls, color = styles.get(r["relation"], ("-", "0.5"))
        ax.annotate(
            "",
            xy=pos[r["from_case_id"]],
            xytext=pos[r["to_case_id"]],
            arrowprops=dict(
                arrowstyle="-|>",
                linestyle=ls,
                color=color,
                lw=1.4,
                shrinkA=6,
                shrinkB=6,
                connectionstyle="arc3,rad=0.08",
            ),
            zorder=2,
        )
    for rel, (ls, color) in styles.items():
        ax.plot([], [], linestyle=ls, color=color, label=rel)
    batches = sorted({x for x, _ in pos.values()})
    ax.set_xticks(batches, [f"Batch {b}" for b in batches])
    ax.set_xlim(min(batches) - 0.6, max(batches) + 0.6)
    ax.set_ylim(min(y for _, y in pos.values()) - 0.8, 0.8)
    ax.set_yticks([])
    ax.grid(False)
    ax.legend(loc="lower right", title="Relation (earlier → later)")
