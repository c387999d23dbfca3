"""code.gouv.fr's data on public bodies' source code: `grappe import codegouv-organisations`
(forge accounts, organizations.csv or .json), `codegouv-repositories` (repositories.csv) and
`codegouv-accounts` (comptes-organismes-publics.yml). See docs/formats/codegouv.md.

All three go through the bulk path (importers.csv_tables.BulkWriter): repositories.csv has
9,157 rows. An organisation owns a forge account through its tag "forge:ACCOUNT"; that tag is
how a re-import finds the organisation again and how a repository finds its publisher, so
import the organisations (or the accounts) before the repositories.
"""

import re
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz

from grappe.directory.models import (
    Organisation,
    OrganisationKind,
    Software,
    SoftwareRelation,
    SoftwareRole,
)
from grappe.geo.models import name_key
from grappe.interop.formats import register_importer
from grappe.interop.formats.codegouv import (
    FORGE_TAG,
    forge_tag,
    parse_accounts,
    parse_organisations,
    parse_repositories,
)
from grappe.interop.importers.bulk import (
    Staged,
    TableReport,
    add_findings,
    all_or_nothing,
    ask_after_write,
    fill_empty,
    read_checked,
)
from grappe.interop.importers.common import SlugChooser
from grappe.interop.matching import SIMILAR_NAME, Match, OrganisationMatcher
from grappe.interop.progress import progress
from grappe.interop.report import ImportReport


def organisations_by_forge_tag() -> dict[str, list[Organisation]]:
    """The organisations owning each forge account, by tag."""
    owners: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in Organisation.objects.filter(tags__icontains=FORGE_TAG).order_by("pk"):
        for tag in organisation.tags:
            if tag.startswith(FORGE_TAG):
                owners[tag.lower()].append(organisation)
    return owners


def with_tags(organisation: Organisation, tags: list[str]) -> set[str]:
    """Add the forge tags an organisation lacks (they identify it: always added)."""
    known = {tag.casefold() for tag in organisation.tags}
    missing = [tag for tag in tags if tag.casefold() not in known]
    if not missing:
        return set()
    organisation.tags = [*organisation.tags, *missing]
    return {"tags"}


def _start(path: Path, dry_run: bool, expected: str) -> tuple[TableReport, bytes | None]:
    report = TableReport(source=str(path), dry_run=dry_run)
    return report, read_checked(path, report, expected)


def _findings(report: TableReport, document) -> None:
    add_findings(report, document)
    for _location, reason in document.skipped:
        report.skip(reason.split(" (")[0])


class CodeGouvOrganisationsImporter:
    name = "codegouv-organisations"
    description = "public bodies' forge accounts from code.gouv.fr (organizations.csv or .json)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, content = _start(path, dry_run, "organizations.csv or organizations.json")
        if content is None:
            return report
        document = parse_organisations(content, source=path.name)
        _findings(report, document)
        if report.rejections and not document.accounts:
            return report
        with all_or_nothing(
            report, dry_run=dry_run, partial=partial, comment=f"Import {self.name}: {path.name}"
        ) as writer:
            owners = organisations_by_forge_tag()
            matcher = OrganisationMatcher()
            slugs = SlugChooser(Organisation)
            staged, asks = [], []
            here: dict[int, Staged] = {}  # entries this file already stages, by object
            for account in progress(document.accounts, "forge accounts: matching"):
                data = account.organisation
                tag = forge_tag(account.account)
                holders = owners.get(tag, [])
                match = (
                    Match(account_holder(holders, data["name"]), "forge account")
                    if holders
                    else matcher.match(name=data["name"], website=data.get("website", ""))
                )
                instance = match.organisation
                if instance is not None and instance.pk is None:  # created by this file
                    # Two accounts of one file are two entries (several teams of one
                    # institute share its website): the curators decide.
                    reason = f"same {match.how} as another account of the file"
                    match = Match(None, look_alikes=(instance,), reason=reason)
                    instance = None
                if instance is not None and id(instance) in here:  # two accounts, one entry
                    first = here[id(instance)]
                    first.changed |= fill_empty(instance, data, skip=("tags",))
                    first.changed |= with_tags(instance, [tag])
                    owners[tag].append(instance)
                    report.warn(account.location, f"the same organisation as {first.location} "
                                f"({match.how}): its forge account is added there")  # fmt: skip
                    continue
                if instance is not None:
                    changed = fill_empty(instance, data, skip=("tags",))
                    changed |= with_tags(instance, [tag])
                    here[id(instance)] = Staged(account.location, instance, False, changed)
                    staged.append(here[id(instance)])
                    continue
                login = account.account.rsplit("/", 1)[-1]
                organisation = Organisation(
                    slug=slugs.choose(data["name"], f"{data['name']}-{login}", fallback="org"),
                    **data,
                )
                item = Staged(account.location, organisation, True)
                staged.append(item)
                here[id(organisation)] = item
                matcher.remember(organisation)
                owners[tag].append(organisation)
                if match.look_alikes:
                    asks.append((item, match))
            writer.write(Organisation, staged)
            ask_after_write(report, asks, str(path), dry_run=dry_run)
        return report


