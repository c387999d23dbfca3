"""Loading the directory YAML: idempotent, all-or-nothing, every rejection located and explained."""

import pytest
from reversion.models import Version

from grappe.directory import models as m
from grappe.interop.exporters import GrappeYamlExporter
from grappe.interop.formats.grappe_yaml import parse
from grappe.interop.loaders import load_directory

pytestmark = pytest.mark.django_db

DOCUMENT = b"""
categories:
  - {slug: visio, name_fr: Visioconference, name_en: Video conferencing}
certification_schemes:
  - {slug: hds, name: HDS}
software:
  - {slug: bbb, name: BigBlueButton, licence_raw: LGPL-3.0, categories: [visio], similar: [jitsi]}
  - {slug: jitsi, name: Jitsi Meet, licence_raw: Apache 2.0, alternative_to: [Zoom]}
organisations:
  - slug: hebergeur
    kind: hosting
    name: Hebergeur exemple
    postcode: '33000'
    latitude: 44.837789
    longitude: -0.57918
    is_example: true
    offerings:
      - {slug: hebergeur-bbb, kind: hosting, title: BBB, hosting_kind: saas, software: [bbb],
         cpv_codes: ['72415000-2']}
    certifications:
      - {scheme: hds, valid_from: 2024-01-01, valid_until: 2027-01-01}
    software_relations:
      - {software: bbb, role: host}
    references:
      - {title: Visio, client_name: Ville exemple, year: 2023, partners: [partenaire],
         client: client-public}
  - {slug: partenaire, kind: company, name: Partenaire exemple}
  - {slug: client-public, kind: public_body, name: Client public exemple}
"""


def load(content: bytes, **options):
    return load_directory(parse(content, "test.yaml"), source="test.yaml", **options)


def test_a_document_loads_with_its_relations():
    report = load(DOCUMENT)
    assert report.ok and report.committed
    assert report.total("created") == 11
    hebergeur = m.Organisation.objects.get(slug="hebergeur")
    assert hebergeur.departement == "33"
    assert str(hebergeur.latitude) == "44.837789"
    offering = hebergeur.offerings.get()
    assert offering.cpv_codes == ["72415000"]
    assert list(offering.software.values_list("slug", flat=True)) == ["bbb"]
    reference = hebergeur.references.get()
    assert reference.client.slug == "client-public"
    assert list(reference.partners.values_list("slug", flat=True)) == ["partenaire"]
    bbb = m.Software.objects.get(slug="bbb")
    assert bbb.licence == "LGPL-3.0-only"
    assert list(bbb.similar.values_list("slug", flat=True)) == ["jitsi"]


def test_loading_twice_changes_nothing():
    load(DOCUMENT)
    second = load(DOCUMENT)
    assert second.total("created") == 0
    assert second.total("updated") == 0
    assert second.total("unchanged") == 11
    assert m.Organisation.objects.count() == 3


def test_a_changed_field_updates_the_entry_in_place():
    load(DOCUMENT)
    report = load(DOCUMENT.replace(b"name: Hebergeur exemple", b"name: Hebergeur renomme"))
    assert report.counts[("organisations", "updated")] == 1
    assert m.Organisation.objects.get(slug="hebergeur").name == "Hebergeur renomme"


def test_one_bad_entry_means_nothing_is_saved():
    bad = DOCUMENT.replace(b"valid_until: 2027-01-01", b"valid_until: 2023-01-01")
    report = load(bad)
    assert not report.committed
    [rejection] = report.rejections
    assert rejection.location == "test.yaml: organisations[0].certifications[0]"
    assert "valid_until" in rejection.reason
    assert m.Organisation.objects.count() == 0
    assert "Nothing was saved" in report.as_text()


def test_partial_keeps_the_good_entries():
    bad = DOCUMENT.replace(b"siren_placeholder", b"").replace(
        b"{slug: partenaire, kind: company,", b"{slug: partenaire, kind: company, siren: '123',"
    )
    report = load(bad, partial=True)
    assert report.committed
    bad_siren, orphan_partner = report.rejections
    assert bad_siren.location == "test.yaml: organisations[1]"
    assert "siren" in bad_siren.reason
    assert orphan_partner.location == "test.yaml: organisations[0].references[0]"
    assert "partenaire" in orphan_partner.reason
    assert m.Organisation.objects.filter(slug="hebergeur").exists()
    assert not m.Organisation.objects.filter(slug="partenaire").exists()


def test_dry_run_saves_nothing_but_reports_everything():
    report = load(DOCUMENT, dry_run=True)
    assert report.total("created") == 11 and not report.committed
    assert m.Software.objects.count() == 0


def test_unknown_fields_and_slugs_are_rejected_by_name():
    report = load(
        b"software:\n  - {slug: x, name: X, colour: blue}\n"
        b"organisations:\n  - {slug: o, kind: company, name: O, software_relations: "
        b"[{software: nowhere, role: user}]}\n"
    )
    reasons = {r.location: r.reason for r in report.rejections}
    assert "colour" in reasons["test.yaml: software[0]"]
    assert "nowhere" in reasons["test.yaml: organisations[0].software_relations[0]"]


def test_an_import_is_recorded_in_the_history():
    load(DOCUMENT)
    organisation = m.Organisation.objects.get(slug="hebergeur")
    [version] = Version.objects.get_for_object(organisation)
    assert version.revision.get_comment() == "Import of test.yaml"


def test_export_then_import_gives_the_same_directory():
    load(DOCUMENT)
    _filename, mimetype, content = GrappeYamlExporter().render()
    assert mimetype == "application/yaml"
    again = load(content)
    assert again.ok
    assert again.total("created") == 0 and again.total("updated") == 0


SCOPED = b"""
certification_schemes:
  - {slug: secnumcloud, name: SecNumCloud, sovereign_qualification: true}
organisations:
  - slug: operateur
    kind: hosting
    name: Operateur exemple
    offerings:
      - {slug: operateur-iaas, kind: hosting, title: IaaS, hosting_kind: iaas}
      - {slug: operateur-colo, kind: hosting, title: Colocation, hosting_kind: colocation}
    certifications:
      - {scheme: secnumcloud, valid_from: 2025-01-01, offerings: [operateur-iaas]}
  - slug: autre
    kind: hosting
    name: Autre exemple
    certifications:
      - {scheme: secnumcloud, valid_from: 2025-01-01, offerings: [operateur-colo]}
"""


def test_a_certification_may_cover_some_offerings_of_its_own_organisation_only():
    report = load_directory(parse(SCOPED), source="scoped.yaml", partial=True)
    assert [r.location for r in report.rejections] == ["organisations[1].certifications[0]"]
    assert "Colocation" in report.rejections[0].reason  # named, in the language in force
    certification = m.Certification.objects.get()
    assert [o.slug for o in certification.offerings.all()] == ["operateur-iaas"]
    again = load_directory(parse(SCOPED), source="scoped.yaml", partial=True)
    assert again.total("created") == 0 and again.total("updated") == 0
