"""What an import did, row by row: the same report on the terminal and, later, on upload pages."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rejection:
    location: str  # where in the input: "organisations[3].offerings[0]" or "line 12"
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something imported with a caveat: a field dropped, or kept only as written."""

    location: str
    message: str


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (model label, outcome) -> number
    rejections: list[Rejection] = field(default_factory=list)
    committed: bool = False
    warnings: list[Notice] = field(default_factory=list)

    OUTCOMES = ("created", "updated", "unchanged")

    def count(self, label: str, outcome: str) -> None:
        self.counts[(label, outcome)] += 1

    def reject(self, location: str, reason: str) -> None:
        self.rejections.append(Rejection(location, reason))

    def warn(self, location: str, message: str) -> None:
        """Imported, but not entirely: the curator should look (never blocks the import)."""
        self.warnings.append(Notice(location, message))

    def total(self, outcome: str) -> int:
        return sum(n for (_label, o), n in self.counts.items() if o == outcome)

    @property
    def ok(self) -> bool:
        return not self.rejections

    def as_text(self) -> str:
        lines = [f"Import of {self.source}" + (" (dry run: nothing saved)" if self.dry_run else "")]
        labels = sorted({label for label, _outcome in self.counts})
        for label in labels:
            parts = ", ".join(f"{self.counts[(label, o)]} {o}" for o in self.OUTCOMES)
            lines.append(f"  {label}: {parts}")
        lines.append(
            "  total: "
            + ", ".join(f"{self.total(o)} {o}" for o in self.OUTCOMES)
            + f", {len(self.rejections)} rejected"
            + self._warnings_total()
        )
        for rejection in self.rejections:
            lines.append(f"  rejected {rejection.location}: {rejection.reason}")
        for notice in self.warnings:
            lines.append(f"  warning {notice.location}: {notice.message}")
        if self.rejections and not self.committed and not self.dry_run:
            lines.append("  Nothing was saved: fix the rejected entries, or use --partial.")
        return "\n".join(lines)

    def _warnings_total(self) -> str:
        """The total line's warning count; nothing for importers that never warn."""
        number = len(self.warnings)
        return f", {number} warning{'' if number == 1 else 's'}" if number else ""
