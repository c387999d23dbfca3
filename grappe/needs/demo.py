"""Example needs for the demo: fictional coalitions among the demo's example organisations, so
that a visitor of `make run` finds a board with pledges and answers to compare. Loading them
twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from grappe.directory.models import Organisation, Software
from grappe.interop.report import ImportReport
from grappe.needs.models import Answer, Need, NeedKind, Pledge, Visibility

LABEL = "needs"


@dataclass(frozen=True)
class ExamplePledge:
    organisation: str
    amount: str | None
    visibility: str = Visibility.PUBLIC
    show_name: bool = True
    constraints: str = ""


@dataclass(frozen=True)
class ExampleAnswer:
    organisation: str
    scope: str
    price: str
    duration_days: int
    team: str


@dataclass(frozen=True)
class ExampleNeed:
    title: str
    kind: str
    software: str
    description: str
    deadline_in_days: int
    pledges: tuple[ExamplePledge, ...]
    answers: tuple[ExampleAnswer, ...] = ()


EXAMPLES = (
    ExampleNeed(
        title="Module de réservation de salles pour Decidim (exemple)",
        kind=NeedKind.MODULE,
        software="decidim",
        description=(
            "Besoin fictif. Nos habitants réservent aujourd’hui les salles communales par "
            "téléphone. Nous voulons un module Decidim libre (AGPL) : calendrier des salles, "
            "demande en ligne, validation par la mairie, **reversé à la communauté Decidim**."
        ),
        deadline_in_days=120,
        pledges=(
            ExamplePledge("cc-exemple-landes-armagnac", "8000"),
            ExamplePledge(
                "cc-exemple-haute-charente",
                "6000",
                Visibility.COALITION,
                constraints="Livraison avant l’été ; formation des agents d’accueil.",
            ),
            ExamplePledge("syndicat-mixte-exemple-vienne", "5000", show_name=False),
        ),
        answers=(
            ExampleAnswer(
                "atlantique-civic-tech-exemple",
                "Conception avec les trois collectivités, développement du module, tests, "
                "publication sur le dépôt de la communauté Decidim, une demi-journée de "
                "formation par collectivité.",
                "17500",
                75,
                "Une cheffe de projet, deux développeurs Ruby on Rails.",
            ),
        ),
    ),
    ExampleNeed(
        title="Hébergement HDS de Nextcloud pour trois centres de santé (exemple)",
        kind=NeedKind.HOSTING,
        software="nextcloud",
        description=(
            "Besoin fictif. L’association accompagne trois centres de santé qui partagent des "
            "documents de patients : il leur faut un Nextcloud hébergé par un hébergeur "
            "certifié HDS, en France, avec réversibilité des données."
        ),
        deadline_in_days=90,
        pledges=(
            ExamplePledge(
                "creuse-numerique-solidaire-exemple",
                "4200",
                Visibility.CURATORS,
                constraints="Hébergement certifié HDS, données en France.",
            ),
        ),
    ),
)


def load_example_needs(dry_run: bool = False) -> ImportReport:
    report = ImportReport(source="example needs", dry_run=dry_run)
    with transaction.atomic():
        for example in EXAMPLES:
            if Need.objects.filter(title=example.title).exists():
                report.count(LABEL, "unchanged")
                continue
            missing = _missing(example)
            if missing:
                report.reject(example.title, f"not in the demo data: {', '.join(missing)}")
                continue
            _create(example)
            report.count(LABEL, "created")
        transaction.set_rollback(dry_run)
    report.committed = not dry_run
    return report


def _missing(example: ExampleNeed) -> list[str]:
    slugs = {p.organisation for p in example.pledges} | {a.organisation for a in example.answers}
    found = set(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = sorted(slugs - found)
    if not Software.objects.filter(slug=example.software).exists():
        missing.append(example.software)
    return missing


def _create(example: ExampleNeed) -> None:
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(
            slug__in={p.organisation for p in example.pledges}
            | {a.organisation for a in example.answers}
        )
    }
    poster = organisations[example.pledges[0].organisation]
    need = Need.objects.create(
        title=example.title,
        kind=example.kind,
        software=Software.objects.get(slug=example.software),
        description=example.description,
        organisation=poster,
        departement=poster.departement,
        deadline=timezone.localdate() + timedelta(days=example.deadline_in_days),
    )
    for pledge in example.pledges:
        Pledge.objects.create(
            need=need,
            organisation=organisations[pledge.organisation],
            amount=Decimal(pledge.amount) if pledge.amount else None,
            amount_visibility=pledge.visibility,
            show_name=pledge.show_name,
            constraints=pledge.constraints,
        )
    for answer in example.answers:
        Answer.objects.create(
            need=need,
            organisation=organisations[answer.organisation],
            scope=answer.scope,
            price=Decimal(answer.price),
            duration_days=answer.duration_days,
            team=answer.team,
        )
