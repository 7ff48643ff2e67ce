"""A problem found in a package: the file, the line and the reason, printed as `file:line: reason`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # inside the package: "msel.yaml", "evidence/statement.csv"; "" for the package as a whole
    line: int  # 1-based; 0 when the problem is not on a line (a missing file, an archive entry)
    reason: str

    def located(self, prefix: str = "") -> str:
        """`prefix/file:line: reason`, prefix being the folder or zip the package came from."""
        where = "/".join(part for part in (prefix.rstrip("/"), self.file) if part) or "."
        return f"{where}:{self.line}: {self.reason}"

    def __str__(self) -> str:
        return self.located()


class PackageRefused(ValueError):
    """The package as a whole is refused; `problems` names every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("; ".join(map(str, self.problems)))
