"""Build hook: put the dataset (``data/``), the notebooks, the example announcement
(``docs/examples/*.yaml``), ``CITATION.cff`` and the licence texts inside the wheel as package data.

``data/`` and ``notebooks/`` stay at the top of the repository, where contributors edit them; a
built wheel carries copies at ``gbaresearch/data`` and ``gbaresearch/notebooks`` (the numbered
notebooks), which ``gbaresearch.dataset.paths`` reads through ``importlib.resources`` when the package
is not run from a checkout.
"""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_SUFFIXES = {".csv", ".json", ".md"}
NOTEBOOK_NAME = re.compile(r"^[0-9]{2}-[\w-]+\.ipynb$")  # the same as gbaresearch.publish.notebooks.NOTEBOOK_NAME
TOP_FILES = ("CITATION.cff", "LICENSE", "LICENSE-DATA")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the repository's data/ directly
        target = Path(self.build_lib) / "gbaresearch"
        data = target / "data"
        data.mkdir(parents=True, exist_ok=True)
        for path in sorted((HERE / "data").iterdir()):
            if path.is_file() and path.suffix in DATA_SUFFIXES:
                shutil.copyfile(path, data / path.name)
        notebooks = target / "notebooks"
        notebooks.mkdir(parents=True, exist_ok=True)
        for path in sorted((HERE / "notebooks").iterdir()):
            if path.is_file() and NOTEBOOK_NAME.match(path.name):
                shutil.copyfile(path, notebooks / path.name)
        examples = target / "examples"
        examples.mkdir(parents=True, exist_ok=True)
        for path in sorted((HERE / "docs" / "examples").iterdir()):
            if path.is_file() and path.suffix == ".yaml":
                shutil.copyfile(path, examples / path.name)
        for name in TOP_FILES:
            shutil.copyfile(HERE / name, target / name)


setup(cmdclass={"build_py": build_py_with_data})
