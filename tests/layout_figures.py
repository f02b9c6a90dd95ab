"""The figures of the notebooks that carry one label per batch, drawn as the notebooks draw them
(same functions, sizes and labels), for the layout tests at any number of batches."""

import matplotlib.pyplot as plt

from gbaresearch import analysis as A
from gbaresearch.dataset import labels as gl
from gbaresearch.publish import plotting as P


def coverage_bars(ds):  # notebook 01
    cov = A.coverage_by_batch(ds)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    x = list(range(len(cov)))
    ax.bar(x, cov["n_cases"], width=0.6, color=P.GREY, label="Announced, not identified")
    ax.bar(x, cov["identified"], width=0.6, color=P.PALETTE[0], label="Identified in this dataset")
    for i, (o, n) in enumerate(zip(cov["n_cases"], cov["identified"])):
        ax.text(i, o + 0.3, f"{n} of {o} identified", ha="center", va="bottom", fontsize=9.5)
    ax.set_xticks(x, [f"Batch {b}\nannounced {d:%Y-%m-%d}" for b, d in zip(cov["batch"], cov["announced"])])
    P.integer_axis(ax.yaxis)
    ax.set_ylim(0, cov["n_cases"].max() * 1.2)
    ax.set_ylabel("Cases")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("How many announced cases can be named from public sources")
    P.caption(fig, ds.version)
    return fig


def category_mix(ds):  # notebook 02
    fig, ax = plt.subplots(figsize=(8, 3.8))
    P.stacked_shares(ax, A.category_shares(ds), labels=gl.labels(ds.cases, "category", "both"))
    ax.set_title("Official category mix of each batch")
    P.caption(fig, ds.version, "Official counts: every announced case is included.")
    return fig


def domain_heatmap(ds):  # notebook 03
    counts = A.domains_by_batch(ds)
    cov = A.coverage_by_batch(ds).set_index("batch")
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    P.count_heatmap(
        ax,
        counts,
        row_labels=gl.labels(ds.vocab_domains, "domain", "both"),
        col_labels=[
            P.batch_label(b, int(cov.loc[b, "identified"]), int(cov.loc[b, "n_cases"])) for b in counts.columns
        ],
        denominators=[int(cov.loc[b, "identified"]) for b in counts.columns],
    )
    fig.colorbar(ax.images[0], ax=ax, shrink=0.6, pad=0.02, label="Share")
    ax.set_title("Identified cases coded with each domain, by batch", pad=48)
    fig.tight_layout()
    P.caption(fig, ds.version, "Cells: cases with the domain / identified cases. Project coding.")
    return fig


def _humane(ds, table):
    names = {v: en for v, (en, zh) in gl.label_pairs(ds.cases, table.index.name).items()}
    return {r: names.get(r, r).replace("_", " ").title() if not str(r).startswith("(") else r for r in table.index}


def leads(ds):  # notebook 04
    cov = A.coverage_by_batch(ds)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    lead_tab, cp_tab = A.lead_level_by_batch(ds), A.counterpart_by_batch(ds)
    P.stacked_counts(axes[0], lead_tab, "Lead level", labels=_humane(ds, lead_tab), coverage=cov)
    P.stacked_counts(axes[1], cp_tab, "Counterpart", labels=_humane(ds, cp_tab), coverage=cov)
    axes[0].set_ylabel("Identified cases")
    fig.tight_layout()
    P.caption(fig, ds.version, "Bars count identified cases only; grey: not known from the sources.")
    return fig


def mechanism_heatmap(ds):  # notebook 05
    mech = A.mechanisms_by_batch(ds)
    cov = A.coverage_by_batch(ds).set_index("batch")
    coded = A.coded_per_batch(ds)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    P.count_heatmap(
        ax,
        mech.drop(index=A.NOT_CODED),
        row_labels=gl.labels(ds.vocab_mechanisms, "mechanism", "both"),
        cmap="Greens",
        col_labels=[
            f"Batch {b}\n{int(coded[b])} coded of\n{int(cov.loc[b, 'n_cases'])} announced" for b in mech.columns
        ],
        denominators=[int(coded[b]) for b in mech.columns],
    )
    fig.colorbar(ax.images[0], ax=ax, shrink=0.6, pad=0.02, label="Share")
    ax.set_title("Coded cases using each mechanism, by batch", pad=52)
    fig.tight_layout()
    P.caption(fig, ds.version, "Cells: cases using the mechanism / coded cases. Project coding.")
    return fig


def link_columns(ds):  # notebook 06
    links = A.link_table(ds)
    n_rows = int(links.groupby("from_batch").size().max() if len(links) else 1)
    fig, ax = plt.subplots(figsize=(11, 1.6 + 1.25 * max(n_rows, len(set(links["to_case_id"])))))
    P.link_diagram(ax, links, ds.cases, coverage=A.coverage_by_batch(ds))
    ax.set_title("Cases that build on earlier ones", pad=28)
    P.caption(fig, ds.version, "Links are project coding.")
    return fig


FIGURES = [coverage_bars, category_mix, domain_heatmap, leads, mechanism_heatmap, link_columns]
