"""Relevance on real data: the SILL imported over the demo data, as a cluster would run it.

Floors are set a little under what the engine reaches (see docs/benchmarks.md), so a change
that makes search worse fails here.
"""

import pytest
from django.db import connection, transaction

from grappe.interop.importers import SillImporter, load_demo
from grappe.search.backends import get_backend
from grappe.search.indexing import reindex_all
from grappe.search.query import SearchParams
from grappe.search.service import search
from tests.conftest import shared_data
from tests.search.relevance import QUERIES, evaluate

# (recall@5, MRR) floors per engine, a little under what each reaches (docs/benchmarks.md).
FLOORS = {"sqlite": (0.88, 0.86), "postgresql": (0.86, 0.80)}


@pytest.fixture(scope="module")
def sill_index(django_db_setup, django_db_blocker):
    sill = shared_data("sill/sill.json")
    with django_db_blocker.unblock(), transaction.atomic():
        get_backend().forget_vocabulary()
        assert load_demo().ok
        assert SillImporter().run(sill).ok
        reindex_all()
        yield
        transaction.set_rollback(True)
    get_backend().forget_vocabulary()


def software_names(query: str) -> list[str]:
    results = search(SearchParams(q=query, kind="software", page_size=5))
    return [hit.name for hit in results.hits]


def test_there_are_enough_labelled_queries():
    assert len(QUERIES) >= 30


@pytest.mark.django_db
def test_relevance_on_the_sill(sill_index):
    figures = evaluate(software_names)
    recall_floor, mrr_floor = FLOORS[connection.vendor]
    assert figures["recall_at_5"] >= recall_floor, figures
    assert figures["mrr"] >= mrr_floor, figures