def account_holder(holders: list[Organisation], name: str) -> Organisation:
    """The organisation an account row is, among those owning the account: the one with the
    row's name, else the most specific (fewest forge accounts), else the oldest."""

    def rank(organisation: Organisation) -> tuple[bool, int, int]:
        forges = sum(1 for tag in organisation.tags if tag.startswith(FORGE_TAG))
        return (name_key(organisation.name) != name_key(name), forges, organisation.pk or 0)

    return min(holders, key=rank)


_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")


def aliases(name: str) -> set[str]:
    """A name's folded forms: whole, without its brackets, and each bracket's content:
    "Institut national de recherche en informatique et en automatique (INRIA)" is also
    "inria"."""
    forms = {name_key(name), name_key(_BRACKETS.sub(" ", name))}
    forms.update(name_key(inner) for inner in _BRACKETS.findall(name))
    return {form for form in forms if form}


def same_body(first: str, second: str) -> str:
    """ "same" when two names of public bodies share a form, "similar" when one's words are
    all in the other ("Etalab", "Département Etalab") or they are close, else ""."""
    if aliases(first) & aliases(second):
        return "same"
    a, b = name_key(first), name_key(second)
    if fuzz.token_set_ratio(a, b) == 100 or fuzz.token_sort_ratio(a, b) >= SIMILAR_NAME:
        return "similar"
    return ""


class CodeGouvAccountsImporter:
    name = "codegouv-accounts"
    description = (
        "public bodies and their forge accounts (code.gouv.fr's comptes-organismes-publics.yml)"
    )

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, content = _start(path, dry_run, "comptes-organismes-publics.yml")
        if content is None:
            return report
        document = parse_accounts(content, source=path.name)
        _findings(report, document)
        if report.rejections and not document.bodies:
            return report
        with all_or_nothing(
            report, dry_run=dry_run, partial=partial, comment=f"Import {self.name}: {path.name}"
        ) as writer:
            staged, asks = self.stage(document.bodies)
            writer.write(Organisation, staged)
            ask_after_write(report, asks, str(path), dry_run=dry_run)
        return report

    def stage(self, bodies) -> tuple[list[Staged], list[tuple[Staged, Match]]]:
        """A body is an organisation owning one of its accounts under the same name (or its
        acronym), else the matcher's sure match, else new; an owner of its accounts with a
        similar name, and the matcher's look-alikes, go to the curators."""
        owners = organisations_by_forge_tag()
        matcher = OrganisationMatcher()
        slugs = SlugChooser(Organisation)
        staged, asks, claimed = [], [], set()
        for body in bodies:
            tags = [forge_tag(account) for account in body.accounts]
            holders = {o.pk: o for tag in tags for o in owners.get(tag, [])}.values()
            scored = [(same_body(o.name, body.name), o) for o in holders]
            sure = [o for verdict, o in scored if verdict == "same" and o.pk not in claimed]

            match = Match(sure[0], "forge account") if sure else matcher.match(name=body.name)
            instance = match.organisation
            if instance is not None and instance.pk not in claimed:
                claimed.add(instance.pk)
                changed = with_tags(instance, tags)
                if instance.kind == "":
                    instance.kind = OrganisationKind.PUBLIC_BODY
                    changed.add("kind")
                if not [t for t in instance.tags if not t.startswith(FORGE_TAG)] and body.related:
                    changed |= with_tags(instance, body.related)
                staged.append(Staged(body.location, instance, False, changed))
                continue
            organisation = Organisation(
                slug=slugs.choose(body.name, fallback="public-body"),
                kind=OrganisationKind.PUBLIC_BODY,
                name=body.name,
                tags=[*tags, *body.related],
            )
            item = Staged(body.location, organisation, True)
            staged.append(item)
            similar = tuple(o for verdict, o in scored if verdict == "similar")
            look_alikes = tuple(dict.fromkeys([*match.look_alikes, *similar]))
            if look_alikes:
                reason = match.reason if match.look_alikes else "owns the same forge account"
                asks.append((item, Match(None, look_alikes=look_alikes, reason=reason)))
            matcher.remember(organisation)
            for tag in tags:
                owners[tag].append(organisation)
        return staged, asks


