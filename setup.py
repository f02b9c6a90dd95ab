"""Build hook: put the dataset (``data/``) and ``CITATION.cff`` inside the wheel as package data.

``data/`` stays at the top of the repository, where contributors edit it; a built wheel carries
a copy at ``gbaresearch/data`` and ``gbaresearch/CITATION.cff``, which ``gbaresearch.paths``
reads through ``importlib.resources`` when the package is not run from a checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_SUFFIXES = {".csv", ".json", ".md"}


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
        shutil.copyfile(HERE / "CITATION.cff", target / "CITATION.cff")


setup(cmdclass={"build_py": build_py_with_data})
