"""What a validation problem looks like, and the exception that carries them all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data.

    ``line`` is the physical line in the CSV file (header = 1); 0 with ``field`` "-" marks a
    file- or table-level problem.
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class DataValidationError(ValueError):
    """Raised by the loaders when the data breaks its schema or a cross-table rule.

    ``problems`` lists every problem found, in file order.
    """

    def __init__(self, problems: list[Problem], data_dir: str = ""):
        self.problems = list(problems)
        self.data_dir = data_dir
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data" + (f" at {data_dir}" if data_dir else "")
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))
