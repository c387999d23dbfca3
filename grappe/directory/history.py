"""Which models keep a full history (django-reversion), and what a revision of each carries.

Saving an organisation records its offerings, certifications, relations and references with it,
so restoring an old version of the organisation restores what it offered at the time.
"""

import reversion

from grappe.directory import models as m


def register_history() -> None:
    registrations = {
        m.Organisation: ("offerings", "certifications", "software_relations", "references"),
        m.Software: (),
        m.Offering: (),
        m.Category: (),
        m.CertificationScheme: (),
        m.Certification: (),
        m.SoftwareRelation: (),
        m.Reference: (),
        m.Person: (),
        m.Event: (),
    }
    for model, follow in registrations.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)