class CodeGouvRepositoriesImporter:
    name = "codegouv-repositories"
    description = "public bodies' repositories from code.gouv.fr (repositories.csv)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, content = _start(path, dry_run, "repositories.csv")
        if content is None:
            return report
        document = parse_repositories(content, source=path.name)
        _findings(report, document)
        if report.rejections and not document.repositories:
            return report
        with all_or_nothing(
            report, dry_run=dry_run, partial=partial, comment=f"Import {self.name}: {path.name}"
        ) as writer:
            software = self.stage_software(document.repositories)
            saved = writer.write(Software, list(software.values()))
            saved_ids = {id(item) for item in saved}
            saved_keys = {key for key, item in software.items() if id(item) in saved_ids}
            relations = self.stage_relations(document.repositories, software, saved_keys)
            writer.write(SoftwareRelation, relations)
            label = str(SoftwareRelation._meta.verbose_name_plural)
            report.counts[(label, "unchanged")] += self.stated_again
        return report

    def stage_software(self, repositories) -> dict[str, Staged]:
        """One staged entry per repository URL; an entry already in the directory only gets
        the fields it leaves empty."""
        existing = {
            software.repository_url.lower().rstrip("/"): software
            for software in Software.objects.exclude(repository_url="")
        }
        slugs = SlugChooser(Software)
        staged: dict[str, Staged] = {}
        for repository in progress(repositories, "repositories: matching"):
            if repository.key in staged:
                continue
            data = repository.software
            instance = existing.get(repository.key)
            if instance is not None:
                licence = {"licence_raw", "licence"}
                skip = licence if instance.licence_raw or instance.licence else set()
                changed = fill_empty(instance, data, skip=skip)
                staged[repository.key] = Staged(repository.location, instance, False, changed)
                continue
            owner = repository.account.rsplit("/", 1)[-1]
            slug = slugs.choose(data["name"], f"{owner}-{data['name']}", fallback="software")
            staged[repository.key] = Staged(repository.location, Software(slug=slug, **data), True)
        return staged

    def stage_relations(self, repositories, software: dict[str, Staged], saved_keys: set[str]):
        """A "publisher" relation to the repository's entry from the organisation owning its
        account (each, when two do), else from the one owning its whole forge; once."""
        owners = organisations_by_forge_tag()
        existing = set(
            SoftwareRelation.objects.filter(role=SoftwareRole.PUBLISHER).values_list(
                "organisation_id", "software_id"
            )
        )
        staged, stated = [], set()
        self.stated_again = 0  # relations the directory already has
        for repository in repositories:
            if repository.key not in saved_keys:
                continue
            entry = software[repository.key].instance
            publishers = owners.get(forge_tag(repository.account)) or owners.get(
                forge_tag(repository.forge), []
            )
            for organisation in publishers:
                pair = (organisation.pk, entry.pk)
                if pair in stated:
                    continue
                stated.add(pair)
                if pair in existing:
                    self.stated_again += 1
                    continue
                relation = SoftwareRelation(
                    organisation=organisation,
                    software=entry,
                    role=SoftwareRole.PUBLISHER,
                    source_url=repository.url,
                )
                staged.append(Staged(repository.location, relation, True))
        return staged


register_importer(CodeGouvOrganisationsImporter())
register_importer(CodeGouvAccountsImporter())
register_importer(CodeGouvRepositoriesImporter())
