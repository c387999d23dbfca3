"""The demo's example needs: a board to look at after `make run`, loaded once."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from grappe.needs import services
from grappe.needs.demo import load_example_needs
from grappe.needs.models import Need

pytestmark = pytest.mark.django_db


def test_the_demo_holds_example_coalitions_and_loading_again_changes_nothing(demo):
    """`grappe demo` loads them after the directory's demo data (a registered extra)."""
    first = load_example_needs()
    assert first.ok, first.as_text()
    decidim = Need.objects.get(title__startswith="Module de réservation de salles pour Decidim")
    assert decidim.pledges.count() == 3
    assert decidim.answers.count() == 1
    assert decidim.organisation.slug == "cc-exemple-landes-armagnac"
    # A visitor sees the two public amounts, not the coalition's own one.
    assert services.pooled_budget(AnonymousUser(), decidim) == (Decimal("13000"), 1)

    again = load_example_needs()
    assert again.ok and again.counts[("needs", "unchanged")] == 2
    assert Need.objects.filter(title__contains="(exemple)").count() == 2
