"""Stage 1, read and check: find the data directory, open files without leaving it, check the
descriptor (``schema``), every file (``fieldcheck``) and the rules across tables (``rules``,
``policy_rules``), load typed tables with their labels (``load``, ``labels``), and change the
data in one checked step (``extend``, ``announce``, ``template``, ``release``).

Modules here import nothing from :mod:`gbaresearch.analysis` or :mod:`gbaresearch.publish`.
"""
