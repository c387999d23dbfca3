"""Atom feeds of new needs: all of them, or those of one software, one category, one département.

What a feed reader is shown is what a visitor sees: amounts only where their pledges made them
public, organisations only by the names they chose to show. Newest needs first; merged needs
lead to another one and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.directory.models import Category, Software
from grappe.directory.places import DEPARTEMENTS, departement_label
from grappe.needs import services
from grappe.needs.models import Need, NeedStatus, Pledge
from grappe.web.markdown import render_markdown
from grappe.web.templatetags.grappe_web import euros

ITEMS = 50


@dataclass(frozen=True)
class NeedsSelection:
    """Which needs a feed follows: all, or those of one software, category or département."""

    software: Software | None = None
    category: Category | None = None
    departement: str = ""

    @property
    def title(self) -> str:
        if self.software is not None:
            return _("Needs for %(name)s") % {"name": self.software.name}
        if self.category is not None:
            return _("Needs in the category %(name)s") % {"name": self.category.name}
        if self.departement:
            return _("Needs in %(departement)s") % {
                "departement": departement_label(self.departement)
            }
        return _("Needs of the cluster")

    @property
    def url(self) -> str:
        if self.software is not None:
            return reverse("web:needs_software_feed", kwargs={"software": self.software.slug})
        if self.category is not None:
            return reverse("web:needs_category_feed", kwargs={"category": self.category.slug})
        if self.departement:
            return reverse("web:needs_departement_feed", kwargs={"departement": self.departement})
        return reverse("web:needs_feed")

    @property
    def board_url(self) -> str:
        """The board showing the same needs."""
        from grappe.web.needs import board_url

        if self.software is not None:
            return board_url({"software": self.software.slug})
        if self.category is not None:
            return board_url({"category": self.category.slug})
        return board_url({"departement": self.departement})


def selected_needs(selection: NeedsSelection, limit: int = ITEMS) -> QuerySet[Need]:
    needs = (
        Need.objects.exclude(status=NeedStatus.MERGED)
        .select_related("software", "organisation")
        .prefetch_related(
            Prefetch("pledges", queryset=Pledge.objects.select_related("organisation"))
        )
    )
    if selection.software is not None:
        needs = needs.filter(software=selection.software)
    if selection.category is not None:
        needs = needs.filter(category=selection.category)
    if selection.departement:
        needs = needs.filter(departement=selection.departement)
    return needs.order_by("-created_at", "-id")[:limit]


class NeedsFeed(Feed):
    """One Atom feed class for every selection; the URL's arguments choose it."""

    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, software: str = "", category: str = "", departement: str = ""
    ) -> NeedsSelection:
        found_software = found_category = None
        if software:
            found_software = Software.objects.filter(slug=software).first()
            if found_software is None:
                raise Http404("No such software.")
        if category:
            found_category = Category.objects.filter(slug=category).first()
            if found_category is None:
                raise Http404("No such category.")
        if departement and departement not in DEPARTEMENTS:
            raise Http404("No such département.")
        return NeedsSelection(found_software, found_category, departement)

    def title(self, selection: NeedsSelection) -> str:
        return f"{selection.title} · {settings.GRAPPE_CLUSTER_NAME}"

    def subtitle(self, selection: NeedsSelection) -> str:
        return _(
            "The %(count)s newest needs: what organisations need built, kept, hosted or taught, "
            "and may fund together."
        ) % {"count": ITEMS}

    def link(self, selection: NeedsSelection) -> str:
        if selection == NeedsSelection():
            return reverse("web:needs")
        return selection.board_url

    def feed_url(self, selection: NeedsSelection) -> str:
        return selection.url

    def items(self, selection: NeedsSelection) -> list[Need]:
        return list(selected_needs(selection))

    def item_title(self, need: Need) -> str:
        return need.title

    def item_description(self, need: Need) -> str:
        """The status, what is pooled as a visitor sees it, then the description (HTML)."""
        budget, hidden = services.pooled_budget(AnonymousUser(), need)
        facts = [str(need.get_kind_display()), str(need.get_status_display())]
        if need.software is not None:
            facts.append(need.software.name)
        if need.departement:
            facts.append(departement_label(need.departement))
        if budget:
            facts.append(_("%(amount)s pooled") % {"amount": euros(budget)})
        if hidden:
            facts.append(
                ngettext(
                    "and %(count)s undisclosed pledge", "and %(count)s undisclosed pledges", hidden
                )
                % {"count": hidden}
            )
        if need.deadline:
            facts.append(_("needed by %(date)s") % {"date": need.deadline.isoformat()})
        return f"<p>{escape(' · '.join(facts))}</p>\n{render_markdown(need.description)}"

    def item_link(self, need: Need) -> str:
        return need.get_absolute_url()

    def item_pubdate(self, need: Need) -> datetime:
        return need.created_at

    def item_updateddate(self, need: Need) -> datetime:
        return need.last_activity_at

    def item_categories(self, need: Need) -> list[str]:
        return [str(need.get_kind_display()), str(need.get_status_display())]
