"""Atom feeds of new and updated entries: all of them, or one kind, one département, one category.

The feeds read the search index, which already knows each entry's kind, département and
categories, its summary in both languages and when it last changed: a feed holds what the
search page shows for the same filter, newest first, in one query.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from grappe.directory.models import Category
from grappe.directory.places import DEPARTEMENTS, departement_label
from grappe.search.models import SearchDocument
from grappe.search.query import SearchParams
from grappe.web.searching import KIND_LABELS, search_url

FEED_KINDS = ("organisation", "software", "offering", "event")  # people have no feed
ITEMS = 50
KIND_TITLES = {
    "organisation": gettext_lazy("New and updated organisations"),
    "software": gettext_lazy("New and updated software"),
    "offering": gettext_lazy("New and updated offerings"),
    "event": gettext_lazy("New and updated events"),
}


@dataclass(frozen=True)
class FeedSelection:
    """Which entries a feed follows: all, or those of one kind, département or category."""

    kind: str = ""
    departement: str = ""
    category: Category | None = None

    @property
    def title(self) -> str:
        if self.kind:
            return str(KIND_TITLES[self.kind])
        if self.departement:
            return _("New and updated entries in %(departement)s") % {
                "departement": departement_label(self.departement)
            }
        if self.category is not None:
            return _("New and updated entries in the category %(category)s") % {
                "category": self.category.name
            }
        return _("New and updated entries")

    def search_query(self) -> dict[str, str]:
        """The search page's filter showing the same entries."""
        if self.kind:
            return {"kind": self.kind}
        if self.departement:
            return {"departement": self.departement}
        if self.category is not None:
            return {"category": self.category.slug}
        return {}

    @property
    def url(self) -> str:
        if self.kind:
            return reverse("web:kind_feed", kwargs={"kind": self.kind})
        if self.departement:
            return reverse("web:departement_feed", kwargs={"departement": self.departement})
        if self.category is not None:
            return reverse("web:category_feed", kwargs={"category": self.category.slug})
        return reverse("web:feed")


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str


# Reads ----------------------------------------------------------------------------------------


def feed_documents(selection: FeedSelection, limit: int = ITEMS) -> QuerySet[SearchDocument]:
    """The entries a feed shows, most recently changed first."""
    documents = SearchDocument.objects.filter(kind__in=FEED_KINDS)
    if selection.kind:
        documents = documents.filter(kind=selection.kind)
    if selection.departement:
        documents = documents.filter(
            facets__facet="departement", facets__value=selection.departement
        )
    if selection.category is not None:
        documents = documents.filter(
            facets__facet="category", facets__value=selection.category.slug
        )
    return documents.order_by("-updated_at", "id")[:limit]  # as the search's "newest" sort


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


# Links from the pages --------------------------------------------------------------------------


def search_feed_links(params: SearchParams) -> list[FeedLink]:
    """The feeds following the search page's filters: one per filter that has a feed."""
    selections = []
    if params.kind in FEED_KINDS:
        selections.append(FeedSelection(kind=params.kind))
    if params.departement in DEPARTEMENTS:
        selections.append(FeedSelection(departement=params.departement))
    if params.category and (found := category_by_slug(params.category)) is not None:
        selections.append(FeedSelection(category=found))
    return [FeedLink(_feed_title(selection), selection.url) for selection in selections]


def _feed_title(selection: FeedSelection) -> str:
    return f"{selection.title} · {settings.GRAPPE_CLUSTER_NAME}"


# The feed -------------------------------------------------------------------------------------


class EntriesFeed(Feed):
    """One Atom feed class for every selection; the URL's arguments choose the selection."""

    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, kind: str = "", departement: str = "", category: str = ""
    ) -> FeedSelection:
        if kind and kind not in FEED_KINDS:
            raise Http404("No feed for this kind of entry.")
        if departement and departement not in DEPARTEMENTS:
            raise Http404("No such département.")
        found = None
        if category:
            found = category_by_slug(category)
            if found is None:
                raise Http404("No such category.")
        return FeedSelection(kind=kind, departement=departement, category=found)

    def title(self, selection: FeedSelection) -> str:
        return _feed_title(selection)

    def subtitle(self, selection: FeedSelection) -> str:
        return _("The %(count)s entries of the index changed last, newest first.") % {
            "count": ITEMS
        }

    def link(self, selection: FeedSelection) -> str:
        return search_url(selection.search_query())

    def feed_url(self, selection: FeedSelection) -> str:
        return selection.url

    def items(self, selection: FeedSelection) -> list[SearchDocument]:
        return list(feed_documents(selection))

    def item_title(self, document: SearchDocument) -> str:
        return document.name

    def item_description(self, document: SearchDocument) -> str:
        """The entry's summary in the feed's language, as HTML (Atom's summary type="html")."""
        if (get_language() or "fr")[:2] == "en":
            summary = document.summary_en or document.summary_fr
        else:
            summary = document.summary_fr or document.summary_en
        return linebreaks(escape(summary))

    def item_link(self, document: SearchDocument) -> str:
        return reverse(f"web:{document.kind}", kwargs={"slug": document.slug})

    def item_updateddate(self, document: SearchDocument) -> datetime | None:
        return document.updated_at

    def item_categories(self, document: SearchDocument) -> list[str]:
        categories = [str(KIND_LABELS.get(document.kind, document.kind))]
        if document.is_example:
            categories.append(_("Example"))
        return categories
