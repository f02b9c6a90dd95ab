"""Stage 3, publish: figures (``plotting``, ``policy_plots``, ``coastline``), downloads
(``exports``), the field reference (``codebook``), the citation (``cite``), the README's data
facts (``readme``), the notebooks and their runner (``notebooks``, ``lab``, ``buildcache``) and
the website (``report``, ``site``), writing only into output folders (``outputdir``).

Modules here may import from :mod:`gbaresearch.dataset` and :mod:`gbaresearch.analysis`,
never the other way round.
"""
