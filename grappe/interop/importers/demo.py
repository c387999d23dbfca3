"""The demo data shipped with Grappe (grappe/interop/demo/)."""

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from grappe.geo.gazetteer import store_epcis
from grappe.geo.models import Epci
from grappe.interop.formats.epci import parse as parse_epci
from grappe.interop.importers.common import count_stored
from grappe.interop.importers.grappe_yaml import read_grappe_yaml
from grappe.interop.importers.places import load_communes
from grappe.interop.loaders import load_directory
from grappe.interop.report import ImportReport

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
# Demo data of the rooms above this one (calls for tenders...), loaded by `grappe demo` after
# the directory: each takes dry_run and returns its report. Registered in their AppConfig.ready.
DEMO_EXTRAS: list[Callable[[bool], ImportReport]] = []


def register_demo_extra(load: Callable[[bool], ImportReport]) -> None:
    if load not in DEMO_EXTRAS:
        DEMO_EXTRAS.append(load)


def load_demo(*, dry_run: bool = False) -> ImportReport:
    """The demo data shipped with Grappe, with the communes and intercommunalities its entries
    need (extracts of the official files), loaded first so that saving each organisation
    places it; loading it twice changes nothing."""
    with transaction.atomic():
        places = ImportReport(source="demo places", dry_run=dry_run)
        load_communes(
            (DEMO_DIR / "communes.csv").read_bytes(), "communes.csv", places, dry_run=False
        )
        epcis = parse_epci((DEMO_DIR / "epci.json").read_bytes(), source="epci.json")
        stored = store_epcis(epcis.epcis)
        paths = sorted(DEMO_DIR.glob("*.yaml"))
        report = load_directory(
            read_grappe_yaml(paths), source="demo data", dry_run=dry_run, comment="Demo data"
        )
        for key, number in places.counts.items():
            report.counts[key] += number
        count_stored(report, Epci, stored.epcis)
        report.rejections += places.rejections
        for location, reason in epcis.errors:
            report.reject(location, reason)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            report.committed = False
    return report
