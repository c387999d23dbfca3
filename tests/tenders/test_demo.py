"""`grappe demo` also stores example calls for tenders, once."""

import pytest
from django.core.management import call_command

from grappe.tenders.models import Tender

pytestmark = pytest.mark.django_db


def test_the_demo_brings_example_tenders_once(capsys):
    call_command("demo")
    first = Tender.objects.count()
    call_command("demo")

    assert first == 3 == Tender.objects.count()
    assert "calls for tenders: 0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    lot = Tender.objects.get(source_name="01-nextcloud-hds-hopital.txt").lots.get(lot_id="1")
    assert lot.requirements.filter(kind="certification", scheme__slug="hds").exists()
