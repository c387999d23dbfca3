"""Which organisation of the directory an incoming record is, for every importer.

Sure matches, in this order: the SIREN; a stable identifier (the Wikidata id, the website's
domain when it names one organisation only and is not a shared host such as github.com); the
folded name with the same commune (INSEE code or postcode). Anything less certain (the same
name elsewhere, a very similar name in the same département) is not merged: the record becomes
a new entry, and the pair goes to the curators' review list (DuplicateCandidate).
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from grappe.directory.models import DuplicateCandidate, Organisation
from grappe.directory.places import departement_of_commune, departement_of_postcode
from grappe.geo.models import name_key

# Hosts many unrelated organisations share: their domain says nothing about who it is.
SHARED_HOSTS = {
    "bit.ly", "cutt.ly", "goo.gl", "tinyurl.com", "ow.ly", "t.co", "urlz.fr",
    "github.com", "gitlab.com", "framagit.org", "git.framasoft.org", "sourceforge.net",
    "wordpress.com", "blogspot.com", "over-blog.com", "wixsite.com", "jimdo.com",
    "facebook.com", "linkedin.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "sites.google.com", "google.com", "free.fr", "orange.fr", "wanadoo.fr", "gouv.fr",
    "data.gouv.fr", "code.gouv.fr", "helloasso.com", "linktr.ee",
}  # fmt: skip
SIMILAR_NAME = 92  # rapidfuzz token-sort ratio from which two names in one département look alike


def website_domain(url: str) -> str:
    """The host of a web address without "www.": "https://www.Labfab.fr/x" -> "labfab.fr"."""
    try:
        host = urlsplit(url if "//" in (url or "") else f"//{url or ''}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def identifying_domain(url: str) -> str:
    """The website's domain when it can identify an organisation, else "": not a shared host,
    and not a page deep inside a site (a course on a MOOC platform says nothing of who runs
    the platform; "/fr" or "/en" after a home page is fine)."""
    domain = website_domain(url)
    if not domain or domain in SHARED_HOSTS or any(domain.endswith("." + h) for h in SHARED_HOSTS):
        return ""
    try:
        path = urlsplit(url if "//" in url else f"//{url}").path
    except ValueError:
        return ""
    if len([part for part in path.split("/") if part]) > 1:
        return ""
    return domain


def same_address(url: str) -> str:
    """A web address as compared: no scheme, no "www.", no trailing slash, host in lower case."""
    domain = website_domain(url)
    if not domain:
        return ""
    path = urlsplit(url if "//" in url else f"//{url}").path.rstrip("/")
    return f"{domain}{path}"


@dataclass(frozen=True)
class Match:
    organisation: Organisation | None  # the entry the record is, when sure
    how: str = ""  # "siren", "wikidata", "website", "name and commune"; "" when new
    look_alikes: tuple[Organisation, ...] = ()  # not sure: for the curators' review list
    reason: str = ""  # why the look-alikes look alike


class OrganisationMatcher:
    """Indexes the directory's organisations once, then matches each record of a file; entries
    the file creates are added as it goes (`remember`), so a file never duplicates itself."""

    def __init__(self, organisations=None) -> None:
        self.by_siren: dict[str, Organisation] = {}
        self.by_wikidata: dict[str, Organisation] = {}
        self.by_domain: dict[str, list[Organisation]] = defaultdict(list)
        self.by_address: dict[str, list[Organisation]] = defaultdict(list)
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        self.by_departement: dict[str, list[Organisation]] = defaultdict(list)
        queryset = Organisation.objects.all() if organisations is None else organisations
        for organisation in queryset:
            self.remember(organisation)

    def remember(self, organisation: Organisation) -> None:
        if organisation.siren:
            self.by_siren[organisation.siren] = organisation
        if organisation.wikidata_id:
            self.by_wikidata[organisation.wikidata_id] = organisation
        if domain := identifying_domain(organisation.website):
            self.by_domain[domain].append(organisation)
        if address := same_address(organisation.website):
            self.by_address[address].append(organisation)
        key = name_key(organisation.name)
        self.by_name[key].append(organisation)
        if organisation.departement:
            self.by_departement[organisation.departement].append(organisation)

    def match(
        self,
        *,
        name: str,
        siren: str = "",
        wikidata_id: str = "",
        website: str = "",
        commune_insee: str = "",
        postcode: str = "",
    ) -> Match:
        if siren and siren in self.by_siren:
            return Match(self.by_siren[siren], "siren")
        if wikidata_id and wikidata_id in self.by_wikidata:
            return Match(self.by_wikidata[wikidata_id], "wikidata")
        address = same_address(website)
        if address and address.split("/")[0] not in SHARED_HOSTS:
            owners = self.by_address.get(address, [])
            if len(owners) == 1 and not (siren and owners[0].siren and owners[0].siren != siren):
                return Match(owners[0], "website")  # the very same page, deep or not
        domain = identifying_domain(website)
        if domain and len(self.by_domain.get(domain, [])) == 1:
            found = self.by_domain[domain][0]
            if not (siren and found.siren and found.siren != siren):  # two SIRENs: two entities
                return Match(found, "website")
        key = name_key(name)
        same_name = [o for o in self.by_name.get(key, []) if not (siren and o.siren)]
        here = [
            o
            for o in same_name
            if (commune_insee and o.commune_insee == commune_insee)
            or (postcode and o.postcode == postcode)
        ]
        if len(here) == 1:
            return Match(here[0], "name and commune")
        if not (commune_insee or postcode):  # a file without places, imported again
            placeless = [o for o in same_name if not (o.commune_insee or o.postcode)]
            if len(placeless) == 1:
                return Match(placeless[0], "name, neither placed")
        if same_name:
            return Match(None, look_alikes=tuple(same_name), reason="same name, another place")
        departement = departement_of_commune(commune_insee) or departement_of_postcode(postcode)
        similar = tuple(
            o
            for o in self.by_departement.get(departement, [])
            if fuzz.token_sort_ratio(key, name_key(o.name)) >= SIMILAR_NAME
        )
        if similar:
            return Match(None, look_alikes=similar, reason="similar name, same département")
        return Match(None)


def ask_curators(created: Organisation, match: Match, source: str) -> list[DuplicateCandidate]:
    """Put each look-alike of a newly created organisation on the review list (once)."""
    candidates = []
    for other in match.look_alikes:
        if other.pk == created.pk:
            continue
        candidate, _created = DuplicateCandidate.objects.get_or_create(
            organisation=other,
            other_organisation=created,
            defaults={"reason": match.reason, "source": source[:300]},
        )
        candidates.append(candidate)
    return candidates
