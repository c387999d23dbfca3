"""What federation remembers: the peers it pulls, where each pulled entry came from, the
deletions it publishes, and the changes of an entry its own `updated_at` does not see."""

from urllib.parse import urlsplit

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from grappe.federation.kinds import Kind


class Peer(models.Model):
    """Another Grappe instance whose feed this one pulls."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=40,
        unique=True,
        help_text=_("Put before a pulled entry's slug when a local entry already has it."),
    )
    base_url = models.URLField(_("base URL"), max_length=300, unique=True)
    cursor = models.CharField(
        _("cursor"), max_length=500, blank=True, help_text=_("Where the next pull resumes.")
    )
    pending = models.JSONField(
        _("waiting items"),
        default=list,
        blank=True,
        help_text=_("Pulled items that refer to entries not pulled yet; retried on each pull."),
    )
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("peer")
        verbose_name_plural = _("peers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def feed_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/federation/feed"

    @classmethod
    def free_slug(cls, name: str, url: str) -> str:
        """A short slug for a new peer, from its name or else its host, unique among peers."""
        base = (slugify(name) or slugify(urlsplit(url).hostname or "") or "peer")[:30]
        slug, counter = base, 2
        while cls.objects.filter(slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


class Provenance(models.Model):
    """A local entry that came from a peer's feed, or that a peer's entry was recognised as.

    `local_updated_at` is the entry's change time right after the pull wrote it: when the entry
    has changed since, it was edited here, and pulls leave it alone.
    """

    peer = models.ForeignKey(
        Peer, verbose_name=_("peer"), on_delete=models.CASCADE, related_name="provenances"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    remote_slug = models.SlugField(_("slug at the peer"), max_length=120)
    entry_id = models.BigIntegerField(
        _("local entry"), null=True, blank=True, help_text=_("Empty once deleted here.")
    )
    linked = models.BooleanField(
        _("local entry recognised"),
        default=False,
        help_text=_(
            "The peer's entry is one that existed here already (same SIREN, website, Wikidata "
            "id...): it is linked, never overwritten."
        ),
    )
    matched_by = models.CharField(_("recognised by"), max_length=40, blank=True)
    remote_updated_at = models.DateTimeField(_("changed at the peer"))
    complete = models.BooleanField(
        _("complete"),
        default=True,
        help_text=_("False while the entry waits for entries it refers to, not pulled yet."),
    )
    local_updated_at = models.DateTimeField(_("changed here when pulled"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("pulled"), auto_now=True)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        ordering = ["peer", "kind", "remote_slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "kind", "remote_slug"], name="one_provenance_per_remote_entry"
            )
        ]
        indexes = [models.Index(fields=["kind", "entry_id"])]

    def __str__(self) -> str:
        return f"{self.peer} {self.kind} {self.remote_slug}"


class Tombstone(models.Model):
    """A local entry deleted (or whose slug changed): the feed tells the peers to drop it."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=120)
    deleted_at = models.DateTimeField(_("deleted"), auto_now_add=True)

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["deleted_at", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}"


class Touch(models.Model):
    """The last change of an entry that its `updated_at` misses: an organisation's nested lists
    (a certification added, an offering deleted) or a many-to-many relation set."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    entry_id = models.BigIntegerField(_("entry"))
    touched_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        constraints = [
            models.UniqueConstraint(fields=["kind", "entry_id"], name="one_touch_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.entry_id}"
