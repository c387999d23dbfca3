"""schema.org descriptions of the public pages, as JSON-LD that search engines and harvesters read.

Built as plain dicts and serialised with json.dumps, never by string templating, then escaped so
that no text of an entry can close the <script> element it sits in.
"""

import json
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from grappe.directory.models import Event, OfferingKind, Person
from grappe.directory.places import DEPARTEMENTS, departement_of_commune
from grappe.search.query import SearchResults
from grappe.web.queries import OfferingPage, OrganisationPage, SoftwarePage

Absolute = Callable[[str], str]  # turns a path into an absolute URL (request.build_absolute_uri)
CONTEXT = "https://schema.org"

# Same escapes as django.utils.html.json_script: "</script>" or "<!--" inside a text stay inert.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script(data: dict[str, Any]) -> SafeString:
    """The <script type="application/ld+json"> element for `data`, safe to put in a page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty values: schema.org readers treat a missing property better than ""."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _wikidata(identifier: str) -> str:
    return f"https://www.wikidata.org/wiki/{identifier}" if identifier else ""


def _organisation_ref(organisation, absolute: Absolute) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": organisation.name,
        "url": absolute(organisation.get_absolute_url()),
    }


def _postal_address(
    street: str, postcode: str, commune: str, departement: str
) -> dict[str, Any] | None:
    if not (street or postcode or commune):
        return None
    return _clean(
        {
            "@type": "PostalAddress",
            "streetAddress": street,
            "postalCode": postcode,
            "addressLocality": commune,
            "addressRegion": DEPARTEMENTS.get(departement, ""),
            "addressCountry": "FR",
        }
    )


def organisation_jsonld(page: OrganisationPage, absolute: Absolute) -> dict[str, Any]:
    organisation = page.organisation
    url = absolute(organisation.get_absolute_url())
    identifiers = [
        {"@type": "PropertyValue", "propertyID": scheme, "value": value}
        for scheme, value in (
            ("SIREN", organisation.siren),
            ("SIRET", organisation.siret),
            ("NAF", organisation.naf_code),
        )
        if value
    ]
    geo = None
    if organisation.latitude is not None and organisation.longitude is not None:
        geo = {
            "@type": "GeoCoordinates",
            "latitude": float(organisation.latitude),
            "longitude": float(organisation.longitude),
        }
    offers = [
        {
            "@type": "Offer",
            "itemOffered": {"name": offering.title, "url": absolute(offering.get_absolute_url())},
        }
        for group in page.offering_groups
        for offering in group.offerings
    ]
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Organization",
            "@id": url,
            "url": url,
            "name": organisation.name,
            "legalName": organisation.legal_name,
            "description": organisation.description,
            "sameAs": [
                link for link in (organisation.website, _wikidata(organisation.wikidata_id)) if link
            ],
            "email": organisation.email,
            "telephone": organisation.phone,
            "address": _postal_address(
                organisation.address,
                organisation.postcode,
                organisation.commune_name,
                organisation.departement,
            ),
            "geo": geo,
            "foundingDate": str(organisation.founded_year) if organisation.founded_year else "",
            "identifier": identifiers,
            "keywords": ", ".join(organisation.tags),
            "makesOffer": offers,
        }
    )


def software_jsonld(page: SoftwarePage, absolute: Absolute) -> dict[str, Any]:
    software = page.software
    url = absolute(software.get_absolute_url())
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "SoftwareApplication",
            "@id": url,
            "url": url,
            "name": software.name,
            "description": software.description,
            "license": software.licence or software.licence_raw,
            "sameAs": [
                link
                for link in (
                    software.website,
                    software.repository_url,
                    _wikidata(software.wikidata_id),
                )
                if link
            ],
            "applicationCategory": ", ".join(category.name for category in page.categories),
            "operatingSystem": ", ".join(software.platforms),
            "softwareVersion": software.latest_version,
            "datePublished": software.release_date.isoformat() if software.release_date else "",
            "keywords": ", ".join(software.tags),
            "publisher": [
                _organisation_ref(relation.organisation, absolute)
                for relation in page.relations.publishes
            ],
        }
    )


def offering_jsonld(page: OfferingPage, absolute: Absolute) -> dict[str, Any]:
    """A service or a hosting offer is a Service with a provider; a software product, hardware
    or a machine is a Product whose offer names the organisation as seller."""
    offering = page.offering
    url = absolute(offering.get_absolute_url())
    organisation = _organisation_ref(offering.organisation, absolute)
    is_service = offering.kind in (OfferingKind.SERVICE, OfferingKind.HOSTING)
    priced = offering.price_from is not None
    offer = _clean(
        {
            "@type": "Offer",
            "price": str(offering.price_from) if priced else "",
            "priceCurrency": "EUR" if priced else "",
            "description": offering.price_indication,
            "seller": None if is_service else organisation,
        }
    )
    if is_service:
        detail = offering.get_service_kind_display() or offering.get_hosting_kind_display()
        specific = {"@type": "Service", "serviceType": str(detail), "provider": organisation}
    else:
        detail = offering.get_machine_type_display() or offering.get_kind_display()
        specific = {"@type": "Product", "category": str(detail)}
    return _clean(
        {
            "@context": CONTEXT,
            **specific,
            "@id": url,
            "url": url,
            "name": offering.title,
            "description": offering.description,
            "offers": offer if len(offer) > 1 else None,
            "keywords": ", ".join(offering.tags),
            "isRelatedTo": [
                {
                    "@type": "SoftwareApplication",
                    "name": item.name,
                    "url": absolute(item.get_absolute_url()),
                }
                for item in page.software
            ],
        }
    )


def person_jsonld(person: Person, absolute: Absolute) -> dict[str, Any]:
    """Contact details only with the person's consent (public_email, public_phone)."""
    url = absolute(person.get_absolute_url())
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "@id": url,
            "url": url,
            "name": person.name,
            "jobTitle": person.job_title,
            "description": person.bio,
            "knowsAbout": list(person.skills),
            "worksFor": _organisation_ref(person.organisation, absolute)
            if person.organisation
            else None,
            "email": person.public_email,
            "telephone": person.public_phone,
            "areaServed": [
                {"@type": "AdministrativeArea", "name": DEPARTEMENTS[code]}
                for code in person.territory
                if code in DEPARTEMENTS
            ],
        }
    )


