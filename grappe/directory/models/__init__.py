"""The directory's models, one module per kind of entry."""

from grappe.directory.models.certifications import Certification, CertificationScheme
from grappe.directory.models.duplicates import DuplicateCandidate, DuplicateStatus
from grappe.directory.models.events import Event
from grappe.directory.models.offerings import (
    DeliveryMode,
    EuOwnership,
    ExtraterritorialExposure,
    HostingKind,
    MachineAccess,
    MachineType,
    Offering,
    OfferingKind,
    PricingModel,
    ServiceKind,
)
from grappe.directory.models.organisations import (
    HeadcountBand,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from grappe.directory.models.people import Person, PersonRole
from grappe.directory.models.references import ContractRole, Reference
from grappe.directory.models.relations import SoftwareRelation, SoftwareRole
from grappe.directory.models.software import (
    Category,
    DevelopmentStatus,
    MaintenanceType,
    Platform,
    Software,
    SoftwareType,
)

__all__ = [
    "Category",
    "Certification",
    "CertificationScheme",
    "ContractRole",
    "DeliveryMode",
    "DevelopmentStatus",
    "DuplicateCandidate",
    "DuplicateStatus",
    "EuOwnership",
    "Event",
    "ExtraterritorialExposure",
    "HeadcountBand",
    "HostingKind",
    "MachineAccess",
    "MachineType",
    "MaintenanceType",
    "MembershipStatus",
    "Offering",
    "OfferingKind",
    "Organisation",
    "OrganisationKind",
    "Person",
    "PersonRole",
    "Platform",
    "PricingModel",
    "Reference",
    "ServiceKind",
    "Software",
    "SoftwareRelation",
    "SoftwareRole",
    "SoftwareType",
]
