"""The reader's site: MyST page sources generated from the dataset, the Sphinx configuration
(``conf.py``) and static assets (``_static/``) used by :mod:`gbaresearch.publish.report`.

Importing this package imports neither Sphinx nor the dataset."""
