"""Whether a hosting offer is "sovereign", and why: the reasons are shown beside every result.

A sovereign offer is hosted in the EU, run by an operator majority-owned in the EU that declares
no exposure to non-EU extraterritorial laws, and holds a valid sovereign-cloud qualification
(SecNumCloud) covering it. Anything unknown counts as not met: the filter promises, so it only
keeps what is declared.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from grappe.directory.countries import country_name, in_eu
from grappe.directory.models import EuOwnership, ExtraterritorialExposure, Offering, OfferingKind


@dataclass(frozen=True)
class Reason:
    criterion: str  # "location", "ownership", "exposure", "qualification"
    met: bool
    text: str  # in the active language


@dataclass(frozen=True)
class Assessment:
    reasons: tuple[Reason, ...]

    @property
    def sovereign(self) -> bool:
        return all(reason.met for reason in self.reasons)


def assess(offering: Offering, today: date) -> Assessment | None:
    """None for what is not a hosting offer. Expects the organisation's certifications with
    their scheme and offerings prefetched."""
    if offering.kind != OfferingKind.HOSTING:
        return None
    return Assessment(
        (
            _location(offering),
            _ownership(offering),
            _exposure(offering),
            _qualification(offering, today),
        )
    )


def _location(offering: Offering) -> Reason:
    code = offering.datacenter_country
    if not code:
        return Reason("location", False, _("Data centre country not given"))
    place = ", ".join(p for p in (offering.datacenter_city, country_name(code)) if p)
    if in_eu(code):
        return Reason("location", True, _("Hosted in the EU: %(place)s") % {"place": place})
    return Reason("location", False, _("Hosted outside the EU: %(place)s") % {"place": place})


def _ownership(offering: Offering) -> Reason:
    if offering.operator_eu_owned == EuOwnership.YES:
        return Reason("ownership", True, _("Operator majority-owned in the EU"))
    if offering.operator_eu_owned == EuOwnership.NO:
        return Reason("ownership", False, _("Operator not majority-owned in the EU"))
    return Reason("ownership", False, _("Operator ownership not declared"))


def _exposure(offering: Offering) -> Reason:
    if offering.extraterritorial_exposure == ExtraterritorialExposure.NONE:
        return Reason("exposure", True, _("Declares no exposure to non-EU laws"))
    if offering.extraterritorial_exposure == ExtraterritorialExposure.EXPOSED:
        return Reason("exposure", False, _("Declares exposure to non-EU laws"))
    return Reason("exposure", False, _("Exposure to non-EU laws not declared"))


def _qualification(offering: Offering, today: date) -> Reason:
    held = [
        c
        for c in offering.organisation.certifications.all()
        if c.scheme.sovereign_qualification and c.covers(offering)
    ]
    valid = [c for c in held if c.is_valid_on(today)]
    if valid:
        best = max(valid, key=lambda c: c.valid_until or date.max)
        if best.valid_until:
            text = _("%(scheme)s qualification, valid until %(date)s") % {
                "scheme": best.scheme.name,
                "date": best.valid_until.isoformat(),
            }
        else:
            text = _("%(scheme)s qualification") % {"scheme": best.scheme.name}
        return Reason("qualification", True, text)
    if held:
        return Reason(
            "qualification",
            False,
            _("%(scheme)s qualification not valid today") % {"scheme": held[0].scheme.name},
        )
    return Reason("qualification", False, _("No sovereign cloud qualification (SecNumCloud)"))
