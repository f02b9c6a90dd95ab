"""Output directories that are never destroyed: the names of :mod:`gbaresearch.publish.outputdir`."""

from ...dataset.atomic import copy as atomic_copy
from ...dataset.atomic import write_bytes as atomic_write_bytes
from ..outputdir import KEEP, MANIFEST, OutputDirError, check, files_under, install, read_manifest

__all__ = [
    "KEEP",
    "MANIFEST",
    "OutputDirError",
    "atomic_copy",
    "atomic_write_bytes",
    "check",
    "files_under",
    "install",
    "read_manifest",
]
