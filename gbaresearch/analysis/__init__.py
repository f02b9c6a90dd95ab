"""The analyses the notebooks share, by question. Every function takes a
:class:`~gbaresearch.dataset.load.Dataset` (``load_dataset()``) and returns a plain DataFrame (or a
number) whose columns are listed in its docstring; nothing hard-codes batches, categories or
vocabularies, so a new batch flows through unchanged.

The questions live in their own modules, and this package gathers their functions so that
``from gbaresearch import analysis as A`` reaches them all:

- :mod:`~gbaresearch.analysis.overview`: batches, categories, tables, identified cases;
- :mod:`~gbaresearch.analysis.coverage`: identified and coded shares of the announced cases;
- :mod:`~gbaresearch.analysis.composition`: whether the mix of categories moved;
- :mod:`~gbaresearch.analysis.domains`: policy domains and when each first appears;
- :mod:`~gbaresearch.analysis.leads`: lead levels, counterparts and places;
- :mod:`~gbaresearch.analysis.mechanisms`: mechanisms, their direction and links;
- :mod:`~gbaresearch.analysis.timing`: partial dates and time to selection;
- :mod:`~gbaresearch.analysis.indicators`: reported outcome figures;
- :mod:`~gbaresearch.analysis.sources`: sources, provenance and corrections.
"""

from .composition import (
    category_shares,
    composition_table,
    composition_test,
    detectable_effect,
    effect_size,
    share_shift,
)
from .coverage import (
    bounds_display,
    coverage_bounds,
    coverage_by_batch,
    coverage_by_category,
    coverage_robust,
    share_bounds,
    uncategorised_by_batch,
    unidentified_before,
)
from .domains import domain_first_appearance, domains_by_batch, first_appearance_table, new_fields_check
from .indicators import bound_marks, format_value, indicator_dots, indicator_table, indicator_units, series, unit_words
from .leads import (
    LEAD_BASES,
    both_sars,
    cases_by_place,
    count_of,
    counterpart_by_batch,
    counterpart_inferred,
    counterpart_places,
    lead_basis_table,
    lead_level_by_batch,
    platform_levels,
)
from .mechanisms import (
    direction_name,
    directions,
    link_table,
    mechanism_direction,
    mechanism_direction_bounds,
    mechanism_direction_by_batch,
    mechanism_shares,
    mechanisms_by_batch,
)
from .overview import (
    NOT_CODED,
    NOT_STATED,
    UNKNOWN,
    as_int,
    batches,
    categories,
    coded_per_batch,
    identified_cases,
    md_escape,
    of,
    table_overview,
)
from .sources import case_provenance, corrections_table, facts_resting_on, sole_source_facts, source_profile
from .timing import date_precision, partial_date_start, time_to_selection, undated_cases

__all__ = [
    "NOT_CODED",
    "UNKNOWN",
    "NOT_STATED",
    "categories",
    "batches",
    "table_overview",
    "md_escape",
    "of",
    "as_int",
    "identified_cases",
    "coded_per_batch",
    "coverage_by_batch",
    "coverage_by_category",
    "uncategorised_by_batch",
    "share_bounds",
    "coverage_robust",
    "unidentified_before",
    "coverage_bounds",
    "bounds_display",
    "category_shares",
    "composition_table",
    "composition_test",
    "share_shift",
    "detectable_effect",
    "effect_size",
    "domains_by_batch",
    "domain_first_appearance",
    "new_fields_check",
    "first_appearance_table",
    "lead_level_by_batch",
    "counterpart_by_batch",
    "counterpart_inferred",
    "cases_by_place",
    "platform_levels",
    "LEAD_BASES",
    "both_sars",
    "count_of",
    "counterpart_places",
    "lead_basis_table",
    "mechanisms_by_batch",
    "mechanism_shares",
    "link_table",
    "directions",
    "direction_name",
    "mechanism_direction",
    "mechanism_direction_by_batch",
    "mechanism_direction_bounds",
    "partial_date_start",
    "date_precision",
    "time_to_selection",
    "undated_cases",
    "bound_marks",
    "unit_words",
    "format_value",
    "indicator_table",
    "indicator_units",
    "series",
    "indicator_dots",
    "source_profile",
    "case_provenance",
    "corrections_table",
    "facts_resting_on",
    "sole_source_facts",
]
