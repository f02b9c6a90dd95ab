"""Plot style and the CJK font, with its English fallback."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import gbaresearch as gba  # noqa: E402
from gbaresearch import analysis as A  # noqa: E402
from gbaresearch import plotting as P


def test_cjk_font_is_installed_by_pip_and_renders_chinese():
    path = P.cjk_font_path()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf" and "site-packages" in str(path)
    text, font = P.zh_or_en("港澳药械通", "Medicine and Device Connect")
    assert text == "港澳药械通" and font is not None
    from matplotlib.ft2font import FT2Font

    ft = FT2Font(str(path))
    assert all(ft.get_char_index(ord(ch)) for ch in "粤港澳大湾区规则衔接")


def test_fallback_to_english_without_the_font(monkeypatch):
    P.cjk_font.cache_clear()
    P.cjk_font_path.cache_clear()
    monkeypatch.setattr(P.importlib.util, "find_spec", lambda name: None)
    try:
        assert P.cjk_font_path() is None and not P.has_cjk()
        assert P.zh_or_en("港澳药械通", "Medicine and Device Connect") == ("Medicine and Device Connect", None)
        fig, ax = plt.subplots()
        P.link_diagram(ax, A.link_table(gba.load_dataset()), gba.load_cases())
        labels = [t.get_text() for t in ax.texts]
        assert labels and all(not any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in labels)
        plt.close(fig)
    finally:
        P.cjk_font.cache_clear()
        P.cjk_font_path.cache_clear()


def test_style_and_figure_helpers_draw_without_warnings(recwarn):
    ds = gba.load_dataset()
    P.use_style()
    assert plt.rcParams["axes.titlelocation"] == "left"
    fig, axes = plt.subplots(1, 4, figsize=(16, 4))
    P.stacked_shares(axes[0], A.category_shares(ds))
    P.stacked_counts(axes[1], A.lead_level_by_batch(ds), "Lead level")
    P.gba_map(axes[2], A.cases_by_place(ds), label_zh=True)
    P.link_diagram(axes[3], A.link_table(ds), ds.cases)
    P.caption(fig, ds.version)
    assert len(axes[0].patches) == 12  # 4 categories x 3 batches
    assert {t.get_text() for t in axes[2].texts} >= {"前海 (3)", "横琴 (3)", "香港"}
    assert any(t.get_text().startswith("B2-13 中山率先落地") for t in axes[3].texts)
    fig.canvas.draw()
    plt.close(fig)
    assert not [w for w in recwarn.list if "Glyph" in str(w.message)]


def test_category_colors_are_stable():
    cats = ["factor_flow", "livelihood", "business_environment", "major_platforms"]
    assert P.category_colors(cats) == P.category_colors(cats)
    assert len(set(P.category_colors(cats).values())) == 4
