"""Synthetic cluster members for the tenders benchmark: 10,000 fictional companies in Grappe's
YAML shape, and a fast way to write them into the database.

The demo has 33 fictional organisations: enough to label by hand (bench/tenders/labels.yaml),
far too few to measure how matching and team building scale. `generate_members(count, seed)`
makes as many as asked, always the same for the same seed, with the distributions of a real
cluster of free-software SMEs: most have 1 to 49 staff and 100 k€ to 10 M€ of turnover, each has
a trade (integrator, developer, host, trainer, consultant, publisher) that decides its
offerings, CPV codes, certifications and references. Names end with "(synthétique)", clients
are generic ("Commune (exemple)"), so nothing can be taken for a real company or buyer.

`load_members(members)` writes them with bulk_create on the directory models. The project's
importer (load_directory) validates and versions every row: 30 s for 1,000 members, so about
5 minutes for 10,000 and their 55,000 offerings, certifications and references; bulk_create
takes 0.8 s and 8 to 9 s (SQLite, November 2026). The matching engine reads the directory
tables, not the search index, so the index is left alone unless `reindex=True` (which adds
about a minute for 10,000).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMUNES_CSV = ROOT / "grappe" / "interop" / "demo" / "communes.csv"
# Nothing generated may be dated after this day, so that the data validates whenever it is
# generated (a turnover year, a reference or a membership cannot be in the future).
LATEST = date(2026, 6, 30)

# INSEE staff bands, weighted as in a cluster of free-software SMEs, with the staff counted in
# the middle of each band (what the turnover is derived from).
HEADCOUNT_BANDS: list[tuple[str, float, int]] = [
    ("0", 6, 1), ("1-2", 16, 2), ("3-5", 20, 4), ("6-9", 18, 7), ("10-19", 18, 14),
    ("20-49", 14, 32), ("50-99", 5, 70), ("100-199", 2, 140), ("200-249", 1, 220),
]  # fmt: skip

SOFTWARE: dict[str, tuple[str, str]] = {
    # slug in the demo software list: (name, theme)
    "nextcloud": ("Nextcloud", "collaboration"),
    "collabora-online": ("Collabora Online", "collaboration"),
    "onlyoffice": ("ONLYOFFICE", "collaboration"),
    "xwiki": ("XWiki", "collaboration"),
    "bluemind": ("BlueMind", "messaging"),
    "zimbra": ("Zimbra", "messaging"),
    "element": ("Element", "messaging"),
    "mattermost": ("Mattermost", "messaging"),
    "thunderbird": ("Thunderbird", "desktop"),
    "libreoffice": ("LibreOffice", "desktop"),
    "firefox": ("Firefox", "desktop"),
    "bigbluebutton": ("BigBlueButton", "video"),
    "jitsi-meet": ("Jitsi Meet", "video"),
    "peertube": ("PeerTube", "video"),
    "glpi": ("GLPI", "itsm"),
    "ocs-inventory": ("OCS Inventory", "itsm"),
    "zammad": ("Zammad", "itsm"),
    "wapt": ("WAPT", "itsm"),
    "moodle": ("Moodle", "elearning"),
    "chamilo": ("Chamilo", "elearning"),
    "postgresql": ("PostgreSQL", "data"),
    "mariadb": ("MariaDB", "data"),
    "qgis": ("QGIS", "gis"),
    "geotrek": ("Geotrek", "gis"),
    "odoo": ("Odoo", "erp"),
    "dolibarr": ("Dolibarr", "erp"),
    "keycloak": ("Keycloak", "identity"),
    "lemonldap-ng": ("LemonLDAP::NG", "identity"),
    "proxmox-ve": ("Proxmox VE", "infrastructure"),
    "xcp-ng": ("XCP-ng", "infrastructure"),
    "grafana": ("Grafana", "infrastructure"),
    "gitlab": ("GitLab", "infrastructure"),
    "decidim": ("Decidim", "civic"),
    "publik": ("Publik", "civic"),
    "wordpress": ("WordPress", "web"),
    "drupal": ("Drupal", "web"),
    "matomo": ("Matomo", "web"),
    "redmine": ("Redmine", "collaboration"),
}
THEMES = sorted({theme for _name, theme in SOFTWARE.values()})
# Technologies a developer names without them being software of the index.
STACKS = ["Django", "Python", "Symfony", "Laravel", "Ruby on Rails", "Java", "Vue.js", "React",
          "Flutter", "Rust", "Go"]  # fmt: skip

# What each trade offers: (offering kind, service kind) with weights, and its NAF code.
TRADES: dict[str, dict[str, Any]] = {
    "integrator": {
        "weight": 34, "naf": "62.02A",
        "offerings": [(("service", "integration"), 4), (("service", "support"), 4),
                      (("service", "training"), 2), (("service", "consulting"), 1),
                      (("hosting", "saas"), 1)],
    },
    "developer": {
        "weight": 20, "naf": "62.01Z",
        "offerings": [(("service", "development"), 6), (("service", "integration"), 2),
                      (("service", "support"), 2), (("service", "consulting"), 1)],
    },
    "host": {
        "weight": 15, "naf": "63.11Z",
        "offerings": [(("hosting", "saas"), 4), (("hosting", "managed"), 3),
                      (("hosting", "iaas"), 2), (("service", "support"), 1)],
    },
    "trainer": {
        "weight": 12, "naf": "85.59A",
        "offerings": [(("service", "training"), 8), (("service", "consulting"), 1)],
    },
    "consultant": {
        "weight": 14, "naf": "62.02A",
        "offerings": [(("service", "consulting"), 4), (("service", "audit"), 4),
                      (("service", "training"), 1)],
    },
    "publisher": {
        "weight": 5, "naf": "58.29C",
        "offerings": [(("software", ""), 4), (("hosting", "saas"), 2), (("service", "support"), 2)],
    },
}  # fmt: skip

# CPV codes (with their check digits) by what an offering is.
CPV: dict[str, list[str]] = {
    "integration": ["72260000-5", "72263000-6", "72265000-0", "72212000-4"],
    "support": ["72267000-4", "72253200-5", "72250000-2", "72611000-6"],
    "development": ["72212000-4", "72230000-6", "72262000-9", "72413000-8"],
    "training": ["80533100-0", "80533000-9", "80511000-9", "80420000-4"],
    "consulting": ["72600000-6", "72220000-3", "72224000-1", "72000000-5"],
    "audit": ["72810000-1", "72600000-6"],
    "hosting": ["72415000-2", "72400000-4", "72317000-0", "72410000-7"],
    "software": ["48000000-8", "48900000-7", "48600000-4"],
}

TITLES: dict[str, list[str]] = {
    "integration": ["Mise en place de {sw}", "Déploiement de {sw} clé en main",
                    "Intégration de {sw} et reprise des données", "Paramétrage de {sw}"],
    "support": ["Maintenance et support de {sw}", "Tierce maintenance applicative {sw}",
                "Assistance {sw} à distance et sur site", "Infogérance de {sw}"],
    "development": ["Développement de modules {sw}", "Développement d'extensions {sw}",
                    "Applications web sur mesure ({stack})", "Développement {stack} et API"],
    "training": ["Formation {sw} pour les utilisateurs", "Formation {sw}, niveau administrateur",
                 "Parcours de formation {sw}"],
    "consulting": ["Conseil et accompagnement à la migration vers {sw}",
                   "Étude de l'existant et schéma directeur {theme}",
                   "Assistance à maîtrise d'ouvrage {theme}"],
    "audit": ["Audit de sécurité du système d'information", "Audit de configuration {sw}",
              "Audit d'accessibilité RGAA", "Tests d'intrusion applicatifs"],
    "hosting": ["{sw} hébergé en France", "{sw} infogéré", "Hébergement souverain de {sw}"],
    "iaas": ["Serveurs virtuels (IaaS)", "Cloud privé sur {sw}",
             "Hébergement de baies et serveurs"],
    "software": ["{sw}, édition et abonnement", "Distribution professionnelle de {sw}"],
}  # fmt: skip
THEME_WORDS = {
    "collaboration": "travail collaboratif", "messaging": "messagerie",
    "desktop": "poste de travail",
    "video": "visioconférence", "itsm": "gestion de parc", "elearning": "formation en ligne",
    "data": "données", "gis": "SIG", "erp": "gestion intégrée", "identity": "identités",
    "infrastructure": "infrastructure", "civic": "participation citoyenne", "web": "web",
}  # fmt: skip
AUDIENCES = ["les collectivités", "les PME", "les établissements de santé",
             "les établissements d'enseignement", "les associations",
             "les industriels"]  # fmt: skip
AUDIENCES_EN = ["local authorities", "SMEs", "health institutions", "schools and universities",
                "associations", "manufacturers"]  # fmt: skip
CLIENTS = ["Commune (exemple)", "Communauté de communes (exemple)",
           "Communauté d'agglomération (exemple)", "Département (exemple)",
           "Centre hospitalier (exemple)", "Université (exemple)", "Lycée (exemple)",
           "Syndicat mixte (exemple)", "PME industrielle (exemple)", "Association (exemple)",
           "Établissement public (exemple)", "Mutuelle (exemple)"]  # fmt: skip
ROLES = [("sole", 70), ("lead", 10), ("co_contractor", 12), ("subcontractor", 8)]
SCHEMES = {
    "iso-27001": "ISO/IEC 27001",
    "hds": "Hébergeur de données de santé (HDS)",
    "secnumcloud": "SecNumCloud",
    "qualiopi": "Qualiopi",
    "iso-9001": "ISO 9001",
}
NAME_PREFIXES = ["Atelier", "Studio", "Groupe", "Coopérative", "Agence", "Collectif", "Maison",
                 "Bureau", "Compagnie", "Fabrique", "Cabinet", "Réseau"]  # fmt: skip
NAME_CORES = ["Libre", "Numérique", "Logiciel", "Code", "Données", "Nuage", "Systèmes",
              "Services", "Web", "Cloud", "Infra", "Open", "Octet", "Pixel", "Serveur"]  # fmt: skip
NAME_PLACES = ["Atlantique", "Garonne", "Dordogne", "Adour", "Limousin", "Poitou", "Charente",
               "Landes", "Périgord", "Béarn", "Médoc", "Gâtine", "Saintonge", "Aunis", "Vienne",
               "Creuse", "Corrèze", "Basque", "Gironde", "Aquitaine", "Marais",
               "Quercy"]  # fmt: skip


def _communes() -> list[tuple[str, str, str, float, float, float]]:
    """(INSEE code, name, postcode, latitude, longitude, weight) of the demo's communes: real
    places the demo gazetteer knows, weighted by the square root of their population."""
    rows = []
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append((row["code_insee"], row["nom"], row["codes_postaux"].split()[0],
                         float(row["latitude"]), float(row["longitude"]),
                         math.sqrt(int(row["population"]))))  # fmt: skip
    return rows


def _pick(rng: random.Random, weighted: Iterable[tuple[Any, float]]) -> Any:
    items = list(weighted)
    return rng.choices([item for item, _ in items], weights=[w for _, w in items])[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def generate_members(count: int, seed: int) -> list[dict]:
    """`count` fictional member companies, the same ones for the same seed.

    Each is a dict in the shape of grappe/interop/demo/organisations-examples.yaml (nested
    offerings, certifications, references; relations by slug), so it can be dumped as Grappe
    YAML as well as loaded with `load_members`.
    """
    rng = random.Random(seed)
    communes = _communes()
    slugs = [f"synthetique-{seed}-{index:05d}" for index in range(count)]
    members = [_member(rng, slug, communes, slugs) for slug in slugs]
    return members


def _member(rng: random.Random, slug: str, communes: list, slugs: list[str]) -> dict:
    trade_name = _pick(rng, ((name, trade["weight"]) for name, trade in TRADES.items()))
    trade = TRADES[trade_name]
    band, _weight, staff = _pick(rng, ((band, band[1]) for band in HEADCOUNT_BANDS))
    # Turnover per head: about 85 k€, spread log-normally; a company with no employee is its
    # founder's activity.
    per_head = rng.lognormvariate(math.log(85_000), 0.35)
    turnover = max(60_000, min(40_000_000, round(per_head * max(staff, 1.2), -3)))
    insee, commune, postcode, latitude, longitude, _ = _pick(
        rng, ((row, row[5]) for row in communes)
    )
    founded = rng.randint(1992, 2024)
    themes = rng.sample(THEMES, k=rng.choice((1, 2, 2, 3)))
    name = (
        f"{rng.choice(NAME_PREFIXES)} {rng.choice(NAME_CORES)} {rng.choice(NAME_PLACES)} "
        f"(synthétique)"
    )
    offerings = _offerings(rng, slug, trade, themes, staff)
    member: dict[str, Any] = {
        "slug": slug,
        "kind": "company",
        "name": name,
        "description_fr": (
            f"Entreprise fictive générée pour les mesures de performance : "
            f"{', '.join(THEME_WORDS[t] for t in themes)}."
        ),
        "description_en": "Fictional company generated for benchmarks.",
        "commune_name": commune,
        "commune_insee": insee,
        "postcode": postcode,
        "latitude": Decimal(f"{latitude:.5f}"),
        "longitude": Decimal(f"{longitude:.5f}"),
        "headcount_band": band,
        "founded_year": founded,
        "turnover_year": rng.choice((2024, 2025, 2025)),
        "turnover_amount": int(turnover),
        "naf_code": trade["naf"],
        "membership_status": "member",
        "member_since": _day(rng, date(max(founded, 2009), 1, 1), LATEST),
        "tags": sorted({THEME_WORDS[t] for t in themes}),
        "is_example": True,
        "offerings": offerings,
        "certifications": _certifications(rng, trade_name, offerings),
        "references": _references(rng, slug, offerings, turnover, slugs),
    }
    return member


def _offerings(rng: random.Random, slug: str, trade: dict, themes: list[str], staff: int):
    count = min(6, max(1, round(rng.gauss(1.5 + math.log2(staff + 1) / 2, 1))))
    offerings: list[dict] = []
    titles: set[str] = set()
    for number in range(count):
        kind, sub = _pick(rng, trade["offerings"])
        theme = rng.choice(themes)
        choices = [s for s, (_n, t) in SOFTWARE.items() if t == theme]
        software = rng.choice(choices)
        if sub == "iaas":
            software = rng.choice(["proxmox-ve", "xcp-ng"])
        template_key = "iaas" if sub == "iaas" else "hosting" if kind == "hosting" else sub or kind
        template = rng.choice(TITLES[template_key])
        title = template.format(
            sw=SOFTWARE[software][0], stack=rng.choice(STACKS), theme=THEME_WORDS[theme]
        )
        if title in titles:
            continue
        titles.add(title)
        uses_software = "{sw}" in template or kind == "software"
        audience = rng.randrange(len(AUDIENCES))
        cpv_family = CPV["hosting" if kind == "hosting" else sub or kind]
        codes = [cpv_family[0] if rng.random() < 0.5 else rng.choice(cpv_family)]
        if rng.random() < 0.35:
            codes.append(rng.choice(cpv_family))
        offering: dict[str, Any] = {
            "slug": f"{slug}-o{number + 1}",
            "kind": kind,
            "title": title,
            "description_fr": f"{title}, pour {AUDIENCES[audience]}.",
            "description_en": f"{title} (synthetic offering) for {AUDIENCES_EN[audience]}.",
            "software": [software] if uses_software else [],
            "cpv_codes": list(dict.fromkeys(codes)),
        }
        if kind == "service":
            offering["service_kind"] = sub
            offering["delivery_mode"] = rng.choice(("both", "both", "remote", "on_site"))
            if sub == "training":
                offering["duration_hours"] = rng.choice((7, 14, 21, 35))
        elif kind == "hosting":
            offering.update(
                hosting_kind=sub,
                datacenter_country="FR",
                datacenter_region="Nouvelle-Aquitaine" if rng.random() < 0.6 else "",
                operator_eu_owned="yes",
                extraterritorial_exposure="none",
                sla_availability=Decimal(rng.choice(("99.5", "99.9", "99.95"))),
                pricing_model=rng.choice(("per_user", "flat", "quote", "per_resource")),
            )
        offerings.append(offering)
    return offerings


def _certifications(rng: random.Random, trade: str, offerings: list[dict]) -> list[dict]:
    """A few certificates, most valid in 2027, some ending in 2026 (to test validity dates)."""
    chances = {"iso-9001": 0.08, "iso-27001": 0.05}
    if any(o["kind"] == "hosting" for o in offerings):
        chances.update({"iso-27001": 0.6, "hds": 0.25, "secnumcloud": 0.03})
    if trade == "consultant":
        chances["iso-27001"] = max(chances["iso-27001"], 0.15)
    if any(o.get("service_kind") == "training" for o in offerings):
        chances["qualiopi"] = 0.85 if trade == "trainer" else 0.5
    held = []
    for scheme, chance in chances.items():
        if rng.random() < chance:
            start = _day(rng, date(2022, 7, 1), LATEST)
            held.append(
                {
                    "scheme": scheme,
                    "valid_from": start,
                    "valid_until": _three_years_on(start),
                    "scope": f"{SCHEMES[scheme]} (synthétique)",
                    "issuer": "Organisme certificateur (exemple)",
                }
            )
    return held


def _three_years_on(start: date) -> date:
    """The last day of a three-year certificate (Qualiopi, ISO and HDS certificates run three
    years)."""
    day = 28 if (start.month, start.day) == (2, 29) else start.day
    end = date(start.year + 3, start.month, day)
    return end - timedelta(days=1)


def _references(
    rng: random.Random, slug: str, offerings: list[dict], turnover: float, slugs: list[str]
) -> list[dict]:
    count = min(6, int(rng.expovariate(1 / (1 + math.log10(turnover / 100_000 + 1) * 2))))
    references: list[dict] = []
    seen: set[tuple[str, int]] = set()
    for _ in range(count):
        offering = rng.choice(offerings)
        client = rng.choice(CLIENTS)
        year = rng.randint(2021, LATEST.year)
        title = f"{offering['title']} – {client}"[:200]
        if (title, year) in seen:
            continue
        seen.add((title, year))
        role = _pick(rng, ROLES)
        amount = max(3_000, min(2_000_000, round(turnover * rng.lognormvariate(-3.9, 0.8), -2)))
        reference: dict[str, Any] = {
            "title": title,
            "client_name": client,
            "year": year,
            "amount": int(amount),
            "role": role,
            "cpv_codes": list(offering["cpv_codes"]),
            "software": list(offering["software"]),
            "description_fr": f"Référence fictive : {offering['title'].lower()}.",
            "is_example": True,
        }
        if role in ("lead", "co_contractor") and len(slugs) > 1 and rng.random() < 0.6:
            partner = rng.choice(slugs)
            if partner != slug:
                reference["partners"] = [partner]
        references.append(reference)
    return references


def load_members(members: list[dict], *, reindex: bool = False) -> dict[str, int]:
    """Write generated members (and their offerings, certifications and references) in a few
    bulk statements per table, in one transaction; returns how many rows of each were written.

    Certification schemes missing from the database are created; software not in the
    database is left out of the offerings and references that name it; partners are resolved
    among the members loaded here and those already in the database. No validation, history
    or signal: the generator's output is valid by construction (tests/tenders check a sample
    with full_clean). `reindex` also builds their search documents.
    """
    from django.db import transaction

    from grappe.directory.models import (
        Certification,
        CertificationScheme,
        Offering,
        Organisation,
        Reference,
        Software,
    )

    batch = 1000
    with transaction.atomic():
        organisations = []
        for data in members:
            fields = {k: v for k, v in data.items() if k not in _CHILDREN}
            organisation = Organisation(**fields)
            organisation.derive_departement()
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=batch)
        by_slug = _ids(Organisation, [o.slug for o in organisations], organisations)

        software = dict(Software.objects.values_list("slug", "pk"))
        wanted = {c["scheme"] for data in members for c in data.get("certifications", [])}
        schemes = dict(CertificationScheme.objects.values_list("slug", "pk"))
        missing = [
            CertificationScheme(slug=slug, name=SCHEMES.get(slug, slug))
            for slug in sorted(wanted - set(schemes))
        ]
        CertificationScheme.objects.bulk_create(missing)
        schemes = dict(CertificationScheme.objects.values_list("slug", "pk"))

        offerings, offering_software = [], []
        certifications, references, reference_software, reference_partners = [], [], [], []
        for data in members:
            organisation_id = by_slug[data["slug"]]
            for item in data.get("offerings", []):
                fields = {k: v for k, v in item.items() if k != "software"}
                offerings.append(Offering(organisation_id=organisation_id, **fields))
                offering_software.append([software[s] for s in item["software"] if s in software])
            for item in data.get("certifications", []):
                fields = {k: v for k, v in item.items() if k != "scheme"}
                certifications.append(
                    Certification(
                        organisation_id=organisation_id, scheme_id=schemes[item["scheme"]], **fields
                    )
                )
            for item in data.get("references", []):
                fields = {k: v for k, v in item.items() if k not in ("software", "partners")}
                references.append(Reference(organisation_id=organisation_id, **fields))
                reference_software.append([software[s] for s in item["software"] if s in software])
                reference_partners.append(item.get("partners", []))
        Offering.objects.bulk_create(offerings, batch_size=batch)
        Certification.objects.bulk_create(certifications, batch_size=batch)
        Reference.objects.bulk_create(references, batch_size=batch)
        offering_ids = _ids(Offering, [o.slug for o in offerings], offerings)
        through = Offering.software.through
        through.objects.bulk_create(
            [
                through(offering_id=offering_ids[o.slug], software_id=s)
                for o, chosen in zip(offerings, offering_software, strict=True)
                for s in chosen
            ],
            batch_size=batch,
        )
        if any(r.pk is None for r in references):
            raise RuntimeError("this database does not return the ids of bulk-created rows")
        through = Reference.software.through
        through.objects.bulk_create(
            [
                through(reference_id=r.pk, software_id=s)
                for r, chosen in zip(references, reference_software, strict=True)
                for s in chosen
            ],
            batch_size=batch,
        )
        partner_slugs = {slug for chosen in reference_partners for slug in chosen}
        partner_ids = dict(
            Organisation.objects.filter(slug__in=partner_slugs).values_list("slug", "pk")
        )
        through = Reference.partners.through
        through.objects.bulk_create(
            [
                through(reference_id=r.pk, organisation_id=partner_ids[slug])
                for r, chosen in zip(references, reference_partners, strict=True)
                for slug in chosen
                if slug in partner_ids
            ],
            batch_size=batch,
        )
    if reindex:
        from grappe.search.indexing import index_entries

        index_entries("organisation", by_slug.values())
        index_entries("offering", offering_ids.values())
    return {
        "organisations": len(organisations),
        "offerings": len(offerings),
        "certifications": len(certifications),
        "references": len(references),
    }


_CHILDREN = ("offerings", "certifications", "software_relations", "references")


def _ids(model, slugs: list[str], created: list) -> dict[str, int]:
    """Slug to primary key: from the created instances when the database returned their ids
    (PostgreSQL, SQLite ≥ 3.35), else with one query per thousand slugs."""
    if all(instance.pk is not None for instance in created):
        return {instance.slug: instance.pk for instance in created}
    found: dict[str, int] = {}
    for start in range(0, len(slugs), 1000):
        chunk = slugs[start : start + 1000]
        found.update(model.objects.filter(slug__in=chunk).values_list("slug", "pk"))
    return found
