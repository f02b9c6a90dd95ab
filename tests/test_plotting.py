"""Plot style (scoped, shipped as a file), plain text from the data, the CJK font with its
English fallback, offline shorelines, and the figure helpers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import cbook  # noqa: E402

import gbaresearch as gba  # noqa: E402
from gbaresearch import analysis as A  # noqa: E402
from gbaresearch.dataset import labels as gl
from gbaresearch.publish import coastline as C  # noqa: E402
from gbaresearch.publish import plotting as P  # noqa: E402

PRD = (112.6, 114.7, 21.6, 23.7)


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def _is_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


# --- style -------------------------------------------------------------------------------------


def test_style_ships_as_a_file_in_the_package():
    assert P.STYLE_FILE.name == "gba.mplstyle" and P.STYLE_FILE.parent.name == "publish"
    assert P.STYLE_FILE.is_file()
    rc = matplotlib.rc_params_from_file(str(P.STYLE_FILE), use_default_template=False)
    assert rc["axes.titlelocation"] == "left" and rc["axes.spines.top"] is False
    assert rc["text.usetex"] is False


def test_style_is_scoped_and_leaves_global_settings_alone():
    before = dict(plt.rcParams)
    with P.style():
        assert plt.rcParams["axes.titlelocation"] == "left"
        assert plt.rcParams["axes.spines.right"] is False
        assert plt.rcParams["font.family"] == [P.LATIN_FAMILY, P.CJK_FAMILY]
    after = dict(plt.rcParams)
    assert after == before


def test_chinese_labels_draw_inside_the_style_without_missing_glyphs(recwarn):
    with P.style():
        fig, ax = plt.subplots()
        ax.set_title(P.bilingual("Livelihood integration", "民生融合", " / "))
        fig.canvas.draw()
        plt.close(fig)
    assert not [w for w in recwarn.list if "Glyph" in str(w.message)]


# --- text from the data is plain text ------------------------------------------------------------


@pytest.mark.parametrize("text", ["cost $5 to $6", "$x^2$", "a $ b", "no dollars"])
def test_plain_text_is_never_mathtext(text):
    shown = P.plain(text)
    assert not cbook.is_math_text(shown)
    fig, ax = plt.subplots()
    t = ax.set_title(shown)
    drawn, ismath = t._preprocess_math(t.get_text())
    assert (drawn, ismath) == (text, False)
    fig.canvas.draw()
    plt.close(fig)


def test_helpers_pass_dollar_signs_through_as_text():
    table = pd.DataFrame({1: [2, 1], 2: [0, 3]}, index=pd.Index(["cost $5", "$x$ (unknown)"], name="row"))
    table.columns.name = "batch"
    with P.style():
        fig, ax = plt.subplots()
        P.stacked_counts(ax, table, "Spent $1 or $2", labels={"cost $5": "cost $5 to $6"})
        fig.canvas.draw()
        texts = [t.get_text() for t in ax.get_legend().texts] + [ax.get_title()]
        assert all(not cbook.is_math_text(t) for t in texts)
        assert [t._preprocess_math(t.get_text())[0] for t in ax.get_legend().texts] == [
            "$x$ (unknown)",
            "cost $5 to $6",
        ]
        plt.close(fig)


@pytest.mark.parametrize(
    "text,width,lines",
    [
        ("Cross-border flow of factors", 12, ["Cross-border", "flow of", "factors"]),
        ("Extraordinarilylongword here", 8, ["Extraordinarilylongword", "here"]),
        ("港澳律师在大湾区内地九市取得", 5, ["港澳律师在", "大湾区内地", "九市取得"]),
    ],
)
def test_wrap_never_cuts_a_word(text, width, lines):
    assert P.wrap(text, width).split("\n") == lines


def test_thousands_separators():
    assert P.thousands(1234567) == "1,234,567" and P.thousands(12.0) == "12"


# --- CJK font ------------------------------------------------------------------------------------


def test_cjk_font_is_installed_by_pip_and_renders_chinese():
    path = P.cjk_font_path()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf" and "site-packages" in str(path)
    text, font = P.zh_or_en("港澳药械通", "Medicine and Device Connect")
    assert text == "港澳药械通" and font is not None
    from matplotlib.ft2font import FT2Font

    ft = FT2Font(str(path))
    assert all(ft.get_char_index(ord(ch)) for ch in "粤港澳大湾区规则衔接")


def test_fallback_to_english_without_the_font(monkeypatch, ds):
    P.cjk_font.cache_clear()
    P.cjk_font_path.cache_clear()
    monkeypatch.setattr(P.importlib.util, "find_spec", lambda name: None)
    try:
        assert P.cjk_font_path() is None and not P.has_cjk()
        assert P.zh_or_en("港澳药械通", "Medicine and Device Connect") == ("Medicine and Device Connect", None)
        assert P.bilingual("Livelihood integration", "民生融合") == "Livelihood integration"
        with P.style():
            fig, ax = plt.subplots()
            P.link_diagram(ax, A.link_table(ds), ds.cases)
            labels = [t.get_text() for t in ax.texts]
            assert labels and not any(_is_cjk(t) for t in labels)
            plt.close(fig)
    finally:
        P.cjk_font.cache_clear()
        P.cjk_font_path.cache_clear()


# --- shorelines -----------------------------------------------------------------------------------


def test_shorelines_are_read_offline_from_the_installed_package():
    assert C.available("h") and C.available("f")
    assert "site-packages" in str(C.data_dir())
    shores = C.shores(PRD)
    assert len(shores) == 317
    assert {s.level for s in shores} == {1, 2, 3}
    assert all(s.xy.ndim == 2 and s.xy.shape[1] == 2 for s in shores)


@pytest.mark.slow  # draws a full figure
def test_shoreline_resolution_at_delta_scale():
    # median spacing of shoreline points inside the delta, km: 'h' is finer than a screen pixel
    assert round(C.median_spacing_km(PRD, "h"), 2) == 0.75
    assert round(C.median_spacing_km(PRD, "f"), 2) == 0.13


def test_unknown_resolution_and_missing_data(monkeypatch):
    with pytest.raises(ValueError):
        C.shores(PRD, "x")
    monkeypatch.setattr(C, "data_dir", lambda: None)
    assert not C.available()
    with pytest.raises(FileNotFoundError):
        C.shores(PRD, "l")


# --- figures --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_map_has_shoreline_distinct_colours_size_key_and_labels_by_markers(ds):
    places = A.cases_by_place(ds)
    with P.style():
        fig, ax = plt.subplots(figsize=(9, 5.4))
        credit = P.gba_map(ax, places)
        fig.canvas.draw()
        assert credit.startswith("Shorelines: GSHHS")
        pad = 0.25
        bbox = (
            places["lon"].min() - pad,
            places["lon"].max() + pad,
            places["lat"].min() - pad,
            places["lat"].max() + pad,
        )
        assert len(ax.patches) == len(C.shores(bbox)) > 100  # one polygon per shoreline in view
        sizes = ax.get_legend()
        legends = [a for a in ax.get_children() if isinstance(a, matplotlib.legend.Legend)]
        assert len(legends) == 2
        kind_colors = [h.get_color() for h in legends[0].legend_handles]
        assert len(set(kind_colors)) == 3
        assert [t.get_text() for t in sizes.texts] == ["1 case", "2 cases", "3 cases"]
        labels = {a.get_text(): a for a in ax.texts if a.get_text()}
        assert set(labels) >= {"Qianhai (3)", "Hengqin (3)", "Hong Kong", "Macao"}
        # every label sits within a few points of its marker
        for a in ax.texts:
            dx, dy = a.get_position() if a.get_anncoords() == "offset points" else (0, 0)
            assert abs(dx) <= 15 and abs(dy) <= 15
        plt.close(fig)


def test_map_without_shorelines_still_draws(monkeypatch, ds):
    monkeypatch.setattr(C, "available", lambda resolution="h": False)
    with P.style():
        fig, ax = plt.subplots()
        assert P.gba_map(ax, A.cases_by_place(ds)) == ""
        assert len(ax.patches) == 0
        plt.close(fig)


def test_link_diagram_shows_full_titles_marks_descriptive_labels_and_arrows_join_boxes(ds):
    links = A.link_table(ds)
    with P.style():
        fig, ax = plt.subplots(figsize=(11, 8))
        cov = A.coverage_by_batch(ds)
        P.link_diagram(ax, links, ds.cases, coverage=cov)
        fig.canvas.draw()
        shown = sorted({int(b) for b in links["from_batch"]} | {int(b) for b in links["to_batch"]})
        c = cov.set_index("batch")
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            f"Batch {b}\n{c.loc[b, 'identified']} of {c.loc[b, 'n_cases']} identified" for b in shown
        ]
        boxes = {t.get_text().split("\n")[0]: t for t in ax.texts if t.get_text()}
        ids = set(links["from_case_id"]) | set(links["to_case_id"])
        assert set(boxes) == ids
        info = ds.cases.set_index("case_id")
        for cid, t in boxes.items():
            body = "".join(t.get_text().split("\n")[1:])
            title = info.loc[cid, "title_zh"]
            assert "…" not in body
            assert body.rstrip(P.DESCRIPTIVE_MARK) == title
            assert body.endswith(P.DESCRIPTIVE_MARK) == (info.loc[cid, "title_status"] != "official")
        arrows = [a for a in ax.get_children() if isinstance(a, matplotlib.text.Annotation) and a.arrow_patch]
        assert len(arrows) == len(links)
        # arrows are anchored on the boxes (edge to edge), never at the box centres
        assert all(a.xycoords in boxes.values() and a.anncoords in boxes.values() for a in arrows)
        plt.close(fig)


def test_stacked_shares_and_counts_show_batch_sizes(ds):
    cov = A.coverage_by_batch(ds)
    with P.style():
        fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        P.stacked_shares(axes[0], A.category_shares(ds), labels=gl.labels(ds.cases, "category", "both"))
        P.stacked_counts(axes[1], A.lead_level_by_batch(ds), "Lead level", coverage=cov)
        fig.canvas.draw()
        n_cat, n_batch = len(A.categories(ds)), len(A.batches(ds))
        assert len(axes[0].patches) == n_cat * n_batch
        announced = cov["n_cases"].tolist()
        assert [t.get_text() for t in axes[0].get_yticklabels()] == [
            f"Batch {b}\n{n} cases" for b, n in zip(cov["batch"], announced)
        ]
        assert [t.get_text() for t in axes[1].get_xticklabels()] == [
            f"Batch {b}\n{i} of {o} identified" for b, i, o in zip(cov["batch"], cov["identified"], cov["n_cases"])
        ]
        assert "Cross-border flow of factors / 要素跨境流动" in [t.get_text() for t in axes[0].get_legend().texts]
        legend = axes[1].get_legend()
        colors = {t.get_text(): tuple(h.get_facecolor()) for t, h in zip(legend.texts, legend.legend_handles)}
        known = [c for t, c in colors.items() if not t.startswith("(")]
        assert len(set(known)) == len(known)  # every known level its own colour
        assert colors[A.UNKNOWN] == matplotlib.colors.to_rgba(P.GREY)
        plt.close(fig)


def test_count_heatmap_cells_carry_denominators():
    table = pd.DataFrame({1: [1, 0], 2: [3, 2]}, index=["x", "y"])
    with P.style():
        fig, ax = plt.subplots()
        P.count_heatmap(ax, table, denominators=[7, 16], col_labels=["B1", "B2"])
        assert sorted(t.get_text() for t in ax.texts) == ["0/7", "1/7", "2/16", "3/16"]
        plt.close(fig)


@pytest.mark.slow  # draws a full figure
def test_indicator_panels_one_axis_per_unit(ds):
    dots = A.indicator_dots(ds)
    many = dots[dots["n_in_unit"] >= 3]
    with P.style():
        fig = plt.figure(figsize=(9, 12))
        axes = P.indicator_panels(fig, many)
        assert [a.get_title(loc="left") for a in axes] == list(dict.fromkeys(many["unit_label"]))
        for a in axes:
            assert a.get_xscale() == "linear"
        fig.canvas.draw()
        ticks = [t.get_text() for a in axes for t in a.get_xticklabels()]
        assert any("," in t for t in ticks)
        plt.close(fig)


def test_category_colors_are_stable_and_distinct():
    cats = ["factor_flow", "livelihood", "business_environment", "major_platforms"]
    assert P.category_colors(cats) == P.category_colors(cats)
    assert len(set(P.category_colors(cats).values())) == 4


# --- reproducible fonts ------------------------------------------------------------------------


def _impostor(tmp_path, family: str):
    """A font file that calls itself ``family`` but draws differently (DejaVu Serif renamed), as a
    system font of the same family name would be (Debian's fonts-noto-cjk, fonts-dejavu)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(cbook._get_data_path("fonts/ttf/DejaVuSerif.ttf")))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID == 6:
            record.string = family.replace(" ", "") + "-Regular"
    path = tmp_path / f"{family.replace(' ', '')}.ttf"
    font.save(str(path))
    return path


def _draw() -> bytes:
    import io

    with P.style():
        fig, ax = plt.subplots(figsize=(3, 1.2), dpi=80)
        ax.set_title("Cases 案例 · 港澳药械通")
        ax.set_xlabel("Batch 批次")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()


def test_figures_use_the_bundled_fonts_even_when_the_system_has_fonts_of_the_same_name(tmp_path, monkeypatch):
    from matplotlib import font_manager

    before = _draw()
    fm = font_manager.fontManager
    monkeypatch.setattr(fm, "ttflist", list(fm.ttflist))
    for family in ("Noto Sans CJK SC", "DejaVu Sans"):
        fm.addfont(str(_impostor(tmp_path, family)))
        fm.ttflist.insert(0, fm.ttflist.pop())  # found first, as a system font may be
    fm._findfont_cached.cache_clear()
    # the impostors win a lookup by family name ...
    for family in ("Noto Sans CJK SC", "DejaVu Sans"):
        assert font_manager.findfont(font_manager.FontProperties(family=family)).startswith(str(tmp_path))
    # ... but the figure is drawn with the bundled files, byte for byte as before
    with P.style():
        used = [font_manager.findfont(font_manager.FontProperties(family=f)) for f in plt.rcParams["font.family"]]
    assert used == [
        str(cbook._get_data_path("fonts/ttf/DejaVuSans.ttf")),
        str(P.cjk_font_path()),
    ]
    assert _draw() == before
    fm._findfont_cached.cache_clear()