def event_jsonld(event: Event, absolute: Absolute) -> dict[str, Any]:
    url = absolute(event.get_absolute_url())
    if event.is_online:
        location: dict[str, Any] | None = {"@type": "VirtualLocation", "url": event.url or url}
    elif event.place or event.commune_name:
        location = _clean(
            {
                "@type": "Place",
                "name": event.place or event.commune_name,
                "address": _postal_address(
                    "", "", event.commune_name, departement_of_commune(event.commune_insee)
                ),
            }
        )
    else:
        location = None
    if event.organiser:
        organiser: dict[str, Any] | None = _organisation_ref(event.organiser, absolute)
    elif event.organiser_name:
        organiser = {"@type": "Organization", "name": event.organiser_name}
    else:
        organiser = None
    mode = "OnlineEventAttendanceMode" if event.is_online else "OfflineEventAttendanceMode"
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "@id": url,
            "url": url,
            "name": event.title,
            "description": event.description,
            "startDate": event.starts_on.isoformat(),
            "endDate": event.ends_on.isoformat() if event.ends_on else "",
            "eventAttendanceMode": f"https://schema.org/{mode}",
            "location": location,
            "organizer": organiser,
            "sameAs": event.url,
        }
    )


def website_jsonld(name: str, absolute: Absolute, search_path: str) -> dict[str, Any]:
    """The site itself, with the search box that search engines may offer."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": absolute("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(search_path) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def search_jsonld(results: SearchResults, absolute: Absolute, page_path: str) -> dict[str, Any]:
    first = (results.params.page - 1) * results.params.page_size
    return {
        "@context": CONTEXT,
        "@type": "SearchResultsPage",
        "url": absolute(page_path),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": results.count,
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": first + position,
                    "name": hit.name,
                    "url": absolute(hit.url),
                }
                for position, hit in enumerate(results.hits, start=1)
            ],
        },
    }
