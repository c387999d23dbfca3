"""What a pull did: counts by outcome, the entries worth a curator's look, and what failed."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

OUTCOMES = {
    "created": pgettext_lazy("pull outcome", "created"),
    "updated": pgettext_lazy("pull outcome", "updated"),
    "unchanged": pgettext_lazy("pull outcome", "unchanged"),
    "deleted": pgettext_lazy("pull outcome", "deleted"),
    "kept": pgettext_lazy("pull outcome", "kept local edits"),
    "linked": pgettext_lazy("pull outcome", "linked to local entries"),
    "renamed": pgettext_lazy("pull outcome", "imported under another slug"),
}


@dataclass
class PullReport:
    peer: str
    url: str
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # renamed, linked, kept: for the curators
    errors: list[str] = field(default_factory=list)  # entries not applied, and why
    failure: str = ""  # the peer could not be read: the pull stopped there
    pages: int = 0

    def count(self, outcome: str, note: str = "") -> None:
        self.counts[outcome] += 1
        if note:
            self.notes.append(note)

    def error(self, message: str) -> None:
        self.errors.append(message)

    @property
    def ok(self) -> bool:
        return not self.failure and not self.errors

    def summary(self) -> str:
        parts = [f"{self.counts[key]} {label}" for key, label in OUTCOMES.items()]
        parts.append(_("%(number)s errors") % {"number": len(self.errors)})
        return ", ".join(parts)

    def as_text(self) -> str:
        lines = [
            _("Pull from %(peer)s (%(url)s): %(pages)s page(s) applied")
            % {"peer": self.peer, "url": self.url, "pages": self.pages},
            "  " + self.summary(),
        ]
        lines += [f"  {note}" for note in self.notes]
        lines += ["  " + _("error: %(message)s") % {"message": m} for m in self.errors]
        if self.failure:
            lines.append("  " + _("failed: %(reason)s") % {"reason": self.failure})
            lines.append(
                "  " + _("Pages already applied are kept; the next pull resumes after them.")
            )
        return "\n".join(lines)
